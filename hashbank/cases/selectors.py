"""Reads on cases: lookups for the staff console and what the status page shows the person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from hashbank.cases import pins
from hashbank.cases.models import Case, CaseSignal


def case_by_number(number: str) -> Case | None:
    normalized = pins.normalize_case_number(number)
    if normalized is None:
        return None
    return Case.objects.filter(number=normalized).first()


def case_by_id(case_id: int) -> Case | None:
    """The case with this row id: what staff URLs name (never the number, half a credential)."""
    return Case.objects.filter(pk=case_id).first()


def case_signals(case: Case) -> QuerySet[CaseSignal]:
    return CaseSignal.objects.filter(case=case).select_related("signal").order_by("id")


@dataclass(frozen=True)
class HashStatus:
    id: int
    signal_type: str
    value: str
    status: str  # pending, active, under_review, withdrawn, removed

    @property
    def withdrawable(self) -> bool:
        return self.status in ("pending", "active", "under_review")


def public_status(row: CaseSignal) -> str:
    """One word for the person: is this hash in the feed platforms use?"""
    if row.status == CaseSignal.Status.ACTIVE:
        # Held, but not yet in a signed checkpoint (or held after a removal that is being undone).
        return "active" if row.signal.state == "active" else "pending"
    if row.status == CaseSignal.Status.SUSPENDED:
        return "under_review"
    return row.status


def case_status(case: Case) -> list[HashStatus]:
    return [
        HashStatus(
            id=row.pk,
            signal_type=row.signal.signal_type,
            value=row.signal.value or "",  # empty once a removed value is purged
            status=public_status(row),
        )
        for row in case_signals(case)
    ]
