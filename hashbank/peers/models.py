"""A peer bank whose log this bank mirrors (docs/federation.md). The credential this bank presents
to the peer is a file (HASHBANK_KEY_DIR/peers/<name>.token, mode 0600), never a column."""

from __future__ import annotations

from django.db import models


class Peer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"  # not synced, still served to members at its last state
        REMOVED = "removed"  # not synced, not served; the row stays (its origin is never re-added)

    # The operator's short name: the token file's name and the console's label.
    name = models.SlugField(max_length=64, unique=True)
    # The peer's base URL (its member API, tiles and /.well-known/hashbank live under it).
    url = models.URLField(max_length=500)
    # The peer's origin line, and hex SHA-256 of it (the id in /mirror/<id>/ URLs); unique: one
    # origin is mirrored from one peer, so its state has one writer.
    origin = models.CharField(max_length=255, unique=True)
    origin_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The root document pinned at `peers add` (its whole signed note), checked against the
    # --expect-key the operator gave: the trust anchor. Never changes.
    anchor_root = models.TextField()
    anchor_version = models.PositiveIntegerField()
    # The anchor and every later root document accepted through rootdoc.verify_chain, oldest
    # first: the keys the peer's checkpoints are checked with are the last one's.
    root_documents = models.JSONField(default=list)
    # Nudges (docs/peer-api.md, POST /peer/v1/nudge): after each checkpoint we publish, the peer
    # is told to sync our log now. The last nudge it accepted, and the failures since (retried
    # with backoff, shown in `peers list` and the console).
    nudged_at = models.DateTimeField(null=True, blank=True)
    nudged_size = models.BigIntegerField(null=True, blank=True)
    nudge_failures = models.PositiveIntegerField(default=0)
    nudge_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.origin})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
