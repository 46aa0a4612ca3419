"""Signals: one hash value of one signal type."""
