"""The workload page's figures: what waits for the helpline's people, how long it has waited, and
who holds it. Every figure carries its unit (cases, disputes, hashes, entries; hours and days).

Each read touches only the few rows that wait, through the partial indexes the case list uses
(locked cases, suspended holds, assigned cases) and the open disputes' (status, created_at)
index, so the page stays cheap on a bank with millions of cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from hashbank.cases.models import Case, CaseSignal
from hashbank.disputes.models import Dispute, review_target
from hashbank.ledger import selectors as ledger
from member_portal.members import selectors as members

LIST = 20
# Bucket names are lazy: shown in the reader's language, and equal to the English ones.
DUE_BUCKETS = (
    gettext_lazy("overdue"),
    gettext_lazy("due within 24 hours"),
    gettext_lazy("due in 1 to 3 days"),
    gettext_lazy("due later"),
)
AGE_BUCKETS = (
    (gettext_lazy("under a day"), dt.timedelta(days=1)),
    (gettext_lazy("1 to 7 days"), dt.timedelta(days=7)),
    (gettext_lazy("7 to 30 days"), dt.timedelta(days=30)),
    (gettext_lazy("over 30 days"), None),
)


def duration(delta: dt.timedelta | None) -> str:
    """'3 days 4 hours', '5 hours 10 minutes', '12 minutes', 'under a minute'."""
    if delta is None:
        return "–"
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def day(n: int) -> str:
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}

    def hour(n: int) -> str:
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}

    def minute(n: int) -> str:
        return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}

    if days:
        return day(days) + (f" {hour(hours)}" if hours else "")
    if hours:
        return hour(hours) + (f" {minute(minutes)}" if minutes else "")
    return minute(minutes) if minutes else gettext("under a minute")


def _bucket(age: dt.timedelta) -> str:
    for name, limit in AGE_BUCKETS:
        if limit is None or age < limit:
            return name
    return AGE_BUCKETS[-1][0]


def _due_bucket(left: dt.timedelta) -> str:
    if left < dt.timedelta(0):
        return DUE_BUCKETS[0]
    if left < dt.timedelta(hours=24):
        return DUE_BUCKETS[1]
    if left < dt.timedelta(days=3):
        return DUE_BUCKETS[2]
    return DUE_BUCKETS[3]


@dataclass
class Workload:
    now: dt.datetime
    locked_count: int = 0
    locked: list[dict] = field(default_factory=list)
    disputes_due: list[tuple[str, int]] = field(default_factory=list)
    next_due: list[dict] = field(default_factory=list)
    suspended_count: int = 0
    suspended_ages: list[tuple[str, int]] = field(default_factory=list)
    oldest_suspended: list[dict] = field(default_factory=list)
    caseworkers: list[dict] = field(default_factory=list)
    members_behind: list[dict] = field(default_factory=list)
    target: dt.timedelta = field(default_factory=review_target)


def _locked(board: Workload) -> None:
    rows = Case.objects.filter(locked_at__isnull=False)
    board.locked_count = rows.count()
    for case in rows.select_related("assignee").order_by("locked_at", "pk")[:LIST]:
        board.locked.append(
            {
                "case": case,
                "waiting": duration(board.now - case.locked_at),
                "assignee": case.assignee.get_username() if case.assignee_id else "",
            }
        )


def _disputes(board: Workload) -> None:
    target = board.target
    counts = dict.fromkeys(DUE_BUCKETS, 0)
    open_rows = Dispute.objects.filter(status=Dispute.Status.OPEN)
    for created in open_rows.values_list("created_at", flat=True).iterator():
        counts[_due_bucket(created + target - board.now)] += 1
    board.disputes_due = list(counts.items())
    for dispute in open_rows.select_related("member", "raised_by").order_by("created_at", "pk")[
        :LIST
    ]:
        left = dispute.due_at - board.now
        board.next_due.append(
            {
                "dispute": dispute,
                "when": (
                    gettext("overdue by %(time)s") % {"time": duration(-left)}
                    if left < dt.timedelta(0)
                    else duration(left)
                ),
                "overdue": left < dt.timedelta(0),
                "approvals": dispute.approvals.count(),
            }
        )


def _suspended(board: Workload) -> None:
    rows = CaseSignal.objects.filter(status=CaseSignal.Status.SUSPENDED)
    counts = dict.fromkeys((name for name, _ in AGE_BUCKETS), 0)
    for changed in rows.values_list("changed_at", flat=True).iterator():
        counts[_bucket(board.now - changed)] += 1
    board.suspended_ages = list(counts.items())
    board.suspended_count = sum(counts.values())
    for hold in rows.select_related("case", "signal").order_by("changed_at", "pk")[:LIST]:
        board.oldest_suspended.append(
            {
                "hold": hold,
                "for": duration(board.now - hold.changed_at),
                "signal_type": hold.signal.signal_type,
            }
        )


def _caseworkers(board: Workload) -> None:
    week = board.now - dt.timedelta(days=7)
    assigned = (
        Case.objects.filter(assignee__isnull=False)
        .values("assignee")
        .annotate(
            cases=Count("pk", distinct=True),
            locked=Count("pk", filter=Q(locked_at__isnull=False), distinct=True),
            suspended=Count(
                "case_signals",
                filter=Q(case_signals__status=CaseSignal.Status.SUSPENDED),
            ),
        )
    )
    by_user = {row["assignee"]: row for row in assigned}
    decided = dict(
        Dispute.objects.filter(decided_at__gte=week, reviewer__isnull=False)
        .values_list("reviewer")
        .annotate(n=Count("pk"))
        .values_list("reviewer", "n")
    )
    users = get_user_model().objects.filter(pk__in=set(by_user) | set(decided))
    for user in sorted(users, key=lambda u: u.get_username().casefold()):
        row = by_user.get(user.pk, {})
        board.caseworkers.append(
            {
                "name": user.get_username(),
                "cases": row.get("cases", 0),
                "locked": row.get("locked", 0),
                "suspended": row.get("suspended", 0),
                "decided_week": decided.get(user.pk, 0),
            }
        )


def _members(board: Workload) -> None:
    for status in members.sync_statuses():
        if status.latest_size is None or not status.ack_lag:
            continue
        after = ledger.published()
        if status.last_acked_size is not None:
            after = after.filter(size__gt=status.last_acked_size)
        first = after.aggregate(at=Min("published_at"))["at"]
        board.members_behind.append(
            {
                "member": status.member,
                "entries": status.ack_lag,
                "for": duration(board.now - first) if first else "–",
                "acked": status.last_acked_size,
            }
        )
    board.members_behind.sort(key=lambda row: -row["entries"])


def build() -> Workload:
    board = Workload(now=timezone.now())
    _locked(board)
    _disputes(board)
    _suspended(board)
    _caseworkers(board)
    _members(board)
    return board
