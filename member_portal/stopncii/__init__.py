"""A StopNCII-compatible facade for stock HMA."""
