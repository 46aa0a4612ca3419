"""Writes to the ledger: sealing the signals' outbox into entries and signed checkpoints,
publishing them, and purging withdrawn values.

Publishing: members are shown a checkpoint only once `publish` stored it. Without a witness
policy (settings.HASHBANK_WITNESS_POLICY empty) every seal and re-sign publishes itself. With one,
the seal leaves its note pending and sends `checkpoint_sealed`; hashbank.publishing gathers the
witnesses' cosignatures and calls `publish` with them (the ledger never imports it).

Exactly one sealer runs at a time: it locks the TreeState row (and on SQLite the database), so
sequence numbers are gapless whatever the number of concurrent submissions. A seal is one
transaction: a crash leaves the previous checkpoint or the new one, never half of one.

Every seal that appends entries ends them with one state entry (member_portal/feed/leaf.py): the
count and LtHash16 commitment of the active set after the entries before it, kept O(batch) in
TreeState.lthash. The first such seal is the log's switch from the additive digest: it computes
the active set's LtHash once from the log (O(active)). Re-signing appends nothing.

The minimum mix (issue 17): entries are shuffled within a seal, but a seal of one case's changes
alone still links them. So a seal appends entries only when the queue holds changes of at least
HASHBANK_SEAL_MIN_MIX distinct cases, or when its oldest change has waited
HASHBANK_SEAL_MAX_DELAY seconds (so a withdrawal on a quiet bank is not held forever); until then
it leaves the queue as it is, and a later submission or beat's sweep seals it (ready_to_seal).
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from hashbank.core.db import chunks
from hashbank.core.errors import DomainError
from hashbank.ledger import seal_requests, selectors, storage, tiles
from hashbank.ledger.errors import LedgerErrorCode
from hashbank.ledger.events import checkpoint_published, checkpoint_sealed, purge_holds
from hashbank.ledger.models import Checkpoint, Entry, Node, TreeState
from hashbank.signals import outbox
from hashbank.signals import services as signal_services
from hashbank.signals.models import Signal
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, wire
from member_portal.feed.lthash import LtHash, tier_input

log = logging.getLogger(__name__)

MAX_BATCH = 250_000


def resign_after() -> timedelta:
    """An idle checkpoint is re-signed (and re-witnessed) once this old."""
    return timedelta(seconds=settings.HASHBANK_RESIGN_SECONDS)


def witnessed() -> bool:
    """Whether checkpoints wait for the witnesses' quorum before they are published."""
    return bool(settings.HASHBANK_WITNESS_POLICY)


class NoSigningKey(DomainError):
    code = LedgerErrorCode.NO_SIGNING_KEY
    status = 503


def ready_to_seal(now: datetime) -> bool:
    """Whether the queue may be sealed now: it mixes at least HASHBANK_SEAL_MIN_MIX cases, or
    its oldest change waited HASHBANK_SEAL_MAX_DELAY seconds (or the queue is empty)."""
    min_mix = settings.HASHBANK_SEAL_MIN_MIX
    if min_mix <= 1:
        return True
    oldest = outbox.oldest_queued()
    if oldest is None or now - oldest >= timedelta(seconds=settings.HASHBANK_SEAL_MAX_DELAY):
        return True
    return outbox.mix() >= min_mix


def seal(
    *, max_batch: int = MAX_BATCH, force_sign: bool = False, wait_for_mix: bool = True
) -> Checkpoint | None:
    """Turn pending changes into the next batch of entries and sign a checkpoint.

    With nothing pending, re-signs the latest checkpoint when it is older than resign_after() (or
    `force_sign`), so members can tell a fresh feed from a frozen one. Returns the checkpoint it
    wrote, or None when there was nothing to do. Safe to call any number of times.

    Without a witness policy the checkpoint is published in the same transaction; with one it is
    pending until `publish`. Either way `checkpoint_sealed` is sent once the seal committed.

    Queued changes wait, as if none were queued, until ready_to_seal() (unless not
    `wait_for_mix`: an operator's `manage.py ledger seal`).
    """
    signers = _signers()
    TreeState.objects.get_or_create(id=1)
    with transaction.atomic():
        state = _lock_tree()
        now = timezone.now()
        if wait_for_mix and not ready_to_seal(now):
            log.info("seal waits for the minimum mix")
            pending = []
        else:
            pending = outbox.pending(max_batch)
        resigned = not pending
        if resigned:
            checkpoint = _resign_latest(state, now, signers, force=force_sign)
            if checkpoint is None:
                return None
        else:
            checkpoint = _append(state, shuffled(pending), now, signers)
            log.info("ledger sealed", extra={"entries": len(pending), "tree_size": checkpoint.size})
        if not witnessed():
            _mark_published(checkpoint, checkpoint.pending_note, [], now, without_quorum=False)
            _after_publish(checkpoint, resigned=resigned)
    # Robust: the seal committed; a receiver's failure (the witnesses' task cannot be queued) is
    # logged, and beat's publishing round picks the checkpoint up.
    transaction.on_commit(
        lambda: checkpoint_sealed.send(sender=Checkpoint, checkpoint=checkpoint, resigned=resigned),
        robust=True,
    )
    return checkpoint


