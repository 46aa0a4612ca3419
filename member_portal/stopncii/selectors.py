"""FetchHashes over the ledger: every sealed entry since a time, as StopNCII hash records.

A record's `lastModtimestamp` is the time of the checkpoint that sealed the entry (when members
could first see the change); its `hashStatus` is the signal's status now, so a removed hash
shows as `Deleted` however old the entry that brought it. Every removed hash is `Deleted`,
whatever the reason: members are told only that it was removed (issue 17); stock clients delete
on `Withdrawn` and `Deleted` alike. The page token is opaque to the
client: `<startTimestamp>.<last sequence number>.<last timestamp>`.

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
from member_portal.ports import ledger as ledger_port
from member_portal.stopncii.errors import StopnciiErrorCode

MAX_PAGE = 1000
SIGNAL_TYPES = {"pdq": "ImagePDQ", "md5": "VideoMD5"}


def _status(signal) -> str:
    if signal.state == "active":
        return "Active"
    if signal.state == "pending":
        return "Received"
    return "Deleted"  # the reason (a withdrawal, a dispute) stays with the bank


def _tier_feedback(signal) -> list[dict]:
    if signal.state != "active":
        return []
    tier, basis = ledger_port.tier(signal)
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


def applied_before(start_timestamp: int) -> int | None:
    """The size a client asking for changes since `start_timestamp` (its stored nextSetTimestamp,
    without a page token) says it applied: the entries before the first one we serve it again.
    None when that is nothing (a first fetch, or a time before our first checkpoint)."""
    checkpoints = ledger_port.checkpoint_times()
    index = bisect.bisect_left([t for _, t in checkpoints], start_timestamp)
    if start_timestamp <= 0 or index == 0:
        return None
    return checkpoints[min(index, len(checkpoints)) - 1][0]


def fetch_page(*, start_timestamp: int, page_size: int, page_token: str | None) -> dict:
    checkpoints = ledger_port.checkpoint_times()  # [(size, unix time)] ascending
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
    seq = first_seq - 1
    for seq, signal in ledger_port.entry_signals(first_seq, end):
        kind = SIGNAL_TYPES.get(signal.signal_type)
        timestamp = checkpoints[bisect.bisect_right(sizes, seq)][1]
        last_ts = max(last_ts, timestamp)
        if kind is None or signal.value is None:  # another type, or a purged withdrawn value
            continue
        records[(kind, signal.value)] = {
            "lastModtimestamp": timestamp,
            "signalType": kind,
            "hashValue": signal.value,
            "hashStatus": _status(signal),
            "caseNumbers": {},  # never disclosed
            "CSPFeedbacks": _tier_feedback(signal),
        }
    more = end < sealed
    return {
        "count": len(records),
        "nextPageToken": f"{start_timestamp}.{end - 1}.{last_ts}" if more else None,
        "nextSetTimestamp": last_ts,
        "hasMoreRecords": more,
        "hashRecords": list(records.values()),
    }
