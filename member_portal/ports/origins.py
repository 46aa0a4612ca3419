"""The port for origins: the one module through which the member apps reach every origin log this
bank carries (docs/federation.md, docs/member-guide.md "Origins"). The bank's own origin comes
from `ports/ledger.py`; a mirrored origin from `hashbank.mirrors.selectors` (A's log byte for
byte: A's leaves, values, checkpoints with A's signatures) and `hashbank.peers.selectors`.

A `Source` answers the per-origin endpoints with exactly the shapes of the un-prefixed ones, so a
member's client is simply pointed at `/api/v1/origins/<id>`. The signed origins list
(member_portal/feed/origins.py) is signed here with the bank's current log keys.

A bank with no peers carries exactly one origin, itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings

from hashbank.mirrors import selectors as _mirrors
from hashbank.mirrors import services as _mirror_services
from hashbank.mirrors.events import mirror_advanced  # noqa: F401  (webhooks and api connect to it)
from hashbank.peers import selectors as _peers
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from member_portal.feed import origins as origins_list
from member_portal.ports import ledger as ledger_port

# Who may read the values of an origin through this bank: the bank's members (the only policy
# there is today; a peer's share policy may narrow it, and is shown here when it does).
DEFAULT_SHARE_POLICY = {"payloads": "members"}


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as members are shown it: its size and its signed note (text)."""

    size: int
    note: str


@dataclass(frozen=True)
class Origin:
    """One carried origin, as `GET /api/v1/origins` describes it."""

    id: str
    origin: str
    local: bool
    root_document: str  # the trust anchor (signed text) the signed list names
    root_documents: list[str]  # the chain from the anchor, oldest first
    keys: list[str]  # verifier keys of the newest root document
    size: int
    checkpoint_time: int | None
    witnessed_at: int | None
    frozen: bool = False
    frozen_reason: str = ""
    share_policy: dict = field(default_factory=lambda: dict(DEFAULT_SHARE_POLICY))

    def freshness_seconds(self, now: int) -> int | None:
        """Seconds since the newest witnessed checkpoint (or, without witnesses, the newest
        checkpoint): how stale the withdrawals a member has from this origin may be."""
        newest = self.witnessed_at or self.checkpoint_time
        return None if newest is None else max(0, now - newest)


