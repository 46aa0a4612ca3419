"""Writes of the mirrors: syncing a peer's log into its mirror (C2SP tlog-mirror semantics).

One sync of a peer: fetch its latest checkpoint and check it with the peer's keys (from the trust
anchor along its own root chain); fetch its entries with payloads from the mirrored size on,
streaming, in order, the next pages fetched ahead by a thread (pages.py) while one is checked;
check each page's leaves, values and state entries with the feed's verifier (wire.scan_entries,
and for the page that reaches the checkpoint verify.apply_entries_page, which also checks the
root and the active set), which hands back the leaf hashes, and prove the page against the
checkpoint's tree BEFORE storing it (the peer's public tiles, read through
feed.tiles.TileReader, which checks each tile against the signed root; each 256-entry chunk's
root must be the proven level-1 hash, and becomes the mirror's own), and store it in one transaction with the verifier's state, so a catch-up resumes where it
stopped. The mirror never rewinds: `verified_size` and `size` only grow, under the log row's lock.

Once the checkpoint's entries are all stored, this bank's own witness cosigns it (its view of the
origin must stay consistent with the mirror: hashbank/witness checks the proof) and the mirror
cosigns it with its own key (keys.py); both lines are appended to the origin's note, whose own
signatures are kept.

Equivocation (a second root for a size, a checkpoint inconsistent with what was verified, or
entries that do not fit a signed checkpoint) freezes the origin at its last consistent size,
keeps the two signed notes as Evidence, and is audited and logged; other origins are unaffected.
A peer that fails otherwise (down, a malformed answer) is retried with backoff.

Values: a value leaves the mirror (NULL) as soon as the remove entry that takes it out of the
feed is mirrored. A peer purges only values that left its feed, so its purges are in the mirror
no later than the sync that mirrored the removal. In the transaction that blanks a value the
mirror had stored (so could have served), the value moves to a facade hold (FacadeHold, this
bank's own table, not the copy): the origin's StopNCII facade names it once as `Deleted` to
the platforms reading that facade. `release_holds` (after every `sync_all`) deletes the holds no
`events.facade_holds` receiver keeps. The origin need not wait for this bank before it purges:
the hold is taken from the mirror's own copy, which no purge at the origin reaches.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from hashbank.audit import services as audit
from hashbank.mirrors import embedded, keys, state, storage, tasks, tree
from hashbank.mirrors.events import facade_holds, mirror_advanced
from hashbank.mirrors.models import (
    Evidence,
    FacadeHold,
    MirrorCheckpoint,
    MirroredLog,
    MirrorEntry,
    MirrorTile,
)
from hashbank.mirrors.pages import FetchAhead
from hashbank.peers import selectors as peer_selectors
from hashbank.peers import services as peer_services
from hashbank.peers.client import PeerClient, PeerUnreachable
from hashbank.peers.errors import PeerError
from hashbank.peers.models import Peer
from hashbank.witness import selectors as witness_selectors
from hashbank.witness import services as witness_services
from hashbank.witness.errors import WitnessError, WitnessErrorCode
from hashbank.witness.models import WitnessedLog
from member_portal import verify
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, merkle, note, wire
from member_portal.feed import leaf as leaves
from member_portal.feed import tiles as fmt
from member_portal.feed import witness as witness_wire

log = logging.getLogger(__name__)

CHECKPOINT = "/api/v1/checkpoint"
ENTRIES = "/api/v1/entries"
CONSISTENCY = "/api/v1/proofs/consistency"
TILES = "/log/"  # the peer's tlog-tiles prefix (its /.well-known/hashbank "tiles")
MAX_BACKOFF = 900.0
# A checkpoint note (with its cosignatures), a proof or a tile is a few KiB: 64 KiB caps them;
# an entries page is at most the peer's page size of 101-byte entries.
MAX_NOTE = 64 * 1024
MAX_PAGE = 64 * 1024 * 1024
_REMOVE = leaves.REMOVE


class PeerFailed(Exception):
    """The peer did not give a usable answer: retried later, with backoff."""


class Equivocation(Exception):
    """The origin signed something inconsistent with what the mirror verified."""

    def __init__(self, reason: str, first_note: str, second_note: str) -> None:
        super().__init__(reason)
        self.reason, self.first_note, self.second_note = reason, first_note, second_note


class Superseded(Exception):
    """Another sync of the same log moved it meanwhile: this one stops (it is idempotent)."""


@dataclass
class SyncResult:
    origin: str
    outcome: str  # "synced", "up to date", "frozen", "backoff", "failed", "equivocation"
    size: int
    detail: str = ""


def mirrored_log_for(peer: Peer) -> MirroredLog:
    found, _ = MirroredLog.objects.get_or_create(
        peer=peer, defaults={"origin": peer.origin, "origin_id": peer.origin_id}
    )
    return found


def sync_all(*, force: bool = False) -> list[SyncResult]:
    """Sync every active peer (what the Celery task and the embedded scheduler run), then drop
    the facade holds nobody needs any more."""
    results = [sync_peer(peer=peer, force=force) for peer in peer_selectors.active_peers()]
    release_holds()
    return results


def release_holds(now: datetime | None = None) -> int:
    """Delete the facade holds that no `events.facade_holds` receiver keeps; how many went."""
    now = now or timezone.now()
    released = 0
    for log_id, origin_id in (
        MirroredLog.objects.filter(facade_holds__isnull=False)
        .distinct()
        .values_list("pk", "origin_id")
    ):
        holds = list(FacadeHold.objects.filter(log_id=log_id).only("pk", "removed_seq", "held_at"))
        keep: set[int] = set()
        for _receiver, kept in facade_holds.send(
            sender=release_holds, origin_id=origin_id, holds=holds, now=now
        ):
            keep |= set(kept or ())
        gone = [h.pk for h in holds if h.pk not in keep]
        if gone:
            released += FacadeHold.objects.filter(pk__in=gone).delete()[0]
    return released


def sync_origins(origin_ids: set[str]) -> list[SyncResult]:
    """Sync the active peers of these origins now (nudged: the peer just published, so any
    backoff is skipped)."""
    return [
        sync_peer(peer=peer, force=True)
        for peer in peer_selectors.active_peers()
        if peer.origin_id in origin_ids
    ]


def _nudge_key(origin_id: str) -> str:
    return f"hashbank:mirror-nudged:{origin_id}"


def nudged(*, mirror: MirroredLog, size: int) -> bool:
    """The origin says it published `size` (POST /peer/v1/nudge): queue a sync of it unless the
    mirror has that size already or a sync of it is queued (coalescing). Never syncs on the
    caller's thread in the embedded server or in production; True when a sync was queued.

    The nudge is a hint, never evidence: the sync fetches and verifies the origin's own
    checkpoint as a scheduled one does, so a false nudge costs one checkpoint request."""
    if mirror.frozen or mirror.size >= size:
        return False
    if embedded.request(mirror.origin_id):
        return True
    # Production: one queued sync per origin; the task clears the flag when it starts, so a nudge
    # that arrives during a sync queues one more. Eager (no scheduler thread: a management
    # command, a test) runs it here, as every task does there.
    if cache.add(_nudge_key(mirror.origin_id), 1, timeout=max(60, settings.HASHBANK_PEER_TIMEOUT)):
        tasks.sync_origin.delay(mirror.origin_id)
        return True
    return False


def sync_nudged(*, origin_id: str) -> list[SyncResult]:
    """What tasks.sync_origin runs."""
    cache.delete(_nudge_key(origin_id))
    return sync_origins({origin_id})


def sync_peer(*, peer: Peer, force: bool = False) -> SyncResult:
    """One sync of one peer; never raises for what the peer did."""
    mirror = mirrored_log_for(peer)
    if mirror.frozen:
        return SyncResult(peer.origin, "frozen", mirror.size, mirror.frozen_reason)
    if not force and mirror.retry_at is not None and mirror.retry_at > timezone.now():
        return SyncResult(peer.origin, "backoff", mirror.size, mirror.last_error)
    try:
        outcome = _sync(peer, mirror)
    except Equivocation as exc:
        _freeze(mirror, exc)
        return SyncResult(peer.origin, "equivocation", mirror.size, exc.reason)
    except PeerFailed as exc:
        _failed(mirror, str(exc))
        return SyncResult(peer.origin, "failed", mirror.size, str(exc))
    except Superseded:
        return SyncResult(peer.origin, "superseded", mirror.size)
    mirror.refresh_from_db()
    MirroredLog.objects.filter(pk=mirror.pk).update(
        last_error="", failures=0, retry_at=None, fetched_at=timezone.now()
    )
    return SyncResult(peer.origin, outcome, mirror.size)


def _failed(mirror: MirroredLog, reason: str) -> None:
    failures = mirror.failures + 1
    wait = min(settings.HASHBANK_MIRROR_INTERVAL * 2 ** (failures - 1), MAX_BACKOFF)
    MirroredLog.objects.filter(pk=mirror.pk).update(
        last_error=reason[:2000],
        failures=failures,
        retry_at=timezone.now() + timedelta(seconds=wait),
    )
    log.warning(
        "mirror sync failed", extra={"origin": mirror.origin, "failures": failures, "retry_s": wait}
    )


def _freeze(mirror: MirroredLog, exc: Equivocation) -> None:
    with transaction.atomic():
        locked = MirroredLog.objects.select_for_update().get(pk=mirror.pk)
        if locked.frozen:
            return
        Evidence.objects.create(
            log=locked,
            origin=locked.origin,
            reason=exc.reason,
            first_note=exc.first_note,
            second_note=exc.second_note,
        )
        locked.frozen = True
        locked.frozen_reason = exc.reason[:2000]
        locked.save(update_fields=["frozen", "frozen_reason", "updated_at"])
        audit.record_event(
            actor=None,
            action="mirror.frozen",
            target=f"mirror {locked.origin}",
            after={"size": locked.size, "reason": exc.reason},
        )
    mirror.refresh_from_db()
    log.error(
        "origin equivocated: mirror frozen",
        extra={"origin": mirror.origin, "size": mirror.size, "reason": exc.reason},
    )


# --- one sync ---------------------------------------------------------------------------------


def _get(
    client: PeerClient, path: str, params: dict | None = None, limit: int | None = None
) -> bytes:
    try:
        status, _, body = client.get(path, params, limit=limit or MAX_PAGE)
    except PeerUnreachable as exc:
        raise PeerFailed(f"{path}: {exc}") from None
    if status != 200:
        raise PeerFailed(f"{path} answered {status}")
    return body


def _verified_checkpoint(peer: Peer, client: PeerClient, signed: str) -> checkpoints.Checkpoint:
    """The checkpoint, signed by the keys of the peer's newest root document (following its chain
    first when the note is signed by a key the mirror does not know yet)."""
    try:
        return verify.verify_checkpoint(signed, peer_selectors.trusted_root(peer))
    except verify.VerificationError:
        pass
    try:
        roots = peer_services.fetch_root_documents(peer.url, client.token)
        peer_services.accept_root_documents(peer=peer, signed=roots)
    except PeerError as exc:
        raise PeerFailed(exc.message) from None
    peer.refresh_from_db()
    try:
        found = verify.verify_checkpoint(signed, peer_selectors.trusted_root(peer))
    except verify.VerificationError as exc:
        raise PeerFailed(f"the peer's checkpoint: {exc}") from None
    if found.origin != peer.origin:
        raise PeerFailed(f"the checkpoint is for {found.origin}, not {peer.origin}")
    return found


def _sync(peer: Peer, mirror: MirroredLog) -> str:
    client = PeerClient(peer)
    try:
        signed = _get(client, CHECKPOINT, limit=MAX_NOTE).decode()
    except UnicodeDecodeError:
        raise PeerFailed("the checkpoint is not UTF-8") from None
    latest = _verified_checkpoint(peer, client, signed)
    MirroredLog.objects.filter(pk=mirror.pk, origin_size__lte=latest.size).update(
        origin_size=latest.size, origin_time=latest.time
    )
    mirrored = _parse(mirror.checkpoint_note)
    if mirrored is not None:
        if latest.size == mirror.size and latest.root != bytes(mirror.root):
            raise Equivocation(
                f"two checkpoints of size {latest.size} with different roots",
                mirror.checkpoint_note,
                signed,
            )
        if latest.size < mirror.size:
            if tree.Reader(mirror).root(latest.size) != latest.root:
                raise Equivocation(
                    f"a checkpoint of size {latest.size} inconsistent with the mirrored "
                    f"tree of size {mirror.size}",
                    mirror.checkpoint_note,
                    signed,
                )
            return "up to date"  # an older (cached) checkpoint: nothing to do
        if latest.size == mirror.size:
            if latest.time > (mirror.checkpoint_time or 0):
                _accept(mirror, signed, latest)  # re-signed: a fresher note, more cosignatures
            _check_witness(mirror)
            return "up to date"

    target_note, target = _target(client, mirror, signed, latest)
    removals = _catch_up(peer, client, mirror, target_note, target)
    mirror.refresh_from_db()
    _accept(mirror, target_note, target, removals=removals)
    _check_witness(mirror)
    mirror_advanced.send(sender=MirroredLog, mirror=mirror)
    return "synced"


def _parse(signed: str) -> checkpoints.Checkpoint | None:
    if not signed:
        return None
    return checkpoints.parse(note.split(signed)[0])


def _target(
    client: PeerClient, mirror: MirroredLog, signed: str, latest: checkpoints.Checkpoint
) -> tuple[str, checkpoints.Checkpoint]:
    """The checkpoint to catch up to: the latest, unless a pending one is further (then that),
    the latest proven consistent with the pending one whose entries are partly stored."""
    pending = _parse(mirror.pending_note)
    if pending is None or mirror.verified_size <= mirror.size:
        return signed, latest
    if latest.size < pending.size:
        return mirror.pending_note, pending
    if latest.size == pending.size:
        if latest.root != pending.root:
            raise Equivocation(
                f"two checkpoints of size {latest.size} with different roots",
                mirror.pending_note,
                signed,
            )
        return signed, latest
    answer = _json(
        _get(client, CONSISTENCY, {"old": pending.size, "new": latest.size}, limit=MAX_NOTE)
    )
    try:
        proof = [_b64(h) for h in answer["hashes"]]
        merkle.verify_consistency(pending.size, latest.size, pending.root, latest.root, proof)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise PeerFailed(f"a malformed consistency proof: {exc}") from None
    except merkle.ProofError as exc:
        raise Equivocation(
            f"checkpoint {latest.size} is not consistent with {pending.size}: {exc}",
            mirror.pending_note,
            signed,
        ) from None
    return signed, latest


def _json(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        raise PeerFailed("the peer did not answer JSON") from None


def _b64(text: str) -> bytes:
    value = base64.b64decode(text, validate=True)
    if len(value) != 32:
        raise ValueError("a proof hash is 32 bytes")
    return value


def _tile_reader(client: PeerClient, target: checkpoints.Checkpoint) -> fmt.TileReader:
    def fetch(path: str) -> bytes | None:
        try:
            status, _, body = client.get(TILES + path, limit=MAX_NOTE)
        except PeerUnreachable as exc:
            raise PeerFailed(f"tile {path}: {exc}") from None
        if status == 404:
            return None
        if status != 200:
            raise PeerFailed(f"tile {path} answered {status}")
        return body

    try:
        return fmt.TileReader(target.size, target.root, fetch)
    except fmt.TileError as exc:
        raise PeerFailed(f"the peer's tiles: {exc}") from None


def _catch_up(
    peer: Peer,
    client: PeerClient,
    mirror: MirroredLog,
    target_note: str,
    target: checkpoints.Checkpoint,
) -> int:
    """Store the entries [verified_size, target.size), each page proven before it is stored;
    the number of remove entries among them.

    The pages are fetched ahead (pages.FetchAhead, HASHBANK_MIRROR_FETCH_AHEAD pages) while the
    one before is verified and stored; a page that fails verification stops the fetching, and
    nothing after the last stored page is kept."""
    reader = _tile_reader(client, target) if target.size >= fmt.WIDTH else None
    root_doc = peer_selectors.trusted_root(peer)
    compact, active = state.load(mirror.verified_state)
    previous = _parse(mirror.checkpoint_note)

    def fetch_page(start: int) -> tuple[int, bytes]:
        return _entries_page(client, start, target.size)

    removals = 0
    pages = FetchAhead(
        fetch_page, mirror.verified_size, target.size, settings.HASHBANK_MIRROR_FETCH_AHEAD
    )
    try:
        for start, end, page in pages:
            if start != mirror.verified_size:
                raise PeerFailed(
                    f"a page from {start}, but the mirror is at {mirror.verified_size}"
                )
            try:
                batch, records = _cut(page, start, end)
            except wire.WireError as exc:
                raise PeerFailed(f"entries page at {start}: {exc}") from None
            hashes: list[bytes] = []
            try:
                if end == target.size:
                    verified = verify.apply_entries_page(
                        verify.FeedState(root_doc, previous, "", compact, active),
                        target_note,
                        batch,
                        hashes,
                    )
                    compact, active = verified.compact_range, verified.active
                else:
                    compact, active = wire.scan_entries(batch, compact, active, hashes)
            except (verify.VerificationError, wire.WireError) as exc:
                raise Equivocation(
                    f"entries {start}-{end} do not fit checkpoint {target.size}: {exc}",
                    mirror.checkpoint_note or target_note,
                    target_note,
                ) from None
            roots = None
            if reader is not None and end < target.size:
                roots = _prove(mirror, reader, start, hashes, target_note)
            removals += _store(
                mirror, start, end, records, hashes, roots, compact, active, target_note
            )
    finally:
        pages.close(settings.HASHBANK_PEER_TIMEOUT)
    return removals


def _entries_page(client: PeerClient, start: int, size: int) -> tuple[int, bytes]:
    """The peer's entries page from `start` towards `size`, and where the mirror takes it to:
    the page's end, or, short of `size`, its last tile boundary (so each page is provable alone
    against the origin's tiles). Runs in the fetch-ahead thread: no database."""
    page = _get(client, ENTRIES, {"from": start, "size": size})
    try:
        first, count = wire.entries_header(page)
    except wire.WireError as exc:
        raise PeerFailed(f"entries page at {start}: {exc}") from None
    if first != start or count == 0 or start + count > size:
        raise PeerFailed(f"asked for entries from {start}, got {first}+{count}")
    end = start + count
    if end < size:
        end -= end % fmt.WIDTH
        if end <= start:
            raise PeerFailed("the peer's entries pages are shorter than a tile")
    return end, page


