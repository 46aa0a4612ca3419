"""The port: the one module through which the member apps (members, api, reports, webhooks,
stopncii, portal) reach the bank's ledger (hashbank.ledger.selectors), so that dependency is
visible in one place and the views stay thin. Every checkpoint it gives is a PUBLISHED one (the
witnesses' quorum met, when the bank has a witness policy). The wire encodings are the feed's
(member_portal.feed); entries pages and snapshots are the hot paths bench/member_feed.py measures."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any, BinaryIO

from hashbank.ledger import selectors as _ledger
from hashbank.ledger.events import checkpoint_published  # noqa: F401  (for the member apps)
from member_portal.feed import leaf as leaves


def latest_checkpoint():
    return _ledger.latest_checkpoint()


def latest_size() -> int | None:
    return _ledger.latest_size()


def checkpoint_for_size(size: int):
    return _ledger.checkpoint_for_size(size)


def entries_page(start: int, end: int) -> bytes:
    """The binary entries page [start, end) in the feed's wire encoding (leaf + disclosed value)."""
    return _ledger.entries_page(start, end)


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return list(_ledger.inclusion_proof(index, size))


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return list(_ledger.consistency_proof(old_size, new_size))


def root_documents() -> list[Any]:
    return list(_ledger.root_documents())


def public_keys() -> list[Any]:
    return list(_ledger.public_keys())


def current_signers():
    """The bank's current log keys (those of its root document), for the signed origins list."""
    return _ledger.current_signers()


def write_snapshot(out: BinaryIO, checkpoint=None) -> int:
    """Write the snapshot (compact range + active set) at `checkpoint` (default: the latest) to
    `out`; returns its tree size. Consistent even if a seal lands meanwhile: sealed entries never
    change."""
    checkpoint = checkpoint or _ledger.latest_checkpoint()
    _ledger.write_snapshot(out, checkpoint)
    return checkpoint.size


def checkpoint_times() -> list[tuple[int, int]]:
    """(size, unix seconds) of every published checkpoint, oldest first (the StopNCII facade's
    clock)."""
    rows = _ledger.published().order_by("size").values_list("size", "created_at")
    return [(size, int(created.timestamp())) for size, created in rows]


def first_published_after(size: int | None):
    """The oldest published checkpoint larger than `size` (any, for None): when a member that
    applied `size` first fell behind. None when it is up to date."""
    rows = _ledger.published()
    if size is not None:
        rows = rows.filter(size__gt=size)
    return rows.order_by("size").first()


def entry_signals(start: int, end: int):
    """(seq, Signal) for the entries [start, end), for the StopNCII facade."""
    # State entries (docs/feed-format.md 3.1) name no signal.
    for entry in _ledger.entries(start, end).filter(signal__isnull=False).select_related("signal"):
        yield entry.seq, entry.signal


def tier(signal) -> tuple[str, str | None]:
    """(review tier, basis) of a signal as the ledger last sealed it (docs/feed-format.md 1.4)."""
    return leaves.tier_of(signal.tier_basis), leaves.BASIS_NAMES.get(signal.tier_basis)


def as_text(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    return value


def b64_all(hashes: Iterable[bytes]) -> list[str]:
    return [base64.b64encode(bytes(h)).decode() for h in hashes]
