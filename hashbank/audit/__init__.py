"""The hash-chained audit log of staff actions and security events."""