def _cut(page: bytes, start: int, end: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The page's entries [start, end) as a page of their own (the peer's bytes, its header
    rewritten when the page is cut short) and as (leaf, payload) records."""
    _, records = wire.decode_entries(page)
    count = end - start
    if count == len(records):
        return page, records
    return wire.entries_prefix(page, count), records[:count]


def _prove(
    mirror: MirroredLog, reader: fmt.TileReader, start: int, hashes: list[bytes], signed: str
) -> list[bytes]:
    """Each full 256-entry chunk ending in this page has the root the proven tiles give; returns
    those roots (the level-1 hashes the page completes, for tree.extend)."""
    offset = start % fmt.WIDTH
    known: list[bytes] = []
    if offset:
        row = MirrorTile.objects.filter(log=mirror, level=0, index=start // fmt.WIDTH).first()
        known = tree.split(bytes(row.hashes)) if row is not None else []
        if len(known) != offset:
            raise PeerFailed("the mirror's rightmost tile does not end at its verified size")
    run = known + hashes if known else hashes
    first_chunk = start // fmt.WIDTH
    roots = []
    for i in range(len(run) // fmt.WIDTH):
        chunk = first_chunk + i
        try:
            expected = reader.hashes(1, chunk // fmt.WIDTH)[chunk % fmt.WIDTH]
        except fmt.TileError as exc:
            raise PeerFailed(f"the peer's tiles: {exc}") from None
        root = tree.fold(run[i * fmt.WIDTH : (i + 1) * fmt.WIDTH])
        if root != expected:
            raise Equivocation(
                f"entries {chunk * fmt.WIDTH}-{(chunk + 1) * fmt.WIDTH} are not those of the "
                "signed checkpoint's tree",
                mirror.checkpoint_note or signed,
                signed,
            )
        roots.append(root)
    return roots


def _store(
    mirror: MirroredLog,
    start: int,
    end: int,
    records: list[tuple[bytes, bytes]],
    hashes: list[bytes],
    roots: list[bytes] | None,
    compact: merkle.CompactRange,
    active,
    target_note: str,
) -> int:
    removed_here: set[int] = set()
    removed_before: dict[int, tuple[int, int]] = {}  # target -> (remove seq, reason code)
    for seq, (leaf, _) in enumerate(records, start):
        if leaf[1] == _REMOVE:
            target = int.from_bytes(leaf[44:52], "big")
            if target >= start:
                removed_here.add(target)  # never stored with its value: never served
            else:
                removed_before[target] = (seq, leaf[3])
    rows = [
        (seq, leaf, payload if payload and seq not in removed_here else None)
        for seq, (leaf, payload) in enumerate(records, start)
    ]
    with transaction.atomic():
        locked = MirroredLog.objects.select_for_update().get(pk=mirror.pk)
        if locked.verified_size != start or locked.frozen:
            raise Superseded()
        storage.insert_entries(locked.pk, rows)
        if removed_before:
            _hold_for_facade(locked, removed_before)
            MirrorEntry.objects.filter(log=locked, seq__in=removed_before).update(value=None)
        tree.extend(locked, start, hashes, roots)
        locked.verified_size = end
        locked.verified_state = state.dump(compact, active)
        locked.pending_note = target_note
        locked.save(update_fields=["verified_size", "verified_state", "pending_note", "updated_at"])
    mirror.verified_size = end
    return len(removed_here) + len(removed_before)


def _hold_for_facade(locked: MirroredLog, removed: dict[int, tuple[int, int]]) -> None:
    """The values about to be blanked, kept for the origin's StopNCII facade (in the caller's
    transaction, under the log's lock)."""
    now = timezone.now()
    stored = MirrorEntry.objects.filter(
        log=locked, seq__in=list(removed), value__isnull=False
    ).values_list("seq", "value")
    FacadeHold.objects.bulk_create(
        [
            FacadeHold(
                log=locked,
                seq=seq,
                removed_seq=removed[seq][0],
                reason_code=removed[seq][1],
                payload=bytes(value),
                held_at=now,
            )
            for seq, value in stored
            if value
        ],
        ignore_conflicts=True,
    )


