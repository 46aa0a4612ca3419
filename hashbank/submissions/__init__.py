"""The victim-facing pages and the submission API."""