class Source:
    """The reads of one origin's log behind the per-origin endpoints."""

    origin: str
    local: bool

    def latest_checkpoint(self) -> Checkpoint | None: ...
    def checkpoint_for_size(self, size: int) -> Checkpoint | None: ...
    def entries_page(self, start: int, end: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...
    def consistency_proof(self, old: int, new: int) -> list[bytes]: ...
    def root_documents(self) -> list[str]: ...
    def write_snapshot(self, out: BinaryIO) -> int | None: ...
    def snapshot_key(self) -> tuple[str, int, str]: ...

    # What the origin's StopNCII facade reads (member_portal/stopncii/selectors.py).
    def checkpoint_times(self) -> list[tuple[int, int]]: ...
    def facade_entries(self, start: int, end: int) -> list[FacadeEntry]: ...


@dataclass(frozen=True)
class FacadeEntry:
    """An add, remove or tier entry as the StopNCII facade tells it (the value it names and
    whether that value is in the feed now); `basis_code` is a tier entry's basis, else 0. The
    local origin gives the signal's tier now in `tier`/`basis` instead."""

    seq: int
    signal_type: str
    value: str  # lowercase hex
    removed: bool
    basis_code: int = 0
    pending: bool = False  # the local origin only: the signal is not in the feed yet
    tier: tuple[str, str | None] | None = None  # the local origin only: (tier, basis) now


def _shown(checkpoint) -> Checkpoint | None:
    if checkpoint is None:
        return None
    return Checkpoint(checkpoint.size, ledger_port.as_text(checkpoint.note))


class LocalSource(Source):
    """The bank's own log: what the un-prefixed endpoints answer."""

    local = True

    def __init__(self) -> None:
        self.origin = local_origin()

    def latest_checkpoint(self) -> Checkpoint | None:
        return _shown(ledger_port.latest_checkpoint())

    def checkpoint_for_size(self, size: int) -> Checkpoint | None:
        return _shown(ledger_port.checkpoint_for_size(size))

    def entries_page(self, start: int, end: int) -> bytes:
        return ledger_port.entries_page(start, end)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return ledger_port.inclusion_proof(index, size)

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        return ledger_port.consistency_proof(old, new)

    def root_documents(self) -> list[str]:
        return [ledger_port.as_text(doc) for doc in ledger_port.root_documents()]

    def checkpoint_times(self) -> list[tuple[int, int]]:
        return ledger_port.checkpoint_times()

    def facade_entries(self, start: int, end: int) -> list[FacadeEntry]:
        # A record shows the signal's status now, so a withdrawn hash shows as such however old
        # the entry that brought it; a purged value (None) names nothing.
        return [
            FacadeEntry(
                seq,
                signal.signal_type,
                signal.value,
                signal.state not in ("active", "pending"),
                pending=signal.state == "pending",
                tier=ledger_port.tier(signal) if signal.state == "active" else None,
            )
            for seq, signal in ledger_port.entry_signals(start, end)
            if signal.value is not None
        ]

    def write_snapshot(self, out: BinaryIO) -> int | None:
        # The bank's own snapshots are built ahead of time (the api app's snapshot files): the
        # view redirects to them, as /api/v1/snapshot does.
        return None


def local_origin() -> str:
    return settings.HASHBANK_ORIGIN


def _checkpoint_time(signed: str) -> int | None:
    try:
        text, _ = note.split(signed)
        return checkpoints.parse(text).time
    except (note.NoteError, checkpoints.CheckpointError):
        return None


def _local() -> Origin | None:
    roots = LocalSource().root_documents()
    if not roots:
        return None  # no keys yet: the bank carries nothing it could sign for
    latest = ledger_port.latest_checkpoint()
    shown = _shown(latest)
    witnessed = None
    if latest is not None and settings.HASHBANK_WITNESS_POLICY and latest.published_at:
        # A published checkpoint met the policy's quorum (unless it was published fail-open).
        witnessed = None if latest.without_quorum else int(latest.published_at.timestamp())
    return Origin(
        id=origins_list.origin_id(local_origin()),
        origin=local_origin(),
        local=True,
        root_document=roots[0],
        root_documents=roots,
        keys=list(ledger_port.public_keys()),
        size=shown.size if shown else 0,
        checkpoint_time=_checkpoint_time(shown.note) if shown else None,
        witnessed_at=witnessed,
    )


# -- mirrored origins (hashbank.mirrors, hashbank.peers) ---------------------------------------


class MirroredSource(Source):
    """A peer's log as this bank mirrors it: the peer's leaves, values and signed checkpoint
    (with the witnesses' and our cosignatures), so a member verifies it with the peer's keys.
    The mirror keeps its latest checkpoint only; its snapshot is built from the mirror's copy
    (hashbank/mirrors/snapshot.py), in the origin's own format, on the first request for its
    `snapshot_key()`, and kept as a file by the api app."""

    local = False

    def __init__(self, log) -> None:
        self.log = log
        self.origin = log.origin

    def latest_checkpoint(self) -> Checkpoint | None:
        note_text = _mirrors.checkpoint_note(self.log)
        return Checkpoint(self.log.size, note_text) if note_text else None

    def checkpoint_for_size(self, size: int) -> Checkpoint | None:
        note_text = _mirrors.checkpoint_for_size(self.log, size)
        return Checkpoint(size, note_text) if note_text else None

    def entries_page(self, start: int, end: int) -> bytes:
        return _mirrors.entries_page(self.log, start, end)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return list(_mirrors.inclusion_proof(self.log, index, size))

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        return list(_mirrors.consistency_proof(self.log, old, new))

    def root_documents(self) -> list[str]:
        return _mirrors.root_documents(self.log)

    def write_snapshot(self, out: BinaryIO) -> int | None:
        return _mirrors.write_snapshot(self.log, out)

    def snapshot_key(self) -> tuple[str, int, str]:
        """(origin id, size, basis) of the snapshot `write_snapshot` writes now: the api app
        keeps one built file per key (member_portal/api/services.py)."""
        return self.log.origin_id, self.log.size, _mirrors.snapshot_basis(self.log)

    def checkpoint_times(self) -> list[tuple[int, int]]:
        return _mirrors.checkpoint_times(self.log)

    def facade_entries(self, start: int, end: int) -> list[FacadeEntry]:
        # A value the mirror blanked comes from its facade hold (hashbank/mirrors), marked
        # removed; a tier entry carries its own basis (the records are applied in order).
        return [
            FacadeEntry(e.seq, e.signal_type, e.value.hex(), e.removed, basis_code=e.basis_code)
            for e in _mirrors.facade_entries(self.log, start, end)
        ]


def _mirrored_origin(log) -> Origin:
    peer = log.peer
    return Origin(
        id=log.origin_id,
        origin=log.origin,
        local=False,
        root_document=peer.anchor_root,
        root_documents=_mirrors.root_documents(log),
        keys=[str(key) for key in _peers.log_verifiers(peer)],
        size=log.size,
        checkpoint_time=log.checkpoint_time,
        witnessed_at=int(log.witnessed_at.timestamp()) if log.witnessed_at else None,
        frozen=log.frozen,
        frozen_reason=log.frozen_reason,
    )


def _mirrored() -> list[Origin]:
    return [_mirrored_origin(log) for log in _mirrors.mirrored_logs()]


def _mirrored_source(origin_id: str) -> Source | None:
    log = _mirrors.mirrored_log(origin_id)
    return MirroredSource(log) if log is not None else None


# -- what the views call ---------------------------------------------------------------------


def carried() -> list[Origin]:
    """Every origin this bank carries, its own first (sorted by id after it)."""
    local = _local()
    mirrored = sorted(_mirrored(), key=lambda o: o.id)
    return ([local] if local else []) + mirrored


def source(origin_id: str) -> Source | None:
    """The reads of the origin with this id, or None when the bank does not carry it."""
    if origin_id == origins_list.origin_id(local_origin()):
        return LocalSource()
    return _mirrored_source(origin_id)


def signed_list(origins: list[Origin], now: int | None = None) -> str:
    """The signed origins list naming each carried origin's trust anchor, signed with the bank's
    current log keys (a member checks it with the keys of the carrier's root document)."""
    entries = [origins_list.OriginEntry.of(o.origin, o.root_document) for o in origins]
    signers = ledger_port.current_signers()
    when = int(time.time()) if now is None else now
    return origins_list.sign(local_origin(), when, entries, signers)


@dataclass(frozen=True)
class Nudged:
    """What POST /peer/v1/nudge answers: the mirror's size and whether a sync was queued."""

    origin: str
    peer_status: str
    mirrored_size: int
    queued: bool


def nudge(origin: str, size: int) -> Nudged | None:
    """The origin's bank says it published `size`: queue a sync of its mirror now (coalesced;
    hashbank.mirrors.services.nudged). None when this bank mirrors no such origin; a suspended
    peer's mirror is not synced (`peer_status` says so)."""
    log = _mirrors.mirror_of_origin(origin)
    if log is None:
        return None
    if log.peer.status != "active":
        return Nudged(log.origin, log.peer.status, log.size, False)
    queued = _mirror_services.nudged(mirror=log, size=size)
    return Nudged(log.origin, log.peer.status, log.size, queued)
