"""Reports and disputes about (origin, seq): resolved here for our own origin, forwarded to the
origin bank over its peer API for a mirrored one (docs/peer-api.md)."""
