"""Health, errors, security headers and logs shared by every app."""
