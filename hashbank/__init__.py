"""hashbank: an open, verifiable hash bank against non-consensual intimate imagery."""
