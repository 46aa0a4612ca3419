"""The outbox: the queue of changes of signals' presence in the feed, and the ledger's only input.

The signals app owns it and is its only writer. The ledger's seal uses exactly three calls:

- `pending(limit)`: the oldest queued changes, as `PendingChange` tuples;
- `settle(changes, added=..., removed=..., tiers=..., now=...)`: the seal turned `changes` into
  entries: the signals that ended the batch in the feed (with the sequence number of their add
  entry) are marked active, those that ended it out of the feed removed, the tiers the batch set
  are kept (the basis of each signal's latest tier entry), and `changes` leave the queue;
- `is_empty()`: whether a backlog remains;
- `oldest_queued()` and `mix()`: when the oldest queued change was queued, and how many
  distinct groups (cases) the queue holds: what the seal's minimum mix asks (issue 17).

All three run in the seal's transaction, so a crash leaves the queue and the signals as they were
or as the new checkpoint says, never half of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from django.db.models import Min

from hashbank.signals import storage
from hashbank.signals.models import Change

# (change id, kind, removal reason or tier basis, signal id, signal type, digest, salt, quality,
# value, basis code of the signal's sealed tier): plain tuples straight from the database cursor,
# because a seal unpacks up to 250,000 of them.
PendingChange = tuple[int, str, str, int, str, bytes, bytes, int | None, str | None, int]

ADD = Change.Kind.ADD.value
REMOVE = Change.Kind.REMOVE.value
TIER = Change.Kind.TIER.value


def pending(limit: int) -> list[PendingChange]:
    """Queued changes, oldest first, with what their ledger entries need."""
    return storage.pending(limit)


def is_empty() -> bool:
    return not Change.objects.exists()


def oldest_queued() -> dt.datetime | None:
    """When the oldest queued change was queued (None with an empty queue)."""
    return Change.objects.aggregate(oldest=Min("created_at"))["oldest"]


def mix() -> int:
    """How many distinct groups have changes queued: each case whose actions queued changes
    counts once, and each signal with a change queued by no case (a member's or staff's tier
    change) once. Two indexed-free counts over the queue, which every seal empties."""
    cases = Change.objects.filter(mix_group__isnull=False).values("mix_group").distinct().count()
    others = Change.objects.filter(mix_group__isnull=True).values("signal_id").distinct().count()
    return cases + others


def settle(
    changes: list[PendingChange],
    *,
    added: Mapping[int, int],
    removed: Collection[int],
    tiers: Mapping[int, int] | None = None,
    now: dt.datetime,
) -> None:
    """`changes` are sealed: signals in `added` (signal id -> seq of its add entry) are active,
    signals in `removed` are out of the feed (with the reason of their last removal), signals in
    `tiers` (signal id -> basis code) had tier entries sealed, and the changes leave the queue."""
    # Signal rows are locked in (type, value) order, as every writer locks them (see
    # services.hold_many), all in one pass, so a seal and concurrent submissions or withdrawals
    # cannot deadlock.
    lock_order = {row[3]: (row[4], row[8] or "") for row in changes}
    reasons = {row[3]: row[2] for row in changes if row[1] == REMOVE}
    ids = sorted([*added, *removed], key=lock_order.__getitem__)
    if tiers:
        # Tier changes name signals outside `ids` too: lock them all first, in order.
        storage.lock_signals(sorted({*ids, *tiers}, key=lock_order.__getitem__))
    storage.settle_signals(
        ids,
        [added.get(sid) for sid in ids],
        ["" if sid in added else reasons[sid] for sid in ids],
        now,
    )
    # After settle_signals, which resets the tier of every signal added or removed.
    storage.settle_tiers(dict(tiers or {}))
    storage.delete_changes([row[0] for row in changes])
