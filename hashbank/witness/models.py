"""The witness's state: one row per log it witnesses (C2SP tlog-witness: origin -> the latest size,
root and note it cosigned), and the log's verifier keys, removed ones kept as history."""

from __future__ import annotations

from django.db import models


class WitnessedLog(models.Model):
    # The origin line of the log's checkpoints; unique because the witness's promise (never
    # cosign two inconsistent trees) is per origin.
    origin = models.CharField(max_length=255, unique=True)
    # hex SHA-256 of the origin: the monitoring URL's key, indexed (unique) for that lookup.
    origin_sha256 = models.CharField(max_length=64, unique=True)
    # The latest cosigned tree. `size` only grows: add_checkpoint refuses any `old` but this one,
    # under this row's lock, so no request can move it back.
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=b"")
    # The checkpoint note as the log signed it, and the cosignature the witness gave it.
    checkpoint = models.TextField(blank=True, default="")
    cosignature = models.TextField(blank=True, default="")
    # Once true, the log can never be removed: re-adding it would forget what was cosigned and
    # let the witness sign a split view.
    cosigned = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.origin} at {self.size}"


class LogKey(models.Model):
    """A verifier key the operator trusts for one log's checkpoints (type 0x01 Ed25519)."""

    log = models.ForeignKey(WitnessedLog, on_delete=models.CASCADE, related_name="keys")
    vkey = models.CharField(max_length=512)
    key_id = models.CharField(max_length=8)  # hex, as `witness list` shows and remove-key takes
    added_at = models.DateTimeField(auto_now_add=True)
    # Removed keys stay, so that the history of whom the witness trusted can be read back.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "vkey"], name="witness_logkey_unique_per_log")
        ]

    def __str__(self) -> str:
        return self.vkey
