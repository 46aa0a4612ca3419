"""The member portal web pages."""