def _accept(
    mirror: MirroredLog, signed: str, checkpoint: checkpoints.Checkpoint, *, removals: int = 0
) -> None:
    """Make `signed` (all of whose entries are stored) the mirrored checkpoint, with this bank's
    witness's and mirror's cosignatures appended, and kept for its size (MirrorCheckpoint, with
    the number of remove entries it brought: the console's removal-propagation lag)."""
    text, _ = note.split(signed)
    stored = _cosign_by_own_witness(mirror, signed, checkpoint)
    mirror_line = keys.cosigner().cosign(text, int(time.time()))
    stored = cosignature.append(stored, mirror_line)
    witnessed = _witnessed_at(stored)
    with transaction.atomic():
        locked = MirroredLog.objects.select_for_update().get(pk=mirror.pk)
        if locked.verified_size < checkpoint.size or checkpoint.size < locked.size:
            raise Superseded()
        locked.size = checkpoint.size
        locked.root = checkpoint.root
        locked.checkpoint_note = stored
        locked.checkpoint_time = checkpoint.time
        locked.witnessed_at = witnessed
        if locked.verified_size == checkpoint.size:
            locked.pending_note = ""
        locked.save()
        _record_checkpoint(locked, checkpoint, stored, removals)
    mirror.refresh_from_db()


