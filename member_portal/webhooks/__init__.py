"""Signed new-checkpoint notifications to members."""
