"""Reads for reports and disputes named by (origin, seq): which origin a member or a peer named,
the signal our own log added at a sequence number, and the forwards a member sent about a
mirrored origin. Pure reads."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from hashbank.core.errors import Conflict, NotFound
from hashbank.forwarding.errors import ForwardErrorCode
from hashbank.forwarding.models import Forward
from hashbank.ledger import selectors as ledger
from hashbank.ledger.models import Entry
from hashbank.mirrors import selectors as mirrors
from hashbank.mirrors.models import MirrorEntry
from hashbank.signals.models import Signal
from member_portal.feed import leaf as leaves
from member_portal.feed import origins as origins_list
from member_portal.feed import wire


def own_origin_id() -> str:
    return origins_list.origin_id(settings.HASHBANK_ORIGIN)


def named_origin_id(named: str | None) -> str:
    """The id of the origin a request names, by its text or its 64-hex id; our own when none."""
    named = (named or "").strip()
    if not named:
        return own_origin_id()
    return origins_list.as_origin_id(named)


def is_own(named: str | None) -> bool:
    return named_origin_id(named) == own_origin_id()


def own_signal_at(
    *, origin: str | None, seq: int, signal_type: str = "", value: str = ""
) -> Signal:
    """The signal our log added at `seq`, for a request that names (origin, seq): our origin only
    (a peer asking us about a third bank's origin is told it is unknown), an add entry within
    the latest published checkpoint only (members and peers cannot have seen anything later).
    `signal_type` and `value`, when sent too, must name that same signal."""
    if not is_own(origin):
        raise NotFound(
            "This bank is not the origin of that log.", code=ForwardErrorCode.UNKNOWN_ORIGIN
        )
    checkpoint = ledger.latest_checkpoint()
    entry = None
    if checkpoint is not None and 0 <= seq < checkpoint.size:
        entry = Entry.objects.filter(seq=seq, kind=Entry.ADD).select_related("signal").first()
    if entry is None or entry.signal is None:
        raise NotFound(
            f"There is no add entry at sequence number {seq} in this bank's published log.",
            code=ForwardErrorCode.UNKNOWN_SEQ,
        )
    signal = entry.signal
    _refuse_mismatch(seq, (signal_type, value), (signal.signal_type, signal.value or ""))
    return signal


def _refuse_mismatch(seq: int, named: tuple[str, str], held: tuple[str, str]) -> None:
    named_type, named_value = ((part or "").strip().lower() for part in named)
    held_type, held_value = held
    if (named_type and named_type != held_type) or (
        named_value and held_value and named_value != held_value
    ):
        raise Conflict(
            f"The entry at sequence number {seq} is another signal than the one named.",
            code=ForwardErrorCode.SIGNAL_MISMATCH,
        )


def mirrored_signal_at(
    *, origin_id: str, seq: int, signal_type: str = "", value: str = ""
) -> tuple[str, str]:
    """(signal_type, value hex) of the add entry at `seq` in our mirror of another origin, within
    its mirrored (verified) size; the value is empty once it left the feed or was purged. A
    frozen origin's entries below its frozen size still count: a dispute may be why it froze."""
    log = mirrors.mirrored_log(origin_id)
    if log is None:
        raise NotFound(
            "This bank neither is nor mirrors that origin.", code=ForwardErrorCode.UNKNOWN_ORIGIN
        )
    row = None
    if 0 <= seq < log.size:
        row = MirrorEntry.objects.filter(log=log, seq=seq).values_list("leaf", "value").first()
    entry = leaves.decode(bytes(row[0])) if row is not None else None
    if entry is None or not entry.is_add:
        raise NotFound(
            f"There is no add entry at sequence number {seq} in this bank's mirror of that log.",
            code=ForwardErrorCode.UNKNOWN_SEQ,
        )
    payload = wire.decode_payload(bytes(row[1] or b""))
    held = (entry.signal_type, payload.value.hex() if payload is not None else "")
    _refuse_mismatch(seq, (signal_type, value), held)
    return held


def forwards_for_member(member, origin_id: str) -> QuerySet[Forward]:
    """A member's reports and disputes about one mirrored origin, newest first."""
    return Forward.objects.filter(member=member, origin_id=origin_id).order_by("-created_at", "-pk")


def forward_for_member(member, *, kind: str, origin_id: str, pk: int) -> Forward:
    """A member's own forward; another member's is reported as absent, never as forbidden."""
    forward = forwards_for_member(member, origin_id).filter(kind=kind, pk=pk).first()
    if forward is None:
        raise NotFound("No such report or dispute.", code=ForwardErrorCode.UNKNOWN_FORWARD)
    return forward


def forwards(*, state: str | None = None, limit: int = 500) -> list[Forward]:
    """The console's list: newest first, with their members."""
    rows = Forward.objects.select_related("member").order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    return list(rows[:limit])
