"""A case's timeline, in words: what happened to this case and to its own holds, oldest first.

A signal is shared by every case that submitted the same image, so the signal's own dates (when it
last entered the feed) are not this case's story. Each hash's events are read from this case's
hold (`CaseSignal`: created, status, changed), from the audit entries that name this case, and from
disputes about the hash raised while this case held it. Other cases are only ever counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from hashbank.audit.models import AuditEntry
from hashbank.cases.models import CaseSignal
from hashbank.disputes.models import Dispute

MAX_AUDIT_ENTRIES = 500


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    what: str
    who: str = ""


def other_holds(case: Any, signal_ids: list[int]) -> dict[int, int]:
    """signal id -> how many *other* cases hold it in the feed now (never which ones)."""
    if not signal_ids:
        return {}
    rows = (
        CaseSignal.objects.filter(signal_id__in=signal_ids, status=CaseSignal.Status.ACTIVE)
        .exclude(case_id=case.pk)
        .values("signal_id")
        .annotate(n=Count("id"))
    )
    return {row["signal_id"]: row["n"] for row in rows}


def also_held_text(n: int) -> str:
    if not n:
        return _("held by no other case")
    return ngettext("also held by %(n)d other case", "also held by %(n)d other cases", n) % {"n": n}


def _hash_label(row: Any) -> str:
    return _("%(type)s hash #%(id)d") % {
        "type": row.signal.signal_type.upper(),
        "id": row.case_signal.pk,
    }


def _publication(row: Any) -> TimelineEvent | None:
    """When this hold's signal entered the feed, if it did while this case held it."""
    hold = row.case_signal
    published = row.signal.published_at
    if published is None:
        return None
    end = None if hold.status == CaseSignal.Status.ACTIVE else hold.changed_at
    if published < hold.created_at:
        if row.signal.state == "active" or (end and published <= end):
            return TimelineEvent(
                hold.created_at,
                _("%(hash)s was already in the feed: another case had submitted the same image")
                % {"hash": _hash_label(row)},
            )
        return None
    if end is not None and published > end:
        return None  # it entered the feed again for another case, after this one let it go
    return TimelineEvent(published, _("%(hash)s entered the feed") % {"hash": _hash_label(row)})


_REASONS = {
    "not_intimate_imagery": gettext_noop("it is not intimate imagery"),
    "not_the_person": gettext_noop("it does not show the person"),
    "false_positive": gettext_noop("it matched the wrong images"),
    "other": gettext_noop("another reason"),
}


def _reason(code: str) -> str:
    return _(_REASONS.get(code, "another reason"))


def _dispute_events(rows: list[Any]) -> list[TimelineEvent]:
    by_signal = {row.signal.pk: row for row in rows}
    if not by_signal:
        return []
    events = []
    disputes = Dispute.objects.filter(signal_id__in=list(by_signal)).select_related(
        "member", "raised_by", "reviewer"
    )
    for dispute in disputes.order_by("created_at", "pk"):
        row = by_signal[dispute.signal_id]
        hold = row.case_signal
        held_until = None if hold.status == CaseSignal.Status.ACTIVE else hold.changed_at
        if dispute.created_at < hold.created_at and (
            dispute.decided_at is not None and dispute.decided_at < hold.created_at
        ):
            continue  # settled before this case submitted the hash
        if held_until and dispute.created_at > held_until:
            continue  # raised after this case let the hash go
        raiser = (
            _("a member platform (%(member)s)") % {"member": dispute.member.name}
            if dispute.member_id
            else _("staff")
        )
        events.append(
            TimelineEvent(
                dispute.created_at,
                _("Dispute %(id)d raised by %(raiser)s about %(hash)s: %(reason)s")
                % {
                    "id": dispute.pk,
                    "raiser": raiser,
                    "hash": _hash_label(row),
                    "reason": _reason(dispute.reason),
                },
                dispute.raised_by.get_username() if dispute.raised_by_id else "",
            )
        )
        if dispute.decided_at is None:
            continue
        if dispute.status == Dispute.Status.UPHELD:
            what = _(
                "Dispute %(id)d upheld: %(hash)s removed from the feed for every case holding it"
            )
        else:
            what = _("Dispute %(id)d rejected: %(hash)s stays in the feed")
        events.append(
            TimelineEvent(
                dispute.decided_at,
                what % {"id": dispute.pk, "hash": _hash_label(row)},
                dispute.reviewer.get_username() if dispute.reviewer_id else "",
            )
        )
    return events


