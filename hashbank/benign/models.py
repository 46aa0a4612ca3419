"""The benign list (issue 17, poisoning): hashes of content known to be lawful and widely shared
(memes, news photos, stock images), contributed by members and staff, as Safer keeps a
false-positive list. A submitted hash within the match distance of one is held for a caseworker
(`HeldMatch`) and not published until decided."""

from __future__ import annotations

from django.db import models

from hashbank.signals import multiindex


class BenignHash(models.Model):
    class Source(models.TextChoices):
        MEMBER = "member"
        STAFF = "staff"

    signal_type = models.CharField(max_length=16)
    value = models.CharField(max_length=64)
    source = models.CharField(max_length=8, choices=Source.choices)
    # Who: a member's slug or a staff username.
    contributed_by = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A PDQ's 16 chunks of 16 bits (hashbank/signals/multiindex.py), each indexed: for a long
    # list (selectors.LISTED_PER_LOOKUP) the screen looks up a few hundred chunk values per
    # submitted PDQ instead of reading the list whole. Null for other types.
    c0 = models.IntegerField(null=True)
    c1 = models.IntegerField(null=True)
    c2 = models.IntegerField(null=True)
    c3 = models.IntegerField(null=True)
    c4 = models.IntegerField(null=True)
    c5 = models.IntegerField(null=True)
    c6 = models.IntegerField(null=True)
    c7 = models.IntegerField(null=True)
    c8 = models.IntegerField(null=True)
    c9 = models.IntegerField(null=True)
    c10 = models.IntegerField(null=True)
    c11 = models.IntegerField(null=True)
    c12 = models.IntegerField(null=True)
    c13 = models.IntegerField(null=True)
    c14 = models.IntegerField(null=True)
    c15 = models.IntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal_type", "value"], name="one_benign_per_value")
        ]
        indexes = [
            models.Index(fields=[f"c{i}"], name=f"benign_pdq_chunk_{i}")
            for i in range(multiindex.CHUNKS)
        ]

    @staticmethod
    def chunk_fields(signal_type: str, value: str) -> dict[str, int | None]:
        """The c0..c15 fields for this value: its chunks for a PDQ, else nulls."""
        chunks = multiindex.chunks(value) if signal_type == "pdq" else (None,) * multiindex.CHUNKS
        return {f"c{i}": chunk for i, chunk in enumerate(chunks)}

    def __str__(self) -> str:
        return f"benign {self.signal_type} #{self.pk}"


class HeldMatch(models.Model):
    """A case's hash held back from the feed because it is near a benign hash, until a caseworker
    publishes or rejects it. The case's row (`cases.CaseSignal`, status `held`) is named by id:
    the benign list does not depend on cases."""

    class Decision(models.TextChoices):
        PUBLISHED = "published"
        REJECTED = "rejected"

    case_signal_id = models.BigIntegerField(unique=True)
    benign = models.ForeignKey(BenignHash, on_delete=models.PROTECT, related_name="held")
    distance = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The console's queue: the few undecided ones, oldest first.
            models.Index(
                fields=["created_at"], name="held_undecided", condition=models.Q(decided_at=None)
            )
        ]
