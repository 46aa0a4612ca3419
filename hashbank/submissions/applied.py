"""How many participating platforms applied each hash of a case, and its removal (the status page
and its JSON API; counts from hashbank.receipts, which knows each member's applied position)."""

from __future__ import annotations

from hashbank.cases import selectors as case_selectors
from hashbank.receipts import selectors as receipts
from hashbank.receipts.selectors import Applied

# What the page promises about the platforms that have not applied a change yet: members sync
# every minute or so, and the operator chases one that is a day behind (docs/operations.md).
EXPECTED_HOURS = 24


def applied_by_hash(case) -> dict[int, Applied]:
    """CaseSignal id -> Applied, for every hash of the case."""
    rows = list(case_selectors.case_signals(case))
    applied = receipts.applied_for_signals([row.signal for row in rows])
    return {row.pk: applied[row.signal_id] for row in rows}


def for_item(applied: dict[int, Applied], item) -> Applied | None:
    """What platforms did with one photo or video of the status page (all its hashes: an item is
    applied by a platform once every hash of it is), or with one hash."""
    found = [applied[h.id] for h in getattr(item, "hashes", (item,)) if h.id in applied]
    if len(found) < 2:
        return found[0] if found else None
    removals = [a.removed for a in found]
    removed = None if None in removals else min(removals)

    def common(names) -> tuple[str, ...]:
        return tuple(sorted(set.intersection(*(set(n) for n in names))))

    return Applied(
        total=max(a.total for a in found),
        added=min(a.added for a in found),
        removed=removed,
        named_added=common(a.named_added for a in found),
        named_removed=common(a.named_removed for a in found) if removed is not None else (),
    )


def as_json(applied: Applied, status: str) -> dict:
    """The counts for the JSON status API: `applied_by` of `platforms` (the add), and for a
    withdrawn or removed hash `removal_applied_by`; `named` only lists platforms that agreed."""
    removal = status in ("withdrawn", "removed")
    return {
        "platforms": applied.total,
        "applied_by": applied.added,
        "removal_applied_by": applied.removed if removal else None,
        "named": list(applied.named_removed if removal else applied.named_added),
    }
