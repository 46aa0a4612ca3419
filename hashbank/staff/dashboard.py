"""The dashboard's figures: each a small read across apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hashbank.cases.models import Case
from hashbank.core import admission
from hashbank.disputes import selectors as disputes
from hashbank.disputes.models import review_target
from hashbank.ledger import selectors as ledger
from hashbank.mirrors import selectors as mirrors
from hashbank.publishing import selectors as publishing
from member_portal.members import selectors as members
from member_portal.reports.models import MatchReport

DAYS = 14


def _days(now: dt.datetime) -> list[dt.date]:
    today = now.date()
    return [today - dt.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


def _per_day(qs, field_name: str, days: list[dt.date], extra: str | None = None) -> dict:
    since = dt.datetime.combine(days[0], dt.time.min, tzinfo=dt.UTC)
    values = ["day"] + ([extra] if extra else [])
    rows = (
        qs.filter(**{f"{field_name}__gte": since})
        .annotate(day=TruncDate(field_name, tzinfo=dt.UTC))
        .values(*values)
        .annotate(n=Count("id"))
    )
    return {tuple(row[v] for v in values): row["n"] for row in rows}


@dataclass
class Dashboard:
    days: list[dt.date]
    submissions: list[int]
    active_signals: int | None
    reports_by_member: list[tuple[str, list[int]]]
    open_disputes: int
    overdue_disputes: int
    oldest_dispute_at: dt.datetime | None
    dispute_age_buckets: list[tuple[str, int]]
    sync: list = field(default_factory=list)
    # Origins whose mirrors froze on equivocation (hashbank.mirrors): an alarm.
    frozen_mirrors: list = field(default_factory=list)
    checkpoint_size: int | None = None
    checkpoint_age: dt.timedelta | None = None
    # Submissions refused by the bank-wide cap this hour or the last (core.admission), or None.
    admission_alarm: admission.Alarm | None = None
    # The witnesses of the bank's policy: last cosigned size, lag, last error (publishing).
    witnesses: list[dict] = field(default_factory=list)
    publishing: str = ""
    quorum_problem: str | None = None

    @property
    def day_labels(self) -> list[str]:
        # "03 Dec" / "03 dic": the month in the reader's language.
        return [date_format(d, "d M") for d in self.days]


def build() -> Dashboard:
    now = timezone.now()
    days = _days(now)
    subs = _per_day(Case.objects.all(), "created_at", days)
    submissions = [subs.get((d,), 0) for d in days]

    per = _per_day(MatchReport.objects.all(), "created_at", days, extra="member__slug")
    reports_by_member = [
        (slug, [per.get((d, slug), 0) for d in days]) for slug in sorted({key[1] for key in per})
    ]

    raised = list(disputes.review_queue().values_list("created_at", flat=True))
    ages = [now - created for created in raised]
    target = review_target()
    buckets = [
        (_("under 1 day"), sum(a < dt.timedelta(days=1) for a in ages)),
        (_("1 to 3 days"), sum(dt.timedelta(days=1) <= a < dt.timedelta(days=3) for a in ages)),
        (_("3 days or more"), sum(a >= dt.timedelta(days=3) for a in ages)),
    ]

    board = Dashboard(
        days=days,
        submissions=submissions,
        active_signals=None,
        reports_by_member=reports_by_member,
        open_disputes=len(ages),
        overdue_disputes=sum(a > target for a in ages),
        oldest_dispute_at=min(raised) if raised else None,
        dispute_age_buckets=buckets,
        sync=members.sync_statuses(),
        admission_alarm=admission.alarm(),
        frozen_mirrors=[m.origin for m in mirrors.frozen_logs()],
        witnesses=publishing.witness_states(now),
        publishing=publishing.summary(),
        quorum_problem=publishing.quorum_problem(now),
    )
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is not None:
        # The signed count of the active set: O(1), where counting 10 million signal rows is not.
        board.active_signals = checkpoint.active_count
        board.checkpoint_size = checkpoint.size
        # Re-signing refreshes signed_at even when nothing changed: that is sealing's heartbeat.
        board.checkpoint_age = now - checkpoint.signed_at
    return board
