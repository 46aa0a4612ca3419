"""Reads for console pages that span apps: a case's full picture (its timeline: timeline.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from hashbank.cases import selectors as cases
from hashbank.disputes.models import Dispute
from hashbank.signals import selectors as signal_selectors
from hashbank.signals.models import Corroboration, Signal
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


# A review tier as people read it (the stored tier stays the code).
TIER_LABELS = {"unreviewed": _("unreviewed"), "confirmed": _("confirmed")}


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

    # Labels in the reader's language; the codes above stay for comparisons and CSS classes.
    @property
    def status_label(self) -> str:
        return self.case_signal.get_status_display()

    @property
    def signal_state_label(self) -> str:
        return str(dict(Signal.State.choices).get(self.signal.state, self.signal.state))

    @property
    def tier_label(self) -> str:
        return str(TIER_LABELS.get(self.tier, self.tier))

    @property
    def basis_label(self) -> str:
        return str(dict(Corroboration.Basis.choices).get(self.basis, self.basis or ""))


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
