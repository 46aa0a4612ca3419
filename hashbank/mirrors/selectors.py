"""Reads of the mirrors (all pure reads): what the mirror serves of each origin, in exactly the
shapes the bank's own ledger serves (hashbank.ledger.selectors), so that a member's client reads
a mirrored origin as it reads the local one, and verifies it with the origin's keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from hashbank.mirrors import snapshot, tree
from hashbank.mirrors.models import (
    Evidence,
    FacadeHold,
    MirrorCheckpoint,
    MirroredLog,
    MirrorEntry,
)
from hashbank.peers import selectors as peer_selectors
from hashbank.peers.models import Peer
from member_portal.feed import leaf as leaf_format
from member_portal.feed import origins as origins_list
from member_portal.feed import wire


def mirrored_logs() -> list[MirroredLog]:
    """Every mirror whose peer is not removed (suspended and frozen ones included)."""
    return list(
        MirroredLog.objects.exclude(peer__status=Peer.Status.REMOVED)
        .select_related("peer")
        .order_by("origin")
    )


def mirrored_log(origin_id: str) -> MirroredLog | None:
    """The mirror of the origin with this id (64 hex digits; anything else names none, and never
    reaches the database: a path may hold any character, NUL included)."""
    origin_id = origin_id.lower()
    if not origins_list.is_origin_id(origin_id):
        return None
    return (
        MirroredLog.objects.exclude(peer__status=Peer.Status.REMOVED)
        .select_related("peer")
        .filter(origin_id=origin_id)
        .first()
    )


def mirror_of_origin(origin: str) -> MirroredLog | None:
    """The mirror of the peer whose origin line is `origin` (its row is made at the first sync;
    a peer never synced yet has one made here, empty), or None when no peer has it."""
    peer = Peer.objects.exclude(status=Peer.Status.REMOVED).filter(origin=origin).first()
    if peer is None:
        return None
    found = MirroredLog.objects.select_related("peer").filter(peer=peer).first()
    return found or MirroredLog(peer=peer, origin=peer.origin, origin_id=peer.origin_id)


def entries_page(log: MirroredLog, start: int, end: int) -> bytes:
    """Entries [start, end) (clamped to the mirrored size) in the ledger's wire encoding: the
    origin's leaves and the values the mirror holds (empty once removed or purged)."""
    end = min(end, log.size)
    rows = (
        MirrorEntry.objects.filter(log=log, seq__gte=start, seq__lt=end)
        .order_by("seq")
        .values_list("leaf", "value")
    )
    return wire.encode_entries(start, ((bytes(leaf), bytes(value or b"")) for leaf, value in rows))


def leaves(log: MirroredLog, start: int, end: int) -> list[bytes]:
    rows = MirrorEntry.objects.filter(log=log, seq__gte=start, seq__lt=end).order_by("seq")
    return [bytes(leaf) for leaf in rows.values_list("leaf", flat=True)]


def consistency_proof(log: MirroredLog, old: int, new: int) -> list[bytes]:
    return tree.Reader(log).consistency(old, new)


def inclusion_proof(log: MirroredLog, index: int, size: int) -> list[bytes]:
    return tree.Reader(log).inclusion(index, size)


def checkpoint_note(log: MirroredLog) -> str:
    """The stored note: the origin's signed checkpoint, its witnesses' cosignatures, this bank's
    witness's and mirror's cosignatures (the mirror never re-signs the origin's body)."""
    return log.checkpoint_note


def checkpoint_for_size(log: MirroredLog, size: int) -> str | None:
    """The note of the mirrored checkpoint of `size` (the latest, or an earlier one the mirror
    accepted: a member pages its delta against the checkpoint it read while the mirror moves
    on), else None."""
    if log.checkpoint_note and size == log.size:
        return log.checkpoint_note
    if size > log.size:
        return None
    return (
        MirrorCheckpoint.objects.filter(log=log, size=size).values_list("note", flat=True).first()
    )


def write_snapshot(log: MirroredLog, out: BinaryIO) -> int | None:
    """The origin's snapshot at the mirrored size, from the mirror's own copy (snapshot.py); its
    size, or None when there is none (members then replay the entries from 0)."""
    return snapshot.write_snapshot(log, out)


def snapshot_basis(log: MirroredLog) -> str:
    """What the snapshot at the mirrored size depends on besides the size (snapshot.py)."""
    return snapshot.basis(log)


# -- what the origin's StopNCII facade reads (member_portal/stopncii) ----------------------------


@dataclass(frozen=True)
class FacadeEntry:
    """An add, remove or tier entry of a mirrored origin as the facade tells it: the value it
    names (from the mirror, or from a facade hold once the mirror blanked it) and whether that
    value is in the feed now. Entries whose value this bank no longer has are left out."""

    seq: int
    signal_type: str
    value: bytes
    removed: bool
    reason: str = ""  # the removal's reason, when removed
    basis_code: int = leaf_format.NO_BASIS  # a tier entry's basis (0: no tier entry here)


def checkpoint_times(log: MirroredLog) -> list[tuple[int, int]]:
    """(size, origin's checkpoint time) of every size this bank mirrored since it kept them,
    ascending: the facade's clock for the origin."""
    rows = list(
        MirrorCheckpoint.objects.filter(log=log, size__lte=log.size)
        .order_by("size")
        .values_list("size", "checkpoint_time")
    )
    if log.size and log.checkpoint_time is not None and (not rows or rows[-1][0] < log.size):
        rows.append((log.size, log.checkpoint_time))
    return rows


