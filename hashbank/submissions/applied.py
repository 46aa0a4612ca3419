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
