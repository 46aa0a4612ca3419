from __future__ import annotations

from django.db import models


class Entry(models.Model):
    """One sealed ledger entry: gapless `seq` from 0, its fixed-layout leaf and the disclosed value.

    Entries are only ever inserted. `payload` (salt, quality, value) lets members check an add
    leaf's digest; it is emptied when a withdrawn value is purged, and the leaf stays.
    """

    ADD = 1
    REMOVE = 2
    STATE = 3  # the state entry that ends every seal from the switch on; it names no signal
    TIER = 4  # a signal's review tier changed (member_portal/feed/leaf.py)

    seq = models.BigIntegerField(primary_key=True)
    kind = models.PositiveSmallIntegerField()
    # No database foreign-key constraint: checking it costs an index probe per entry when a seal
    # appends 250,000 of them. Signals are never deleted, and `manage.py ledger verify` checks
    # that every entry's signal exists. NULL only for a state entry.
    signal = models.ForeignKey(
        "signals.Signal",
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=True,
        db_constraint=False,
        null=True,
    )
    leaf = models.BinaryField()
    payload = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "entries"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP signed note) of the tree at `size`; re-signed while nothing changes.

    Members are shown only published checkpoints (`published_at` set): with a witness policy
    (settings.HASHBANK_WITNESS_POLICY) a seal or re-sign leaves its signed note in `pending_note`
    until hashbank.publishing gathers the witnesses' cosignatures and services.publish stores the
    cosigned note in `note`. Without a policy a seal is published at once.
    """

    size = models.BigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    # What members are served: the published note (with its cosignatures), or, before the first
    # publication, the bank's own signed note (never served then).
    note = models.TextField()
    active_count = models.BigIntegerField()
    # The digest of the checkpoint's active line (the additive digest) before the switch, of its
    # state line (the state commitment) from the switch on; the note says which.
    active_digest = models.BinaryField(max_length=32)
    created_at = models.DateTimeField()
    signed_at = models.DateTimeField()
    # A signed note waiting for the witnesses' quorum (a seal or a re-sign); empty when none.
    pending_note = models.TextField(blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Published after the publish timeout without the quorum (HASHBANK_WITNESS_FAIL_OPEN).
    without_quorum = models.BooleanField(default=False)

    class Meta:
        get_latest_by = "size"

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class TreeState(models.Model):
    """The single row the sealer locks: tree size, compact range and the active set's digest.

    `lthash` is the active set's LtHash16 state (2048 bytes, member_portal/feed/lthash.py), empty
    until the log's switch to state entries: the first seal that appends entries computes it
    once from the log and appends the first state entry. From then on `active_digest` holds the
    state commitment digest (before, the additive digest).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    compact_range = models.BinaryField(default=b"")
    active_count = models.BigIntegerField(default=0)
    active_digest = models.BinaryField(max_length=32, default=bytes(32))
    lthash = models.BinaryField(max_length=2048, default=b"")
    # The seq of the log's first tier entry (None before it): snapshots of checkpoints past it
    # are v3, their records with tiers (member_portal/feed/wire.py).
    first_tier_seq = models.BigIntegerField(null=True, default=None)

    @property
    def switched(self) -> bool:
        return bool(self.lthash)


class Node(models.Model):
    """Hash of a complete perfect subtree at a level that is a multiple of 8 (a tile root).

    With these, any subtree hash needs at most 256 stored hashes, so proofs stay cheap at any
    tree size without storing every interior node.
    """

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="one_node_per_position")
        ]


class RootDocument(models.Model):
    """A published root-of-trust document (public); the private keys stay in files."""

    version = models.PositiveIntegerField(unique=True)
    note = models.TextField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "version"
