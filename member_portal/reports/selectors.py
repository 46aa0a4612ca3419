"""Reads for match reports; a member only ever sees its own."""

from __future__ import annotations

from django.db.models import QuerySet

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