def publish(
    *,
    checkpoint_id: int,
    signed_note: str,
    cosignatures: list[str],
    without_quorum: bool = False,
) -> Checkpoint | None:
    """Publish a checkpoint's pending note `signed_note` with these cosignature lines
    (`— name base64\n`, checked by the caller against the witnesses' keys over that note)
    appended: members are shown it from now on.

    Writes the tiles' `checkpoint` file and sends `checkpoint_published` after commit. Idempotent:
    returns None when that note is no longer pending (published already, or replaced by a re-sign
    while the witnesses were asked: the re-signed note has its own round).
    """
    with transaction.atomic():
        _lock_tree()  # one writer of checkpoints at a time, as the seal
        checkpoint = Checkpoint.objects.filter(pk=checkpoint_id).first()
        if checkpoint is None or checkpoint.pending_note != signed_note:
            return None
        resigned = checkpoint.published_at is not None  # members were told of its size already
        _mark_published(
            checkpoint,
            checkpoint.pending_note,
            cosignatures,
            timezone.now(),
            without_quorum=without_quorum,
        )
        _after_publish(checkpoint, resigned=resigned)
    log.info(
        "checkpoint published",
        extra={
            "tree_size": checkpoint.size,
            "cosignatures": len(cosignatures),
            "without_quorum": without_quorum,
        },
    )
    return checkpoint


def _mark_published(
    checkpoint: Checkpoint,
    signed: str,
    cosignatures: list[str],
    now: datetime,
    *,
    without_quorum: bool,
) -> None:
    for line in cosignatures:
        if not line.endswith("\n") or "\n" in line[:-1] or not line.startswith(note.SIG_PREFIX):
            raise ValueError("a cosignature is one signature line ending in a newline")
    checkpoint.note = signed + "".join(cosignatures)
    note.split(checkpoint.note)  # still one signed note
    checkpoint.pending_note = ""
    checkpoint.published_at = now
    checkpoint.without_quorum = without_quorum
    checkpoint.save(update_fields=["note", "pending_note", "published_at", "without_quorum"])


def _after_publish(checkpoint: Checkpoint, *, resigned: bool) -> None:
    # Tiles first, so members told of the checkpoint find its tiles. Robust: the checkpoint is
    # committed; a failure to write files (disk full) is logged, and the next seal writes them.
    transaction.on_commit(tiles.publish_after_seal, robust=True)
    transaction.on_commit(
        lambda: checkpoint_published.send(
            sender=Checkpoint, checkpoint=checkpoint, resigned=resigned
        )
    )


def seal_backlog() -> int | None:
    """Seal until the outbox is empty (a backlog can be larger than one batch); the tree size at
    the end, or None when there was nothing to seal. What the seal task runs."""
    seal_requests.taken()
    size = None
    while True:
        checkpoint = seal()
        if checkpoint is None or checkpoint.size == size:
            return size
        size = checkpoint.size
        if outbox.is_empty():
            return size


def seal_if_pending() -> int | None:
    """`seal_backlog()` when changes wait in the outbox, else nothing (the beat's sweep: a seal
    task lost after its submission committed delays the seal by seconds, not minutes)."""
    if outbox.is_empty():
        return None
    return seal_backlog()


def _signers() -> list[note.Signer]:
    signers = selectors.current_signers()
    if not signers:
        raise NoSigningKey("no signing key is loaded: run `manage.py keys init`")
    return signers


def _lock_tree() -> TreeState:
    """Take the sealer's lock: the TreeState row. An UPDATE (not only SELECT ... FOR UPDATE) so
    that SQLite, which has no row locks, takes its database write lock here, before any read."""
    TreeState.objects.filter(id=1).update(size=F("size"))
    return TreeState.objects.select_for_update().get(id=1)


def _resign_latest(
    state: TreeState, now: datetime, signers: list[note.Signer], *, force: bool
) -> Checkpoint | None:
    """Nothing pending: a fresh signature on the latest checkpoint when it is old (or `force`)."""
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None or latest.size != state.size:
        return None
    if not force and now - latest.signed_at < resign_after():
        return None
    # The published note stays what members are served until the new one is published.
    latest.pending_note = _sign_checkpoint(state, bytes(latest.root), now, signers)
    latest.signed_at = now
    latest.save(update_fields=["pending_note", "signed_at"])
    log.info("checkpoint re-signed", extra={"tree_size": state.size})
    return latest


