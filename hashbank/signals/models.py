from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hashbank.signals import multiindex


class Signal(models.Model):
    """One hash value of one type, published once however many cases hold it.

    It is active in the feed while at least one case holds it (`active_holds` > 0). The value can
    be purged once withdrawn; the ledger keeps only `digest`, a salted digest of it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the next seal")
        ACTIVE = "active", _("active in the feed")
        REMOVED = "removed", _("removed from the feed")

    signal_type = models.CharField(max_length=16)
    value = models.CharField(max_length=64, null=True)
    quality = models.PositiveSmallIntegerField(null=True)
    salt = models.BinaryField(max_length=16)
    # Not indexed: nothing looks a signal up by digest, and a random 32-byte key is the costliest
    # index to maintain on bulk submission (a 16-byte random salt makes collisions impossible).
    digest = models.BinaryField(max_length=32)
    active_holds = models.IntegerField(default=0)
    # Sequence number of the ledger entry that last added it, so the snapshot of the latest
    # checkpoint reads the active set from this table without scanning the whole log.
    add_seq = models.BigIntegerField(null=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    # The basis code (member_portal/feed/leaf.py BASIS_CODES) of the latest tier entry sealed for
    # its current add, 0 for none (unreviewed). Written by the seal only (outbox.settle), so the
    # seal knows which tier element the state commitment holds for it. Not indexed.
    # db_default: the submission's one-statement INSERT (services.holding_ctes) names no tier.
    tier_basis = models.PositiveSmallIntegerField(default=0, db_default=0)
    removal_reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True)
    removed_at = models.DateTimeField(null=True)
    purged_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal_type", "value"], name="one_signal_per_value"),
            models.CheckConstraint(
                condition=models.Q(active_holds__gte=0), name="holds_not_negative"
            ),
        ]
        # No index on `state`: the seal flips the state of every signal it publishes, and with no
        # indexed column changing (and free space left by fillfactor 50, migration 0002)
        # PostgreSQL updates those rows in place (HOT), without touching any index. Counts of
        # active signals come from the ledger's TreeState.active_count, not from this table.

    def __str__(self) -> str:
        return f"{self.signal_type} signal #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class Change(models.Model):
    """The outbox: a queued change of a signal's presence in the feed, waiting for the next seal.

    Only this app writes it (signals.services, in the transaction that changes the signal's
    holds); the ledger reads and drains it only through signals.outbox. It is the ledger's only
    input.
    """

    class Kind(models.TextChoices):
        ADD = "add"
        REMOVE = "remove"
        TIER = "tier"  # `reason` holds the basis (leaf.BASIS_CODES): a tier entry

    # Neither indexed nor constrained in the database: the queue is only read in id order and
    # emptied by the seal (which joins it to its signals), and each would cost a write or an index
    # probe per queued change. Rows are written in the transaction that holds their signal.
    signal = models.ForeignKey(
        Signal,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Whose changes these are, for the seal's minimum mix (ledger.services.ready_to_seal): the id
    # of the case whose submission, withdrawal or review queued the change (an opaque number:
    # signals does not depend on cases), or NULL (a member's or staff's tier change), which
    # counts as a group of its own per signal. Never published: only counted while queued.
    mix_group = models.BigIntegerField(null=True)


class Corroboration(models.Model):
    """Who or what vouched for a signal's tier (issue 17, the review tier): a member's
    human-confirmed match report, a second independent case, a caseworker's review, or a
    caseworker taking a confirmation back (`unreviewed`). Every one is kept; the first that changes
    the tier queues a tier entry (Change.Kind.TIER), later ones are recorded only."""

    class Basis(models.TextChoices):
        MEMBER_REPORT = "member_report", _("a member's human-confirmed match report")
        SECOND_CASE = "second_case", _("a second independent case")
        CASEWORKER_REVIEW = "caseworker_review", _("a caseworker's review")
        UNREVIEWED = "unreviewed", _("confirmation taken back")

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="corroborations")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # Who: "member <name>", "case <row id>" or "staff <username>" (never a case number).
    by = models.CharField(max_length=200)
    # Whether it changed the tier (queued a tier entry) or only added to the record.
    changed_tier = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class PdqChunks(models.Model):
    """The multi-index of PDQ values (signals.multiindex): a PDQ signal's value cut into 16
    chunks of 16 bits, one indexed column each, so that the staff search's "PDQ within a distance"
    looks up a few hundred chunk values instead of reading every PDQ (issue 16).

    One row per PDQ signal whose value is known: written by the services that create signals
    (`get_or_create`, `hold_many`, `holding_ctes`), deleted by `purge_value` (the chunks are the
    value), filled for older rows by migration 0007 and `manage.py pdq_index`. The chunks alone
    give a candidate's exact distance, so a search reads no signal row."""

    signal = models.OneToOneField(
        Signal, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # 0..65535, most significant chunk first. Sixteen indexes are sixteen writes per new PDQ
    # signal (not per hold: a value held again is not re-indexed), the price of a search that
    # stays under 100 ms at a million cases.
    c0 = models.IntegerField()
    c1 = models.IntegerField()
    c2 = models.IntegerField()
    c3 = models.IntegerField()
    c4 = models.IntegerField()
    c5 = models.IntegerField()
    c6 = models.IntegerField()
    c7 = models.IntegerField()
    c8 = models.IntegerField()
    c9 = models.IntegerField()
    c10 = models.IntegerField()
    c11 = models.IntegerField()
    c12 = models.IntegerField()
    c13 = models.IntegerField()
    c14 = models.IntegerField()
    c15 = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=[f"c{i}"], name=f"pdq_chunk_{i}") for i in range(multiindex.CHUNKS)
        ]

    @property
    def chunks(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"c{i}") for i in range(16))
