"""The helpline staff console."""
