"""Everything member platforms use. This package itself imports no Django, so the
verifier, the sync client and the threatexchange extension install without it."""
