from django.db import models


class SpentToken(models.Model):
    """A one-use token (a proof of work's challenge token) that was spent, until it expires: the
    database is the state every web process shares, so a token is spent once across processes
    (hashbank/core/spent_tokens.py)."""

    # The primary key is the one-use rule: a second INSERT of the same token conflicts.
    token = models.CharField(max_length=64, primary_key=True)
    # Indexed for the prune on write, which deletes the rows whose token can no longer be used.
    expires_at = models.DateTimeField(db_index=True)
