"""FetchHashes over the ledger: every sealed entry since a time, as StopNCII hash records.

A record's `lastModtimestamp` is the time of the checkpoint that sealed the entry (when members
could first see the change); its `hashStatus` is the signal's status now, so a removed hash
shows as `Deleted` however old the entry that brought it. Every removed hash is `Deleted`,
whatever the reason: members are told only that it was removed (issue 17); stock clients delete
on `Withdrawn` and `Deleted` alike. The page token is opaque to the
client: `<startTimestamp>.<last sequence number>.<last timestamp>`. Each record names its
`origin` (the log that holds the entry; a field stock clients ignore).

Every carried origin has a facade (ports/origins.py's `Source`). A mirrored origin's clock is the
origin's checkpoint times of the sizes this bank mirrored; its records are the entries as the
mirror has them, a removed value named from the mirror's facade hold (hashbank/mirrors), and a
record's status and tier are those of the entry (applied in order, the newest wins).

An active hash's review tier (docs/member-guide.md, "Review tiers") is the bank's own entry in
`CSPFeedbacks` (source `hashbank`): `PendingReview` tagged `unreviewed`, which stock HMA reads as
an investigation seed (route to a person), or `Blocked` tagged `confirmed` and the basis, which
it reads as the positive class. A tier entry is an entry like any other, so a tier change brings
the record back into the next fetch.
"""

from __future__ import annotations

import bisect

from hashbank.core.errors import DomainError
from hashbank.core.numbers import parse_whole
from member_portal.feed import leaf as leaves
from member_portal.ports import origins as origins_port
from member_portal.stopncii.errors import StopnciiErrorCode

MAX_PAGE = 1000
SIGNAL_TYPES = {"pdq": "ImagePDQ", "md5": "VideoMD5"}


def _status(entry: origins_port.FacadeEntry) -> str:
    if entry.pending:
        return "Received"
    if not entry.removed:
        return "Active"
    return "Deleted"  # the reason (a withdrawal, a dispute) stays with the bank


def _tier_feedback(entry: origins_port.FacadeEntry) -> list[dict]:
    if entry.removed or entry.pending:
        return []
    tier, basis = entry.tier or (
        leaves.tier_of(entry.basis_code),
        leaves.BASIS_NAMES.get(entry.basis_code),
    )
    if tier == "confirmed":
        return [{"feedbackValue": "Blocked", "tags": ["confirmed", basis], "source": "hashbank"}]
    return [{"feedbackValue": "PendingReview", "tags": ["unreviewed"], "source": "hashbank"}]


def _decode_token(token: str) -> tuple[int, int, int]:
    parts = token.split(".")
    # ASCII digits only; a last sequence number of -1 (nothing returned yet) is the one
    # negative part a token of ours has.
    numbers = [parse_whole(part.removeprefix("-")) for part in parts]
    if len(parts) != 3 or None in numbers:
        raise DomainError(
            "nextPageToken is not one we issued.", code=StopnciiErrorCode.INVALID_PAGE_TOKEN
        )
    start, last_seq, last_ts = (
        -n if part.startswith("-") else n for part, n in zip(parts, numbers, strict=True)
    )
    if min(start, last_seq + 1, last_ts) < 0:
        raise DomainError(
            "nextPageToken is not one we issued.", code=StopnciiErrorCode.INVALID_PAGE_TOKEN
        )
    return start, last_seq, last_ts


def applied_before(start_timestamp: int, source: origins_port.Source | None = None) -> int | None:
    """The size a client asking for changes since `start_timestamp` (its stored nextSetTimestamp,
    without a page token) says it applied: the entries before the first one we serve it again.
    None when that is nothing (a first fetch, or a time before our first checkpoint)."""
    checkpoints = (source or origins_port.LocalSource()).checkpoint_times()
    index = bisect.bisect_left([t for _, t in checkpoints], start_timestamp)
    if start_timestamp <= 0 or index == 0:
        return None
    return checkpoints[min(index, len(checkpoints)) - 1][0]


def fetch_page(
    *,
    start_timestamp: int,
    page_size: int,
    page_token: str | None,
    source: origins_port.Source | None = None,
) -> dict:
    """One page of the facade of `source`'s origin (the bank's own by default)."""
    source = source or origins_port.LocalSource()
    checkpoints = source.checkpoint_times()  # [(size, unix time)] ascending
    sizes = [size for size, _ in checkpoints]
    sealed = sizes[-1] if sizes else 0
    if page_token:
        start_timestamp, last_seq, last_ts = _decode_token(page_token)
        first_seq = last_seq + 1
    else:
        last_ts = start_timestamp
        # The first checkpoint at or after the start time sealed entries from the previous size.
        index = bisect.bisect_left([t for _, t in checkpoints], start_timestamp)
        first_seq = sizes[index - 1] if 0 < index <= len(sizes) else (0 if index == 0 else sealed)
    end = min(sealed, first_seq + page_size)
    records: dict[tuple[str, str], dict] = {}
    for entry in source.facade_entries(first_seq, end):
        seq = entry.seq
        kind = SIGNAL_TYPES.get(entry.signal_type)
        timestamp = checkpoints[bisect.bisect_right(sizes, seq)][1]
        last_ts = max(last_ts, timestamp)
        if kind is None:  # another type
            continue
        # One record per hash and page: the newest entry's (a removal after its add, once).
        records[(kind, entry.value)] = {
            "lastModtimestamp": timestamp,
            "signalType": kind,
            "hashValue": entry.value,
            "hashStatus": _status(entry),
            "caseNumbers": {},  # never disclosed
            "CSPFeedbacks": _tier_feedback(entry),
            "origin": source.origin,
        }
    more = end < sealed
    return {
        "count": len(records),
        "nextPageToken": f"{start_timestamp}.{end - 1}.{last_ts}" if more else None,
        "nextSetTimestamp": last_ts,
        "hasMoreRecords": more,
        "hashRecords": list(records.values()),
    }
