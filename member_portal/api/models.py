"""Snapshots built for member bootstrap: one compressed file per checkpoint under the snapshot dir.

The bank's own log has `origin_id` empty (built ahead of time, per published size). A mirrored
origin's snapshot is built on the first request for it and kept for (origin, size, basis): the
mirror's state it was read from besides the size (docs/member-guide.md, "Origins")."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Snapshot(models.Model):
    # Empty: the bank's own log; else the hex id of the mirrored origin it is a snapshot of.
    origin_id = models.CharField(max_length=64, blank=True, default="")
    size = models.BigIntegerField(help_text="tree size of the checkpoint it matches")
    # A mirrored origin's only (hashbank.mirrors.snapshot.basis): what besides the size the
    # bytes depend on, so that a re-signed note or a value blanked since is a new snapshot.
    basis = models.CharField(max_length=100, blank=True, default="")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, help_text="of the compressed file: the strong ETag")
    bytes = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    build_seconds = models.FloatField(default=0)

    class Meta:
        # One file per (origin, size, basis); requests look it up by all three.
        constraints = [
            models.UniqueConstraint(
                fields=["origin_id", "size", "basis"], name="api_snapshot_unique_origin_size"
            )
        ]

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'