def _record_checkpoint(
    locked: MirroredLog, checkpoint: checkpoints.Checkpoint, stored: str, removals: int
) -> None:
    """Keep the accepted note for its size (a re-signed one replaces the note, keeping when the
    size first arrived)."""
    updated = MirrorCheckpoint.objects.filter(log=locked, size=checkpoint.size).update(note=stored)
    if not updated:
        MirrorCheckpoint.objects.create(
            log=locked,
            size=checkpoint.size,
            note=stored,
            checkpoint_time=checkpoint.time,
            stored_at=timezone.now(),
            removals=removals,
        )


def _cosign_by_own_witness(
    mirror: MirroredLog, signed: str, checkpoint: checkpoints.Checkpoint
) -> str:
    """The note with this bank's witness's cosignature, when the witness can give one: its view
    of the origin must extend to this checkpoint, proven from the mirror's own tree."""
    verifier = witness_selectors.witness_verifier()
    if verifier is None:
        return signed
    ours = cosignature.cosignatures(signed, [verifier])
    if ours:
        return signed
    witnessed = WitnessedLog.objects.filter(origin=mirror.origin).first()
    if witnessed is None:
        return signed
    old = witnessed.size
    if old > checkpoint.size:
        return signed  # the witness saw further already: _check_witness compares later
    reader = tree.Reader(mirror)
    proof = reader.consistency(old, checkpoint.size) if old else []
    body = witness_wire.AddCheckpoint(old, tuple(proof), signed).encode()
    try:
        line = witness_services.add_checkpoint(body=body)
    except WitnessError as exc:
        if exc.code == WitnessErrorCode.INCONSISTENT:
            raise Equivocation(
                f"this bank's witness cosigned a tree of {mirror.origin} inconsistent with "
                f"checkpoint {checkpoint.size}: {exc.message}",
                witnessed.checkpoint + witnessed.cosignature,
                signed,
            ) from None
        return signed  # a race with the origin's own request, or no key: next sync
    return signed + line


def _check_witness(mirror: MirroredLog) -> None:
    """The witness's latest cosigned tree of the origin, when the mirror covers its size, must be
    a tree of the mirror's."""
    witnessed = WitnessedLog.objects.filter(origin=mirror.origin, cosigned=True).first()
    if witnessed is None or witnessed.size > mirror.size or witnessed.size == 0:
        return
    if tree.Reader(mirror).root(witnessed.size) != bytes(witnessed.root):
        raise Equivocation(
            f"this bank's witness cosigned size {witnessed.size} of {mirror.origin} with a root "
            "the mirrored tree does not have",
            witnessed.checkpoint + witnessed.cosignature,
            mirror.checkpoint_note,
        )


def _witnessed_at(signed: str):
    verifier = witness_selectors.witness_verifier()
    if verifier is None:
        return None
    try:
        found = cosignature.cosignatures(signed, [verifier])
    except cosignature.CosignatureError:
        return None
    if not found:
        return None
    newest = max(c.timestamp for c in found)
    return datetime.fromtimestamp(newest, tz=UTC)