def _audit_text(entry: AuditEntry, rows_by_pk: dict[int, Any]) -> str | None:
    """An audit entry about this case, in words; None for the entries the timeline tells
    otherwise (the submission)."""
    after = entry.after if isinstance(entry.after, dict) else {}
    row = rows_by_pk.get(after.get("case_signal"))
    hash_label = _hash_label(row) if row else _("a hash")
    reason = (after.get("reason") or "").strip()
    because = (" " + _("(reason: %(reason)s)") % {"reason": reason}) if reason else ""
    action = entry.action
    if action == "case.submitted":
        return None
    if action == "case.signal_withdrawn":
        return _("%(hash)s withdrawn on the person's behalf") % {"hash": hash_label} + because
    if action == "case.withdrawal_expedited":
        return (
            _("%(hash)s: the person's withdrawal made to take effect now") % {"hash": hash_label}
            + because
        )
    if action == "case.signal_suspended":
        return (
            _("%(hash)s suspended from the feed while it is reviewed") % {"hash": hash_label}
            + because
        )
    if action == "case.signal_restored":
        return _("%(hash)s restored to the feed") % {"hash": hash_label}
    if action == "case.signal_confirmed":
        return _("%(hash)s confirmed after review: members may act on it") % {"hash": hash_label}
    if action == "case.signal_unconfirmed":
        return _("%(hash)s marked unreviewed again") % {"hash": hash_label}
    if action == "case.note_added":
        return _("Note added")
    if action == "case.unlocked":
        return _("Case unlocked: the person can use their PIN again")
    if action == "case.assigned":
        assignee = after.get("assignee") or ""
        if assignee:
            return _("Assigned to %(name)s") % {"name": assignee}
        return _("Assignment removed")
    if action == "case.bulk_withdrawn":
        return _("Every hash withdrawn on the person's behalf") + because
    if action == "case.bulk_suspended":
        return _("Every active hash suspended while the case is reviewed") + because
    if action == "case.exported":
        return None
    if action == "case.assisted_code_used":
        return _(
            "Submitted by the person on their own device with a one-time code from %(name)s "
            "(staff-assisted; assigned to them)"
        ) % {"name": after.get("caseworker") or _("a caseworker")}
    # An action this page does not know yet: its words, never its code.
    return action.split(".", 1)[-1].replace("_", " ").capitalize()


def _person_changes(rows: list[Any], audited: set[int]) -> list[TimelineEvent]:
    """Status changes no staff member made: the person's own withdrawals and removals."""
    events = []
    for row in rows:
        hold = row.case_signal
        if hold.pk in audited or hold.status == CaseSignal.Status.ACTIVE:
            continue
        if hold.status == CaseSignal.Status.WITHDRAWN:
            what = _("%(hash)s withdrawn by the person")
        elif hold.status == CaseSignal.Status.REMOVED:
            what = _("%(hash)s removed from the feed after review")
        else:
            continue
        events.append(TimelineEvent(hold.changed_at, what % {"hash": _hash_label(row)}))
    return events


def case_timeline(case: Any, signal_rows: list[Any]) -> list[TimelineEvent]:
    """What happened to a case, oldest first, in words."""
    entries = list(
        AuditEntry.objects.filter(target=f"case:{case.number}").order_by("seq")[:MAX_AUDIT_ENTRIES]
    )
    submitter = next((e.actor_name for e in entries if e.action == "case.submitted"), "")
    n = len(signal_rows)
    submitted = ngettext(
        "Case submitted with %(n)d hash", "Case submitted with %(n)d hashes", n
    ) % {"n": n}
    if case.staff_assisted:
        submitted += " " + _("with a caseworker's help")
    events = [TimelineEvent(case.created_at, submitted, submitter)]
    rows_by_pk = {row.case_signal.pk: row for row in signal_rows}
    for row in signal_rows:
        published = _publication(row)
        if published:
            events.append(published)
    audited_changes: set[int] = set()
    for entry in entries:
        text = _audit_text(entry, rows_by_pk)
        if text is None:
            continue
        after = entry.after if isinstance(entry.after, dict) else {}
        if entry.action in ("case.signal_withdrawn", "case.withdrawal_expedited") and after.get(
            "case_signal"
        ):
            audited_changes.add(after["case_signal"])
        events.append(TimelineEvent(entry.created_at, text, entry.actor_name))
    removed_by_dispute = _dispute_events(signal_rows)
    events.extend(removed_by_dispute)
    events.extend(_person_changes(signal_rows, audited_changes | _removed_by_dispute(signal_rows)))
    if case.locked_at:
        events.append(TimelineEvent(case.locked_at, _("Locked after too many wrong PINs")))
    return sorted(events, key=lambda e: e.at)


def _removed_by_dispute(rows: list[Any]) -> set[int]:
    """Holds whose removal an upheld dispute already explains."""
    removed = {
        row.signal.pk: row.case_signal.pk
        for row in rows
        if row.case_signal.status == CaseSignal.Status.REMOVED
    }
    if not removed:
        return set()
    upheld = Dispute.objects.filter(
        Q(signal_id__in=list(removed)), status=Dispute.Status.UPHELD
    ).values_list("signal_id", flat=True)
    return {removed[signal_id] for signal_id in upheld}
