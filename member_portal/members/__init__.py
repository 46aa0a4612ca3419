"""Member platforms, their users and API credentials."""
