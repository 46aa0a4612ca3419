"""One row per witness of the bank's policy (settings.HASHBANK_WITNESS_POLICY): what it last
cosigned of this bank's log, and what went wrong last, for the dashboard and /readyz."""

from __future__ import annotations

from django.db import models


class Witness(models.Model):
    # The policy's name for it; the rows follow the policy file (services.sync_witnesses).
    name = models.CharField(max_length=255, unique=True)
    vkey = models.CharField(max_length=512)
    # The witness's add-checkpoint prefix (POST <url>/add-checkpoint).
    url = models.CharField(max_length=1024)
    # The largest size of our log it cosigned (or told us it has, in a 409), and when.
    cosigned_size = models.BigIntegerField(null=True, blank=True)
    cosigned_at = models.DateTimeField(null=True, blank=True)
    # What the latest attempt gave: "cosigned", or the reason it did not (timeout, 422 fork, ...).
    last_outcome = models.CharField(max_length=255, blank=True, default="")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    # A 422 (or a 409 without its size): the witness holds a tree ours does not extend. Kept until
    # an operator has looked (it is never cleared by a later success).
    forked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "witnesses"

    def __str__(self) -> str:
        return f"witness {self.name}"
