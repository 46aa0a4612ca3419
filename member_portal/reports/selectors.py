"""Reads for match reports; a member only ever sees its own."""

from __future__ import annotations

from django.db.models import Count, Max, Min, QuerySet

from hashbank.core.errors import NotFound
from member_portal.reports.errors import ReportErrorCode
from member_portal.reports.models import MatchReport


def reports_for_member(member) -> QuerySet[MatchReport]:
    return (
        MatchReport.objects.filter(member=member)
        .select_related("signal")
        .order_by("-created_at", "-pk")
    )


def report_for_member(member, report_id: int) -> MatchReport:
    report = reports_for_member(member).filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such match report.", code=ReportErrorCode.UNKNOWN_REPORT)
    return report


def member_reports_for_signal(member, signal, *, limit: int = 50) -> dict:
    """What one member told us about one signal, for the reviewer deciding its dispute: the
    count of its match reports, the first and last, their distances and actions, and the newest
    `limit` reports themselves."""
    qs = MatchReport.objects.filter(member=member, signal=signal)
    summary = qs.aggregate(
        count=Count("pk"),
        first=Min("created_at"),
        last=Max("created_at"),
        min_distance=Min("distance"),
        max_distance=Max("distance"),
    )
    actions = dict(
        qs.order_by().values_list("action").annotate(n=Count("pk")).values_list("action", "n")
    )
    summary["actions"] = [
        (label, actions[value]) for value, label in MatchReport.Action.choices if value in actions
    ]
    summary["reports"] = list(qs.order_by("-created_at", "-pk")[:limit])
    return summary
