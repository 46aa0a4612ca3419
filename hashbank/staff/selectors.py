"""Reads for console pages that span apps: a case's full picture (its timeline: timeline.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count

from hashbank.cases import selectors as cases
from hashbank.disputes.models import Dispute
from hashbank.signals import selectors as signal_selectors
from hashbank.staff import timeline
from member_portal.reports.models import MatchReport


def match_report_counts(signal_ids: list[int]) -> dict[int, int]:
    if not signal_ids:
        return {}
    rows = (
        MatchReport.objects.filter(signal_id__in=signal_ids)
        .values("signal_id")
        .annotate(n=Count("id"))
    )
    return {row["signal_id"]: row["n"] for row in rows}


def open_dispute_counts(signal_ids: list[int]) -> dict[int, int]:
    rows = (
        Dispute.objects.filter(signal_id__in=signal_ids, status=Dispute.Status.OPEN)
        .values("signal_id")
        .annotate(n=Count("id"))
    )
    return {row["signal_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class SignalRow:
    case_signal: Any
    signal: Any
    match_reports: int
    open_disputes: int = 0
    other_holds: int = 0  # other cases holding the same value now (only counted, never named)
    tier: str = "unreviewed"  # its review tier once the queued changes are sealed
    basis: str | None = None  # what confirmed it (None: nothing since its add)

    @property
    def also_held(self) -> str:
        return timeline.also_held_text(self.other_holds)

    @property
    def status(self) -> str:
        return self.case_signal.status


def case_signal_rows(case: Any) -> list[SignalRow]:
    rows = list(cases.case_signals(case))
    ids = [row.signal_id for row in rows]
    reports, disputes = match_report_counts(ids), open_dispute_counts(ids)
    others = timeline.other_holds(case, ids)
    tiers = signal_selectors.review_tiers(ids)
    return [
        SignalRow(
            row,
            row.signal,
            reports.get(row.signal_id, 0),
            disputes.get(row.signal_id, 0),
            others.get(row.signal_id, 0),
            *tiers[row.signal_id],
        )
        for row in rows
    ]


def assignable_staff() -> list[Any]:
    """Active staff accounts that work on cases, by username (a helpline has a handful)."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
    return [user for user in users if user.has_perm("staff.view_cases")]
