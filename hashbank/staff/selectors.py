"""Reads for console pages that span apps: a case's full picture and its timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from hashbank.audit.models import AuditEntry
from hashbank.cases import selectors as cases
from hashbank.disputes.models import Dispute
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

    @property
    def status(self) -> str:
        return self.case_signal.status


def case_signal_rows(case: Any) -> list[SignalRow]:
    rows = list(cases.case_signals(case))
    ids = [row.signal_id for row in rows]
    reports, disputes = match_report_counts(ids), open_dispute_counts(ids)
    return [
        SignalRow(row, row.signal, reports.get(row.signal_id, 0), disputes.get(row.signal_id, 0))
        for row in rows
    ]


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    what: str
    who: str = ""


def case_timeline(case: Any, signal_rows: list[SignalRow]) -> list[TimelineEvent]:
    """What happened to a case, oldest first: submission, publication, staff actions."""
    events = [
        TimelineEvent(
            case.created_at,
            "Case submitted" + (" with a caseworker's help" if case.staff_assisted else ""),
        )
    ]
    for row in signal_rows:
        published = getattr(row.signal, "published_at", None)
        if published:
            events.append(
                TimelineEvent(
                    published, f"{row.signal.signal_type} hash #{row.case_signal.pk} published"
                )
            )
        if row.status != "active" and row.case_signal.changed_at:
            events.append(
                TimelineEvent(
                    row.case_signal.changed_at,
                    f"{row.signal.signal_type} hash #{row.case_signal.pk} {row.status}",
                )
            )
    if case.locked_at:
        events.append(TimelineEvent(case.locked_at, "Locked after too many wrong PINs"))
    for entry in AuditEntry.objects.filter(target=f"case:{case.number}").order_by("seq")[:200]:
        events.append(TimelineEvent(entry.created_at, entry.action, entry.actor_name))
    return sorted(events, key=lambda e: e.at)
