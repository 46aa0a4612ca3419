"""What each member says it applied: its receipt keys, its applied position, and the history of
acknowledgements and signed receipts that moved it.

Members are referenced by the foreign key "members.Member" by name, as disputes does: the domain
never imports the member apps. The member API writes these tables only through
receipts.services; the victim status page, the console and the ledger's purge read them through
receipts.selectors.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ReceiptKey(models.Model):
    """A member's Ed25519 receipt key (C2SP tlog-cosignature/v1, type 0x04). Its one statement:
    "every add and remove up to this size is applied to our matching". One key serves one member
    and that statement only, so a (name, key id) pair is unique bank-wide, revoked keys included."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="receipt_keys"
    )
    name = models.CharField(max_length=200)
    key_id = models.BigIntegerField()  # the 4-byte key id, as an integer
    public_key = models.BinaryField(max_length=32)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "key_id"], name="one_receipt_key_per_id")
        ]

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AppliedPosition(models.Model):
    """The largest checkpoint size a member said it applied (plain ack or signed receipt), and
    the time of its last receipt (a receipt must be newer than it: replays are refused). One row
    per member that ever acknowledged; it only moves forward."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="applied_position"
    )
    size = models.BigIntegerField()
    at = models.DateTimeField()
    last_receipt_time = models.BigIntegerField(null=True, blank=True)
    # The size of the last Acknowledgement row with a receipt: an idle log's receipts (the same
    # size again) then write no row and need no lookup.
    last_receipt_size = models.BigIntegerField(null=True, blank=True)


class Acknowledgement(models.Model):
    """One forward move of a member's applied position: when it first said it applied up to
    `size`, and the signed receipt that said so (empty for a plain ack). Written only when the
    position grows, so an idle log adds no rows however often members acknowledge; the console
    reads "applied this removal at" from here."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="acknowledgements"
    )
    size = models.BigIntegerField()
    at = models.DateTimeField()
    # The receipt as the member sent it (our checkpoint note of `size` with the line of `key`),
    # verified before it was kept; empty for a plain ack.
    key = models.ForeignKey(ReceiptKey, on_delete=models.PROTECT, null=True, blank=True)
    receipt = models.TextField(blank=True)

    class Meta:
        # "When did member m first pass seq s": the first row of m with size > s; and the
        # receipts over one checkpoint (a removal's proof) by size.
        indexes = [
            models.Index(fields=["member", "size"]),
            models.Index(fields=["size"], name="receipts_ack_size_idx"),
        ]


class OriginPosition(models.Model):
    """How far a member applied a mirrored origin through the StopNCII facade of that origin
    (`/api/stopncii/v1/origins/<id>/`): its one acknowledgement, the size before the entries it
    is served again (docs/member-guide.md, "StopNCII facade"). A row exists from the member's
    first fetch of that facade, so the mirror knows who may still need a blanked value
    (hashbank/mirrors' facade holds); it only moves forward. Members reading the origin through
    the signed feed need no hold (their client drops a removal by its sequence number)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="origin_positions"
    )
    origin_id = models.CharField(max_length=64)  # hex SHA-256 of the origin line
    size = models.BigIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "origin_id"], name="receipts_one_position_per_origin"
            )
        ]
        indexes = [models.Index(fields=["origin_id", "size"], name="receipts_originpos_idx")]