def facade_entries(log: MirroredLog, start: int, end: int) -> list[FacadeEntry]:
    """The facade's view of entries [start, end) (clamped to the mirrored size), in order."""
    end = min(end, log.size)
    rows = [
        (seq, leaf_format.decode(bytes(leaf)), None if value is None else bytes(value))
        for seq, leaf, value in MirrorEntry.objects.filter(log=log, seq__gte=start, seq__lt=end)
        .order_by("seq")
        .values_list("seq", "leaf", "value")
    ]
    values = {seq: value for seq, _, value in rows if value}
    targets = {e.target for _, e, _ in rows if e.kind in (leaf_format.REMOVE, leaf_format.TIER)}
    targets |= {seq for seq, e, value in rows if e.is_add and not value}
    outside = [t for t in targets if t not in values and not (start <= t < end)]
    if outside:
        values.update(
            (seq, bytes(v))
            for seq, v in MirrorEntry.objects.filter(
                log=log, seq__in=outside, value__isnull=False
            ).values_list("seq", "value")
            if v
        )
    held = {
        h.seq: h
        for h in FacadeHold.objects.filter(log=log, seq__in=targets).only(
            "seq", "reason_code", "payload"
        )
    }
    found = []
    for seq, entry, _ in rows:
        if entry.is_state:
            continue
        target = seq if entry.is_add else entry.target
        basis = entry.reason_code if entry.is_tier else leaf_format.NO_BASIS
        if target in values and entry.kind != leaf_format.REMOVE:
            value, removed, reason = values[target], False, ""
        elif target in held:
            hold = held[target]
            code = entry.reason_code if entry.kind == leaf_format.REMOVE else hold.reason_code
            value, removed, reason = (
                bytes(hold.payload),
                True,
                leaf_format.REASON_NAMES.get(code, "other"),
            )
        else:
            continue  # blanked before this bank's facade could have served it
        payload = wire.decode_payload(value)
        found.append(FacadeEntry(seq, entry.signal_type, payload.value, removed, reason, basis))
    return found


def root_documents(log: MirroredLog) -> list[str]:
    """The origin's root documents as this bank holds them: the trust anchor, then its chain."""
    return list(log.peer.root_documents)


def tile(log: MirroredLog, level: int, index: int, width: int) -> bytes | None:
    """Hash tile (level, index) of width `width` as the mirrored tree of `log.size` has it."""
    row = log.tiles.filter(level=level, index=index).first()
    data = bytes(row.hashes) if row is not None else b""
    if len(data) < width * tree.HASH:
        return None
    return data[: width * tree.HASH]


def evidence() -> list[dict]:
    """Every origin's equivocation evidence: the two signed notes, checkable with its keys."""
    return [
        {
            "origin": e.origin,
            "origin_id": e.log.origin_id,
            "reason": e.reason,
            "notes": [e.first_note, e.second_note],
            "detected_at": e.detected_at.isoformat(),
        }
        for e in Evidence.objects.select_related("log").order_by("detected_at", "id")
    ]


def frozen_logs() -> list[MirroredLog]:
    """The frozen mirrors (the staff dashboard's alarm)."""
    return [m for m in mirrored_logs() if m.frozen]


def lag_seconds(m: MirroredLog) -> int | None:
    """How far the mirrored checkpoint is behind the origin's newest seen one, in the origin's
    own clock; None before the first sync."""
    if m.origin_time is None or m.checkpoint_time is None:
        return None
    return max(0, m.origin_time - m.checkpoint_time) if m.origin_size > m.size else 0


def status() -> list[dict]:
    """Per mirror, what `mirrors status` and the console's federation page show."""
    found = []
    for m in mirrored_logs():
        found.append(
            {
                "peer": m.peer.name,
                "peer_status": m.peer.status,
                "origin": m.origin,
                "origin_id": m.origin_id,
                "size": m.size,
                "verified_size": m.verified_size,
                "origin_size": m.origin_size,
                "lag_entries": max(0, m.origin_size - m.size),
                "lag_seconds": lag_seconds(m),
                "checkpoint_time": m.checkpoint_time,
                "witnessed_at": m.witnessed_at,
                "fetched_at": m.fetched_at,
                "frozen": m.frozen,
                "frozen_reason": m.frozen_reason,
                "last_error": m.last_error,
                "failures": m.failures,
                "retry_at": m.retry_at,
                "removal_lag": removal_lag(m),
                "keys": [str(k) for k in peer_selectors.log_verifiers(m.peer)],
            }
        )
    return found


def removal_lag(m: MirroredLog, recent: int = 50) -> dict:
    """How long the origin's recent removals took to reach this mirror: over its newest `recent`
    mirrored checkpoints that brought remove entries, `stored_at - checkpoint_time` in seconds
    (p50 and max), how many removals and checkpoints that covers, and the newest one's."""
    rows = list(
        MirrorCheckpoint.objects.filter(log=m, removals__gt=0)
        .order_by("-size")
        .values_list("checkpoint_time", "stored_at", "removals")[:recent]
    )
    lags = sorted(max(0.0, stored.timestamp() - time) for time, stored, _ in rows)
    if not lags:
        return {"checkpoints": 0, "removals": 0, "p50_seconds": None, "max_seconds": None,
                "last_seconds": None}  # fmt: skip
    newest_time, newest_stored, _ = rows[0]
    return {
        "checkpoints": len(rows),
        "removals": sum(r for _, _, r in rows),
        "p50_seconds": round(lags[(len(lags) - 1) // 2], 1),
        "max_seconds": round(lags[-1], 1),
        "last_seconds": round(max(0.0, newest_stored.timestamp() - newest_time), 1),
    }