def shuffled(pending: list[outbox.PendingChange]) -> list[outbox.PendingChange]:
    """The batch in a random order that keeps each signal's own changes in their order (an add
    before the remove or tier entry that names it): entries of one seal share a timestamp, and
    in queue order a person's hashes would be one contiguous run that links them (issue 17)."""
    slots = list(range(len(pending)))
    random.SystemRandom().shuffle(slots)
    by_signal: dict[int, list[int]] = {}
    for index, row in enumerate(pending):
        by_signal.setdefault(row[3], []).append(index)
    order = [0] * len(pending)
    for indexes in by_signal.values():
        # This signal's changes take its random slots, earliest slot for its earliest change.
        for index, slot in zip(indexes, sorted(slots[i] for i in indexes), strict=True):
            order[slot] = index
    return [pending[i] for i in order]


def _append(
    state: TreeState, pending: list[outbox.PendingChange], now: datetime, signers: list[note.Signer]
) -> Checkpoint:
    """Entries for `pending` after the tree's current end, their tile roots, the signals settled
    in the outbox, the new tree state and its signed checkpoint."""
    compact = merkle.CompactRange.from_bytes(state.size, bytes(state.compact_range))
    active = _active_lthash(state)
    added_digests: list[bytes] = []
    removed_digests: list[bytes] = []
    # A remove leaf names the add entry it undoes: the latest add of its signal.
    targets = _latest_adds([row[3] for row in pending if row[1] != outbox.ADD])
    nodes: list[Node] = []
    tile = merkle.TILE

    def keep_tile_root(level: int, index: int, digest: bytes) -> None:
        if level % tile == 0:
            nodes.append(Node(level=level, index=index, hash=digest))

    in_feed: dict[int, bool] = {}  # signal id -> whether the batch leaves it in the feed
    # signal id -> basis code of its tier element in `active` (from the signal row, then the batch)
    tier_now: dict[int, int] = {}
    tiers_set: dict[int, int] = {}  # signal id -> basis code of its latest tier entry here
    tier_adds: list[bytes] = []
    tier_removes: list[bytes] = []
    timestamp, seq, codes = int(now.timestamp()), state.size, leaves.SIGNAL_TYPE_CODES
    # Hot loop (a quarter of a million times per seal): names bound once, outside it.
    add_kind, tier_kind, entry_add, entry_remove = outbox.ADD, outbox.TIER, Entry.ADD, Entry.REMOVE
    encode_add, encode_remove = leaves.encode_add, leaves.encode_remove
    encode_payload, leaf_hash = wire.encode_payload, merkle.leaf_hash
    # Every remove carries the neutral reason; the real one stays in the signal row (settle).
    removed_code = leaves.REMOVED_CODE
    append_leaf_hash = compact.append_leaf_hash
    # Entries stream to the database while the next ones are computed.
    with storage.entry_writer() as write_entry:
        for (
            _id,
            kind,
            reason,
            signal_id,
            signal_type,
            digest,
            salt,
            quality,
            value,
            tier,
        ) in pending:
            digest = bytes(digest)
            if kind == tier_kind:
                # A tier entry for the signal's current add; none when the batch (or an earlier
                # seal) left it out of the feed, or when it changes nothing.
                basis = leaves.BASIS_CODES[reason]
                old = tier_now.get(signal_id, tier)
                if not in_feed.get(signal_id, signal_id in targets) or old == basis:
                    continue
                if old:
                    tier_removes.append(tier_input(digest, old))
                tier_adds.append(tier_input(digest, basis))
                tier_now[signal_id] = tiers_set[signal_id] = basis
                leaf = leaves.encode_tier(
                    type_code=codes[signal_type],
                    basis_code=basis,
                    timestamp=timestamp,
                    digest=digest,
                    target=targets[signal_id],
                )
                write_entry((seq, Entry.TIER, signal_id, leaf, b"", now))
                if state.first_tier_seq is None:
                    state.first_tier_seq = seq
            elif kind == add_kind:
                leaf = encode_add(type_code=codes[signal_type], timestamp=timestamp, digest=digest)
                payload = (
                    encode_payload(bytes(salt), quality, bytes.fromhex(value)) if value else b""
                )
                targets[signal_id] = seq
                added_digests.append(digest)
                if tier_now.get(signal_id, tier):  # a re-add in this batch starts unreviewed
                    tier_now[signal_id] = 0
                    tiers_set.pop(signal_id, None)
                write_entry((seq, entry_add, signal_id, leaf, payload, now))
                in_feed[signal_id] = True
            else:
                leaf = encode_remove(
                    type_code=codes[signal_type],
                    reason_code=removed_code,
                    timestamp=timestamp,
                    digest=digest,
                    target=targets[signal_id],
                )
                removed_digests.append(digest)
                write_entry((seq, entry_remove, signal_id, leaf, b"", now))
                in_feed[signal_id] = False
                old = tier_now.get(signal_id, tier)
                if old:  # its tier element leaves the state with it
                    tier_removes.append(tier_input(digest, old))
                    tier_now[signal_id] = 0
                    tiers_set.pop(signal_id, None)
            append_leaf_hash(leaf_hash(leaf), keep_tile_root)
            seq += 1
        active.add_many(added_digests)
        active.remove_many(removed_digests)
        active.add_tiers(tier_adds)
        active.remove_tiers(tier_removes)
        # The state entry, last: the active set after every entry before it.
        leaf = leaves.encode_state(timestamp=timestamp, digest=active.digest(), count=active.count)
        write_entry((seq, Entry.STATE, None, leaf, b"", now))
        append_leaf_hash(leaf_hash(leaf), keep_tile_root)
    Node.objects.bulk_create(nodes, batch_size=5000)
    outbox.settle(
        pending,
        added={sid: targets[sid] for sid, present in in_feed.items() if present},
        removed={sid for sid, present in in_feed.items() if not present},
        tiers=tiers_set,
        now=now,
    )

    state.size = compact.size
    state.compact_range = compact.to_bytes()
    state.active_count = active.count
    state.active_digest = active.digest()
    state.lthash = active.to_bytes()
    state.save()
    root = compact.root()
    signed = _sign_checkpoint(state, root, now, signers)
    return Checkpoint.objects.create(
        size=state.size,
        root=root,
        note=signed,
        pending_note=signed,
        active_count=state.active_count,
        active_digest=bytes(state.active_digest),
        created_at=now,
        signed_at=now,
    )


