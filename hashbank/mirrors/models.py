"""The mirrors: per peer origin, a verified byte-for-byte copy of its log (C2SP tlog-mirror).

`size` is what is served: a size for which the origin signed the stored checkpoint note, every
entry below it checked against that note before it was accepted. `verified_size` (>= size) is
how far the entries of the pending checkpoint are stored, each batch proven against the pending
checkpoint's tree before it was stored (tiles of the origin), so a catch-up resumes where it
stopped. Neither ever goes back.
"""

from __future__ import annotations

from django.db import models

from hashbank.peers.models import Peer


class MirroredLog(models.Model):
    peer = models.OneToOneField(Peer, on_delete=models.PROTECT, related_name="mirror")
    origin = models.CharField(max_length=255, unique=True)
    origin_id = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the origin
    # The mirrored checkpoint: the origin's note (its signatures, the witnesses' cosignatures)
    # plus our mirror cosignature. `checkpoint_time` is the note's time line.
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=b"")
    checkpoint_note = models.TextField(blank=True, default="")
    checkpoint_time = models.BigIntegerField(null=True, blank=True)
    # The newest cosignature on the stored note by a witness this bank trusts for the origin
    # (its own witness, which cosigns what the mirror verified).
    witnessed_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)  # last successful sync
    # The newest checkpoint seen at the origin (verified, maybe not mirrored yet): the lag.
    origin_size = models.BigIntegerField(default=0)
    origin_time = models.BigIntegerField(null=True, blank=True)
    # Catching up: the pending checkpoint (the origin's note) and how far its entries are stored,
    # with the verifier's state at verified_size (compact range and active set, state.py).
    pending_note = models.TextField(blank=True, default="")
    verified_size = models.BigIntegerField(default=0)
    verified_state = models.JSONField(default=dict)
    # Equivocation freezes the origin at `size` for good (evidence in Evidence); it keeps serving.
    frozen = models.BooleanField(default=False)
    frozen_reason = models.TextField(blank=True, default="")
    # A peer that is down is retried with backoff.
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"mirror of {self.origin} at {self.size}"


class MirrorEntry(models.Model):
    """One entry of the origin's log: its leaf exactly, and its payload (salt, quality, value)
    until the value leaves the feed (a remove entry targets it) or the origin purged it."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="entries")
    seq = models.BigIntegerField()
    leaf = models.BinaryField(max_length=52)
    value = models.BinaryField(null=True)

    class Meta:
        # Entries are read by ranges of seq (pages, bundles): the unique index serves them.
        constraints = [
            models.UniqueConstraint(fields=["log", "seq"], name="mirrors_entry_unique_seq")
        ]


class MirrorTile(models.Model):
    """A tlog-tiles hash tile of the mirrored tree (level >= 0), at its current width; the
    rightmost tile of a level grows until it is full (256 hashes), then never changes."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="tiles")
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hashes = models.BinaryField(max_length=8192)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "level", "index"], name="mirrors_tile_unique_position"
            )
        ]


class Evidence(models.Model):
    """Two signed notes that together prove the origin equivocated (or a note whose entries do
    not fit it, with the last consistent note): anyone can check them with the origin's keys."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="evidence")
    origin = models.CharField(max_length=255)
    reason = models.TextField()
    first_note = models.TextField()
    second_note = models.TextField()
    detected_at = models.DateTimeField(auto_now_add=True)


class FacadeHold(models.Model):
    """A value the mirror blanked (its remove entry was mirrored) kept, outside the byte-for-byte
    copy, for the StopNCII facade of the origin: a stock client is told which hash to drop by its
    value (`Deleted`), and the mirror no longer has it. Written in the transaction that blanks
    the value, from the mirror's own stored payload; deleted once every platform reading the
    origin's facade applied the removal, or the maximum retention passed (services.release_holds,
    asking events.facade_holds)."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="facade_holds")
    seq = models.BigIntegerField()  # the add entry whose value this is
    removed_seq = models.BigIntegerField()  # the remove entry that blanked it
    reason_code = models.PositiveSmallIntegerField()  # the remove leaf's reason (feed/leaf.py)
    payload = models.BinaryField(max_length=64)  # the add's payload: salt, quality, value
    held_at = models.DateTimeField()

    class Meta:
        # A value leaves the feed once per add; the facade reads holds by (log, seq).
        constraints = [
            models.UniqueConstraint(fields=["log", "seq"], name="mirrors_facadehold_unique_seq")
        ]


class MirrorCheckpoint(models.Model):
    """Every checkpoint of the origin the mirror accepted (its stored note, as served): entries
    ending at any of them stay servable while the mirror moves on, as the origin's own
    checkpoints do (a member that read one checkpoint pages its delta against it while the
    mirror syncs), and when it arrived. `removals` counts the remove entries it brought: the
    console's removal-propagation lag is `stored_at - checkpoint_time` over those (the origin's
    checkpoint time, in its clock; a mirror that skipped the origin's earlier checkpoints sees
    only the later time, so the lag shown is then a lower bound)."""

    log = models.ForeignKey(MirroredLog, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.BigIntegerField()
    note = models.TextField()
    checkpoint_time = models.BigIntegerField()
    stored_at = models.DateTimeField()
    removals = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "size"], name="mirrors_checkpoint_unique_size")
        ]
        # The console reads the newest arrivals with removals per origin.
        indexes = [
            models.Index(
                fields=["log", "-size"],
                condition=models.Q(removals__gt=0),
                name="mirrors_checkpoint_removals",
            )
        ]
