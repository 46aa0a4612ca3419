"""Auditors' pages: the log with filters, CSV export, and a check of the whole hash chain."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hashbank.audit import selectors
from hashbank.audit.models import AuditEntry
from hashbank.audit.services import record_event, verify_chain
from hashbank.cases.models import Case
from hashbank.cases.pins import format_case_number, normalize_case_number
from hashbank.staff.access import staff_required
from hashbank.staff.audit_words import action_words

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


_DISPUTE = re.compile(r"^(?:dispute\s*[:#]?\s*|#)(\d{1,12})$", re.IGNORECASE)


def natural_target(text: str) -> str:
    """What people type for a target, as the log stores it: a case number as it is displayed
    (`HB-WWZ3-5XBW`, any case, with or without dashes) is `case:HBWWZ35XBW`; `dispute 12` or
    `#12` is `dispute:12`; anything else is matched as typed."""
    text = (text or "").strip()
    number = normalize_case_number(text.removeprefix("case:").removeprefix("case "))
    if number is not None:
        return f"case:{number}"
    dispute = _DISPUTE.match(text)
    if dispute:
        return f"dispute:{dispute[1]}"
    return text


def _filter(request: HttpRequest) -> selectors.AuditFilter:
    query: QueryDict = request.GET.copy()
    if query.get("target"):
        query["target"] = natural_target(query["target"])
    return selectors.AuditFilter.from_query(query)


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it: its target in words with a link, its member with one."""

    entry: AuditEntry
    target: str
    target_url: str
    member_url: str
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]

    @property
    def action_label(self) -> str:
        return action_words(self.entry.action)


def _pairs(value) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [("", json.dumps(value, sort_keys=True))]
    return [
        (key, item if isinstance(item, str) else json.dumps(item, sort_keys=True))
        for key, item in sorted(value.items())
    ]


def case_ids(entries) -> dict[str, int]:
    """The row ids of the cases the entries name (one query): case pages are addressed by id,
    never by the number the log stores."""
    numbers = set()
    for entry in entries:
        kind, _sep, ref = entry.target.partition(":")
        if kind == "case" and normalize_case_number(ref) == ref:
            numbers.add(ref)
    if not numbers:
        return {}
    return dict(Case.objects.filter(number__in=numbers).values_list("number", "pk"))


def audit_row(entry: AuditEntry, cases: dict[str, int] | None = None) -> AuditRow:
    kind, _sep, ref = entry.target.partition(":")
    label, url = entry.target, ""
    if kind == "case" and normalize_case_number(ref) == ref:
        label = _("Case %(number)s") % {"number": format_case_number(ref)}
        case_id = (cases if cases is not None else case_ids([entry])).get(ref)
        if case_id is not None:
            url = reverse("staff:case", kwargs={"case_id": case_id})
    elif kind == "dispute" and ref.isdigit():
        label = _("Dispute %(id)s") % {"id": ref}
        url = reverse("staff:review_detail", kwargs={"pk": int(ref)})
    elif entry.member and entry.target == entry.member:
        label = _("Member %(slug)s") % {"slug": entry.member}
    member_url = reverse("staff:member", kwargs={"slug": entry.member}) if entry.member else ""
    if not url and member_url and entry.target == entry.member:
        url = member_url
    return AuditRow(entry, label, url, member_url, _pairs(entry.before), _pairs(entry.after))


@require_GET
@staff_required("audit.view_auditentry")
def log(request: HttpRequest) -> HttpResponse:
    flt = _filter(request)
    page = Paginator(selectors.entries(flt), 50).get_page(request.GET.get("page"))
    cases = case_ids(page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {
            "nav": "audit",
            "filter": flt,
            "typed_target": request.GET.get("target", "").strip()[:200],
            "page": page,
            "rows": [audit_row(entry, cases) for entry in page],
            "query": query.urlencode(),
        },
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
    flt = _filter(request)
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
