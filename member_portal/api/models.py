"""Snapshots built for member bootstrap: one compressed file per checkpoint under the snapshot dir."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Snapshot(models.Model):
    size = models.BigIntegerField(unique=True, help_text="tree size of the checkpoint it matches")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, help_text="of the compressed file: the strong ETag")
    bytes = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    build_seconds = models.FloatField(default=0)

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'
