"""Disputes raised against signals and their review."""