def _active_lthash(state: TreeState) -> LtHash:
    """The active set's LtHash before this seal: kept in the tree state from the switch on; at
    the switch (the first seal with state entries), computed once from the log's leaves."""
    if state.switched:
        return LtHash.from_bytes(state.active_count, bytes(state.lthash))
    active = LtHash.of(
        leaves.decode(leaf).digest for _seq, leaf, _payload in selectors.active_records(state.size)
    )
    if active.count != state.active_count:
        raise RuntimeError(
            f"the log has {active.count} active signals, the tree state {state.active_count}"
        )
    log.info("ledger switched to state entries", extra={"tree_size": state.size})
    return active


def _latest_adds(signal_ids: list[int]) -> dict[int, int]:
    """signal id -> seq of its latest add entry, for the given signals."""
    targets: dict[int, int] = {}
    for chunk in chunks(signal_ids):
        targets.update(
            Entry.objects.filter(signal_id__in=chunk, kind=Entry.ADD)
            .values("signal_id")
            .annotate(last=Max("seq"))
            .values_list("signal_id", "last")
        )
    return targets


def _sign_checkpoint(
    state: TreeState, root: bytes, now: datetime, signers: list[note.Signer]
) -> str:
    body = checkpoints.Checkpoint(
        origin=settings.HASHBANK_ORIGIN,
        size=state.size,
        root=root,
        time=int(now.timestamp()),
        active_count=state.active_count,
        active_digest=bytes(state.active_digest),
        scheme=checkpoints.STATE if state.switched else checkpoints.ACTIVE,
    )
    # A grease signature (as Sunlight's): clients that choke on unknown signatures break at once.
    return note.sign(body.text(), signers, grease=True)


@transaction.atomic
def purge(*, signal: Signal) -> None:
    """Forget a removed signal's value: in the signal and in its entries' disclosed payloads.
    The leaves keep its salted digest, so the log still verifies."""
    signal_services.purge_value(signal=signal)
    Entry.objects.filter(signal_id=signal.pk).update(payload=b"")


def purge_removed(*, removed_before: datetime, now: datetime | None = None) -> int:
    """Purge every value removed from the feed before `removed_before`, not held again since and
    not held back by a `purge_holds` receiver (hashbank.receipts: a member that has not applied
    the removal yet, within the maximum retention); returns how many. Idempotent."""
    now = now or timezone.now()
    stale = list(
        Signal.objects.filter(
            state=Signal.State.REMOVED,
            active_holds=0,
            removed_at__lt=removed_before,
            purged_at=None,
        ).order_by("pk")
    )
    held: set[int] = set()
    for _receiver, kept in purge_holds.send(sender=purge_removed, signals=stale, now=now):
        held |= set(kept or ())
    count = 0
    for signal in stale:
        if signal.pk in held:
            continue
        purge(signal=signal)
        count += 1
    log.info("purged withdrawn values", extra={"count": count, "held": len(held)})
    return count
