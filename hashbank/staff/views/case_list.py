"""Finding cases: the one search box (a case number or its start, a hash, a PDQ within a distance),
the filtered list newest first (paged by keyset: no OFFSET, no COUNT), "my cases", the CSV of the
filtered list, and assigning a case to a caseworker.

Case pages are addressed by the case's row id, never its number (half of the person's credential):
the search box POSTs what was typed, so neither a case number nor a hash value is put in a URL,
and a whole case number redirects to `/staff/cases/<id>/`. A GET with `?q=` is still read."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hashbank.audit.services import record_event
from hashbank.cases import selectors as case_selectors
from hashbank.cases import services as case_services
from hashbank.cases.pins import format_case_number
from hashbank.core.errors import DomainError
from hashbank.disputes import selectors as dispute_selectors
from hashbank.signals import selectors as signal_selectors
from hashbank.staff import search
from hashbank.staff.access import staff_required

FILTER_FLAGS = {
    "locked": "locked",
    "assisted": "staff_assisted",
    "review": "under_review",
    "suspended": "suspended",
}


def _date(query, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(query.get(name, "").strip())
    except ValueError:
        return None


def case_filter(request: HttpRequest, *, mine: bool = False) -> case_selectors.CaseFilter:
    query = request.GET
    flags = {field: query.get(name) == "1" for name, field in FILTER_FLAGS.items()}
    mine = mine or query.get("mine") == "1"
    return case_selectors.CaseFilter(
        **flags,
        since=_date(query, "since"),
        until=_date(query, "until"),
        assignee_id=request.user.pk if mine else None,
    )


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("after", "q", "number", "distance"):
        query.pop(name, None)
    return query.urlencode()


def _search(request: HttpRequest, text: str, distance: str) -> HttpResponse:
    context = {"nav": "cases", "q": text, "distance": distance}
    try:
        wanted = search.parse(text, distance=distance)
        if wanted.kind == "case":
            case = case_selectors.case_by_number(wanted.number)
            if case is not None:
                return redirect("staff:case", case_id=case.pk)
            context["error"] = _("No case has that number. Check it with the person and try again.")
            return render(request, "staff/cases_list.html", context, status=404)
        if wanted.kind == "prefix":
            context["cases"] = case_selectors.cases_by_number_prefix(wanted.number)
            context["searched"] = _("Case numbers starting %(start)s") % {
                "start": format_case_number(wanted.number.ljust(10, "·")).rstrip("·-")
            }
            context["capped"] = len(context["cases"]) == case_selectors.PAGE_SIZE
            return render(request, "staff/cases_list.html", context)
        found = signal_selectors.signals_by_value(
            signal_type=wanted.signal_type, value=wanted.value, distance=wanted.distance
        )
    except (search.SearchError, DomainError) as error:
        context["error"] = str(error) if isinstance(error, search.SearchError) else error.message
        return render(request, "staff/cases_list.html", context, status=400)
    context["matches"] = case_selectors.cases_holding(found)
    context["searched"] = (
        _("Cases holding a PDQ hash within %(n)d bits") % {"n": wanted.distance}
        if wanted.distance is not None
        else _("Cases holding this %(type)s hash") % {"type": wanted.signal_type.upper()}
    )
    return render(request, "staff/cases_list.html", context)


def _list(request: HttpRequest, *, mine: bool) -> HttpResponse:
    # The search box POSTs (the old find form's `number` too); `?q=` links still work.
    params = request.POST if request.method == "POST" else request.GET
    text = (params.get("q") or params.get("number") or "").strip()
    if text:
        return _search(request, text, params.get("distance", ""))
    flt = case_filter(request, mine=mine)
    after = case_selectors.Cursor.decode(request.GET.get("after", ""))
    rows, next_cursor = case_selectors.case_page(
        flt,
        after=after,
        disputed_signals=dispute_selectors.open_disputed_signals() if flt.under_review else None,
    )
    return render(
        request,
        "staff/cases_list.html",
        {
            "nav": "my_cases" if mine else "cases",
            "mine": mine,
            "filter": flt,
            "cases": rows,
            "paged": after is not None,
            "next": next_cursor.encode() if next_cursor else "",
            "filter_query": _filter_query(request),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required("staff.view_cases")
def index(request: HttpRequest) -> HttpResponse:
    return _list(request, mine=False)


@require_GET
@staff_required("staff.view_cases")
def mine(request: HttpRequest) -> HttpResponse:
    return _list(request, mine=True)


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "case",
    "submitted_at",
    "staff_assisted",
    "locked",
    "assignee",
    "hashes",
    "active",
    "suspended",
    "withdrawn",
    "removed",
]


@require_GET
@staff_required("staff.export_cases")
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, for a caseworker's own reporting. Hash values only for roles
    that hold `staff.export_case_hashes`; every export is audited with its filter."""
    flt = case_filter(request)
    with_values = request.user.has_perm("staff.export_case_hashes")
    qs = case_selectors.filtered_cases(
        flt,
        disputed_signals=dispute_selectors.open_disputed_signals() if flt.under_review else None,
    ).select_related("assignee")
    record_event(
        actor=request.user,
        action="case.list_exported",
        after={"filter": flt.as_dict(), "hash_values": with_values},
    )
    writer = csv.writer(_Echo())
    columns = CSV_COLUMNS + (["hash_values"] if with_values else [])

    def rows():
        yield writer.writerow(columns)
        batch: list = []
        for case in qs.iterator(chunk_size=500):
            batch.append(case)
            if len(batch) == 500:
                yield from _csv_rows(writer, batch, with_values)
                batch = []
        yield from _csv_rows(writer, batch, with_values)

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    return response


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(writer, cases: list, with_values: bool):
    summaries = case_selectors.hold_summaries([case.pk for case in cases])
    for case in cases:
        holds = summaries[case.pk]
        row = [
            format_case_number(case.number),
            case.created_at.isoformat(),
            "yes" if case.staff_assisted else "no",
            "yes" if case.is_locked else "no",
            _cell(case.assignee.get_username()) if case.assignee_id else "",
            sum(holds.counts.values()),
            *(holds.counts.get(status, 0) for status in CSV_COLUMNS[6:]),
        ]
        if with_values:
            row.append(" ".join(holds.values))
        yield writer.writerow(row)


@require_POST
@staff_required("staff.assign_case")
def assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_selectors.case_by_id(case_id)
    if case is None:
        return render(request, "staff/forbidden.html", {"message": _("No such case.")}, status=404)
    username = request.POST.get("assignee", "").strip()
    if username == "me":
        assignee = request.user
    elif username:
        assignee = get_user_model().objects.filter(username=username).first()
        if assignee is None or not assignee.has_perm("staff.view_cases"):
            messages.error(request, _("Choose a staff account that works on cases."))
            return redirect("staff:case", case_id=case.pk)
    else:
        assignee = None
    try:
        case_services.assign(case=case, assignee=assignee, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Assigned to %(name)s.") % {"name": assignee.get_username()}
            if assignee
            else _("The case is unassigned."),
        )
    return redirect("staff:case", case_id=case.pk)
