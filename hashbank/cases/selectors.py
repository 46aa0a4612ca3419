"""Reads on cases: lookups, the paged list and the search for the staff console, and what the
status page shows the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from hashbank.cases import assisted, pins
from hashbank.cases.models import AssistedCode, Case, CaseSignal


def case_by_number(number: str) -> Case | None:
    normalized = pins.normalize_case_number(number)
    if normalized is None:
        return None
    return Case.objects.filter(number=normalized).first()


def case_by_id(case_id: int) -> Case | None:
    """The case with this row id: what staff URLs name (never the number, half a credential)."""
    return Case.objects.filter(pk=case_id).first()


def case_signals(case: Case) -> QuerySet[CaseSignal]:
    return CaseSignal.objects.filter(case=case).select_related("signal").order_by("id")


@dataclass(frozen=True)
class HashStatus:
    id: int
    signal_type: str
    value: str
    status: str  # pending, active, under_review, withdrawn, removed
    # When the person's withdrawal takes effect (the cooling-off period); None: none scheduled.
    withdraws_at: dt.datetime | None = None
    item: str = ""  # the photo or video it was made from (opaque; CaseSignal.item)

    @property
    def withdrawable(self) -> bool:
        return self.withdraws_at is None and self.status in ("pending", "active", "under_review")

    @property
    def withdrawal_scheduled(self) -> bool:
        return self.withdraws_at is not None


def public_status(row: CaseSignal) -> str:
    """One word for the person: is this hash in the feed platforms use?"""
    if row.status == CaseSignal.Status.ACTIVE:
        # Held, but not yet in a signed checkpoint (or held after a removal that is being undone).
        return "active" if row.signal.state == "active" else "pending"
    if row.status in (CaseSignal.Status.SUSPENDED, CaseSignal.Status.HELD):
        return "under_review"
    return row.status


def case_status(case: Case) -> list[HashStatus]:
    return [
        HashStatus(
            id=row.pk,
            signal_type=row.signal.signal_type,
            value=row.signal.value or "",  # empty once a removed value is purged
            status=public_status(row),
            withdraws_at=row.withdrawal_due_at,
            item=row.item or f"h{row.pk}",
        )
        for row in case_signals(case)
    ]


# One word for a photo whose hashes differ, the first that any of them has: while one of its
# fingerprints is in use (or on its way), the photo is.
ITEM_STATUS_ORDER = ("active", "pending", "under_review", "withdrawn", "removed")


@dataclass(frozen=True)
class ItemStatus:
    """One photo or video of the case: its hashes (MD5, PDQ, rotated PDQs) and their status."""

    id: str  # opaque, unique within the case; never the file's name
    number: int  # 1, 2, ... in the order the person submitted them
    hashes: tuple[HashStatus, ...]

    @property
    def status(self) -> str:
        present = {item.status for item in self.hashes}
        return next(status for status in ITEM_STATUS_ORDER if status in present)

    @property
    def withdraws_at(self) -> dt.datetime | None:
        return max((h.withdraws_at for h in self.hashes if h.withdraws_at), default=None)

    @property
    def withdrawal_scheduled(self) -> bool:
        return self.withdraws_at is not None

    @property
    def withdrawable(self) -> bool:
        return any(h.withdrawable for h in self.hashes)

    @property
    def hash_ids(self) -> list[int]:
        return [h.id for h in self.hashes]

    @property
    def md5s(self) -> list[str]:
        """What the page compares a photo picked again with (hashed on the device)."""
        return [h.value for h in self.hashes if h.signal_type == "md5" and h.value]


def case_items(case: Case, hashes: list[HashStatus] | None = None) -> list[ItemStatus]:
    """The case's hashes grouped per photo or video, in the order they were submitted. Holds
    from before files were grouped are each an item of their own."""
    groups: dict[str, list[HashStatus]] = {}
    for item in hashes if hashes is not None else case_status(case):
        groups.setdefault(item.item, []).append(item)
    return [
        ItemStatus(id=key, number=n, hashes=tuple(group))
        for n, (key, group) in enumerate(groups.items(), start=1)
    ]


# The case list: newest first, paged by (created_at, id) with no OFFSET and no COUNT(*), so a page
# costs the same at 10 million cases as at ten. Each filter has an index that reads its rows in
# the list's order (models.py), or drives from a small set (holds under review, open disputes).
PAGE_SIZE = 50
NUMBER_LENGTH = 10  # HB and eight characters (pins.NUMBER_RE)


@dataclass(frozen=True)
class CaseFilter:
    locked: bool = False
    staff_assisted: bool = False
    under_review: bool = False  # a hash of the case has an open dispute (see filtered_cases)
    suspended: bool = False  # a hash of the case is suspended
    since: dt.date | None = None
    until: dt.date | None = None
    assignee_id: int | None = None

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items() if v
        }


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last case's (created_at, id); text in URLs."""

    created_at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}_{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        stamp, _, pk = (text or "").rpartition("_")
        try:
            created = dt.datetime.fromisoformat(stamp)
            return cls(created if created.tzinfo else created.replace(tzinfo=dt.UTC), int(pk))
        except ValueError:
            return None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


# Suspended holds and open disputes are few. Given them as a subquery, PostgreSQL may walk the
# cases newest first and probe each one (seconds at 1M cases, measured); read first, they make the
# page a lookup of a few ids. Beyond this many the subquery is kept: matches are then dense enough
# for the walk to end soon.
FEW_CASES = 10_000


def _few_case_ids(holds: QuerySet[CaseSignal]) -> list[int] | QuerySet:
    ids = list(holds.order_by().values_list("case_id", flat=True).distinct()[: FEW_CASES + 1])
    return ids if len(ids) <= FEW_CASES else holds.values("case_id")


def filtered_cases(flt: CaseFilter, *, disputed_signals: QuerySet | None = None) -> QuerySet[Case]:
    """Every case the filter admits, newest first (the list pages it, the CSV streams it).

    Disputes depend on cases, not the other way round: "under review" needs the caller to pass
    `disputed_signals`, the signal ids with an open dispute (disputes.selectors), as a subquery."""
    qs = Case.objects.all()
    if flt.locked:
        qs = qs.filter(locked_at__isnull=False)
    if flt.staff_assisted:
        qs = qs.filter(staff_assisted=True)
    if flt.assignee_id is not None:
        qs = qs.filter(assignee_id=flt.assignee_id)
    few = False
    if flt.suspended:
        ids = _few_case_ids(CaseSignal.objects.filter(status=CaseSignal.Status.SUSPENDED))
        few = few or isinstance(ids, list)
        qs = qs.filter(pk__in=ids)
    if flt.under_review:
        if disputed_signals is None:
            raise ValueError("the under-review filter needs the disputed signals")
        ids = _few_case_ids(CaseSignal.objects.filter(signal_id__in=disputed_signals))
        few = few or isinstance(ids, list)
        qs = qs.filter(pk__in=ids)
    if flt.since:
        qs = qs.filter(created_at__gte=_day_start(flt.since))
    if flt.until:
        qs = qs.filter(created_at__lt=_day_start(flt.until + dt.timedelta(days=1)))
    if few:
        # Sorted by an expression no index serves, so the planner reads the few ids by primary
        # key and sorts them, instead of walking every case newest first looking for them.
        return qs.order_by(Coalesce("created_at", "created_at").desc(), "-id")
    return qs.order_by("-created_at", "-id")


def case_page(
    flt: CaseFilter,
    *,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
    disputed_signals: QuerySet | None = None,
) -> tuple[list[Case], Cursor | None]:
    """One page of the list and the cursor of the next one (None on the last page)."""
    qs = filtered_cases(flt, disputed_signals=disputed_signals).select_related("assignee")
    if after is not None:
        # `created_at <= t` is the index range; the OR only breaks ties within one instant.
        qs = qs.filter(created_at__lte=after.created_at).filter(
            Q(created_at__lt=after.created_at) | Q(id__lt=after.id)
        )
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (Cursor(rows[-1].created_at, rows[-1].pk) if more else None)


def cases_by_number_prefix(prefix: str, *, limit: int = PAGE_SIZE) -> list[Case]:
    """Cases whose number starts with `prefix` (normalised, "HB" first), by number.

    A range on the unique index rather than LIKE, which PostgreSQL serves from a btree only under
    the C collation: numbers are ten characters of 0-9 and A-Z, so those starting with the prefix
    lie between the prefix padded with '0's and the prefix padded with 'Z's in any collation."""
    pad = NUMBER_LENGTH - len(prefix)
    return list(
        Case.objects.filter(number__gte=prefix + "0" * pad, number__lte=prefix + "Z" * pad)
        .select_related("assignee")
        .order_by("number")[:limit]
    )


@dataclass(frozen=True)
class HashMatch:
    case: Case
    case_signal_id: int
    signal_type: str
    status: str
    distance: int


def cases_holding(matches: list[tuple[int, int]], *, limit: int = 200) -> list[HashMatch]:
    """The cases that hold (or held) any of the signals (signal id, distance), nearest first."""
    distances = dict(matches)
    if not distances:
        return []
    rows = (
        CaseSignal.objects.filter(signal_id__in=list(distances))
        .select_related("case", "case__assignee", "signal")
        .order_by("-case__created_at")[: limit * 2]
    )
    found = [
        HashMatch(row.case, row.pk, row.signal.signal_type, row.status, distances[row.signal_id])
        for row in rows
    ]
    found.sort(key=lambda m: (m.distance, -m.case.created_at.timestamp()))
    return found[:limit]


@dataclass
class HoldSummary:
    counts: dict[str, int]  # status -> holds
    values: list[str]  # "type:value", for exports by roles that may see them


def hold_summaries(case_ids: list[int]) -> dict[int, HoldSummary]:
    """Per case, its holds counted by status and its values (one query for a batch of cases)."""
    out = {pk: HoldSummary({}, []) for pk in case_ids}
    rows = (
        CaseSignal.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "id")
        .values_list("case_id", "status", "signal__signal_type", "signal__value")
    )
    for case_id, status, signal_type, value in rows:
        summary = out[case_id]
        summary.counts[status] = summary.counts.get(status, 0) + 1
        if value:
            summary.values.append(f"{signal_type}:{value}")
    return out


def assisted_code_usable(text: str) -> bool:
    """Whether `text` is a one-time assisted code that is issued, unused and unexpired (the
    entry page's check; the submission uses it up under a lock)."""
    code = assisted.normalize(text)
    if code is None:
        return False
    row = AssistedCode.objects.filter(code_hash=assisted.code_hash(code)).first()
    return row is not None and row.is_usable
