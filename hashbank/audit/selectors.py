"""Reads on the audit log: filtered listings for auditors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from hashbank.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    target: str = ""
    member: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_query(cls, query) -> AuditFilter:  # noqa: ANN001 - a QueryDict or dict
        def date(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(query.get(name, "").strip())
            except ValueError:
                return None

        return cls(
            actor=query.get("actor", "").strip()[:150],
            action=query.get("action", "").strip()[:64],
            target=query.get("target", "").strip()[:200],
            member=query.get("member", "").strip()[:100],
            since=date("since"),
            until=date("until"),
        )

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items() if v
        }


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def entries(flt: AuditFilter) -> QuerySet[AuditEntry]:
    """Newest first. `action` matches a prefix (`case.` finds every case action)."""
    qs = AuditEntry.objects.all()
    if flt.actor:
        qs = qs.filter(actor_name=flt.actor)
    if flt.action:
        qs = qs.filter(action__startswith=flt.action)
    if flt.target:
        qs = qs.filter(target=flt.target)
    if flt.member:
        qs = qs.filter(member=flt.member)
    if flt.since:
        qs = qs.filter(created_at__gte=_day_start(flt.since))
    if flt.until:
        qs = qs.filter(created_at__lt=_day_start(flt.until + dt.timedelta(days=1)))
    return qs.order_by("-seq")


def recent(limit: int = 10) -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("-seq")[:limit])
