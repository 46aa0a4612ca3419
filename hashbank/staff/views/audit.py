"""Auditors' pages: the log with filters, CSV export, and a check of the whole hash chain."""

from __future__ import annotations

import csv
import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hashbank.audit import selectors
from hashbank.audit.services import record_event, verify_chain
from hashbank.staff.access import staff_required

CSV_COLUMNS = [
    "seq",
    "created_at",
    "actor",
    "action",
    "target",
    "member",
    "before",
    "after",
    "prev_hash",
    "entry_hash",
]


@require_GET
@staff_required("audit.view_auditentry")
def log(request: HttpRequest) -> HttpResponse:
    flt = selectors.AuditFilter.from_query(request.GET)
    page = Paginator(selectors.entries(flt), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {"nav": "audit", "filter": flt, "page": page, "query": query.urlencode()},
    )


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@staff_required("audit.export_auditentry")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    flt = selectors.AuditFilter.from_query(request.GET)
    qs = selectors.entries(flt)
    record_event(
        actor=request.user,
        action="audit.exported",
        after={"filter": flt.as_dict(), "rows": qs.count()},
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for e in qs.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    e.seq,
                    e.created_at.isoformat(),
                    _cell(e.actor_name),
                    _cell(e.action),
                    _cell(e.target),
                    _cell(e.member),
                    _cell(e.before) if e.before is not None else "",
                    _cell(e.after) if e.after is not None else "",
                    e.prev_hash,
                    e.entry_hash,
                ]
            )

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@require_GET
@staff_required("audit.view_auditentry")
def verify(request: HttpRequest) -> HttpResponse:
    report = verify_chain()
    return render(
        request,
        "staff/audit_verify.html",
        {"nav": "audit", "report": report},
        status=200 if report.ok else 409,
    )
