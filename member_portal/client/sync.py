"""Bootstrap from a snapshot, then follow deltas, verifying everything before it is stored.

The order of every sync: follow the root-of-trust chain, verify the latest checkpoint against the
last one (a smaller tree or a fork at the same size is a rollback and stops the sync), fetch the
entries in between a page at a time, verifying each (member_portal.verify.EntriesVerifier) and
writing its changes inside one transaction that commits only once the Merkle root and the
active-set digest match the checkpoint (so memory holds one page, not the whole delta). Anything
that fails leaves the last good state untouched.

A witness policy (member_portal/feed/policy.py) passed once is stored with the state, and every
later sync holds the bank's checkpoints to its quorum; passing another one replaces it. On a first
sync the latest checkpoint must meet the quorum before a snapshot is even downloaded, and the
snapshot's own checkpoint must meet it too.
"""

from __future__ import annotations

import gzip
import io
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from member_portal.client.bank import Bank, BankError
from member_portal.client.store import Store
from member_portal.feed import cosignature, note, rootdoc, wire
from member_portal.feed import leaf as leaves
from member_portal.feed.policy import Policy
from member_portal.verify import (
    EntriesVerifier,
    FeedState,
    VerificationError,
    trust_root,
    verify_checkpoint,
    verify_snapshot,
)

BATCH = 50_000
Progress = Callable[[int, int], None]  # (done, total)


class ClientError(Exception):
    """A problem with how the client was called or configured (not with the bank's data)."""


@dataclass
class SyncResult:
    bootstrapped: bool
    old_size: int
    size: int
    added: int
    removed: int
    active: int
    checkpoint_time: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def follow_roots(root: rootdoc.RootDocument, published: list[str]) -> rootdoc.RootDocument:
    """Accept newer root documents only through the signed chain from the one we trust."""
    newer = sorted(
        (text for text in published if rootdoc.parse(text).version > root.version),
        key=lambda text: rootdoc.parse(text).version,
    )
    try:
        return rootdoc.verify_chain(root, newer, int(time.time()))
    except (rootdoc.RootError, note.NoteError) as exc:
        raise VerificationError(f"root document: {exc}") from None


def sync(
    store: Store,
    bank: Bank,
    *,
    root_text: str | None = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
    acknowledge: bool = True,
    receipt_key: cosignature.Cosigner | None = None,
) -> SyncResult:
    """One sync. `policy`, when given, is pinned (stored with the state) in place of the one
    stored; without it the stored policy, if any, keeps applying. After the delta is applied (and
    stored), the checkpoint is acknowledged: with `receipt_key`, by a signed receipt."""
    started = time.monotonic()
    state = store.load()
    if policy is None and state is not None:
        policy = state.policy
    if state is None:
        if root_text is None:
            raise ClientError(
                "this state file has never synced: pass --root with the bank's root document "
                "(obtained out of band, e.g. from the bank's website or your onboarding pack)"
            )
        root = trust_root(root_text)
    else:
        root = state.root
    root = follow_roots(root, bank.roots())

    bootstrapped = False
    added = removed = 0
    old_size = 0 if state is None or state.checkpoint is None else state.size
    if state is None or state.checkpoint is None:
        if policy is not None:
            # Refuse an unwitnessed bank before anything is downloaded or stored.
            verify_checkpoint(bank.checkpoint(), root, policy=policy)
        try:
            state, added = bootstrap(store, bank, root, progress, policy)
        except BankError as exc:
            if exc.code != "no_snapshot":
                raise
            # A young bank without a snapshot: replay the log from 0.
            state = FeedState(root, policy=policy)
        bootstrapped = True
    else:
        state = FeedState(
            root, state.checkpoint, state.note, state.compact_range, state.active, policy
        )

    signed = bank.checkpoint()
    state, more_added, removed = apply_delta(store, bank, state, signed)
    added += more_added
    if acknowledge and state.checkpoint is not None:
        send_acknowledgement(bank, state.note, state.size, receipt_key)
    return SyncResult(
        bootstrapped,
        old_size,
        state.size,
        added,
        removed,
        state.active.count,
        state.checkpoint.time,
        round(time.monotonic() - started, 3),
    )


def receipt(signed_note: str, key: cosignature.Cosigner, now: int | None = None) -> str:
    """The receipt for a checkpoint note we applied: the note with our key's tlog-cosignature/v1
    line over its text ("every add and remove up to this size is applied to our matching")."""
    text, _ = note.split(signed_note)
    return cosignature.append(
        signed_note, key.cosign(text, int(time.time()) if now is None else now)
    )


def send_acknowledgement(
    bank: Bank, signed_note: str, size: int, receipt_key: cosignature.Cosigner | None
) -> None:
    """Tell the bank we applied the checkpoint `signed_note` of `size`: a signed receipt with a
    receipt key, else a plain ack. A receipt the bank calls stale (it holds one as new already:
    two syncs in one second) is not an error."""
    if receipt_key is None:
        bank.acknowledge(size)
        return
    try:
        bank.post_receipt(receipt(signed_note, receipt_key))
    except BankError as exc:
        if exc.code != "stale_receipt":
            raise


def bootstrap(
    store: Store,
    bank: Bank,
    root: rootdoc.RootDocument,
    progress: Progress | None = None,
    policy: Policy | None = None,
) -> tuple[FeedState, int]:
    """Download, verify and store the latest snapshot, all in one transaction. With a policy the
    snapshot's own checkpoint must carry its quorum too, like every checkpoint after it: a bank
    that publishes only witnessed checkpoints builds its snapshots from those."""
    response, _length = bank.snapshot()
    with response, store.transaction() as db:
        try:
            # The reader asks for a few bytes at a time: a big buffer keeps that cheap.
            stream = io.BufferedReader(gzip.GzipFile(fileobj=response), 1 << 20)
            reader = wire.SnapshotReader(stream)
        except (wire.WireError, OSError, EOFError) as exc:
            raise VerificationError(f"snapshot: {exc}") from None
        store.clear_active(db)
        total = reader.active_count
        batch: list[tuple] = []
        done = 0

        def on_record(record: wire.ActiveRecord) -> None:
            nonlocal done
            batch.append(
                (
                    record.seq,
                    record.type_code,
                    record.quality,
                    record.salt,
                    record.value,
                    record.basis_code,
                )
            )
            if len(batch) >= BATCH:
                store.insert_active(db, batch)
                done += len(batch)
                batch.clear()
                if progress:
                    progress(done, total)

        try:
            state = verify_snapshot(root, reader, on_record, policy=policy)
        except (OSError, EOFError) as exc:  # a broken gzip stream
            raise VerificationError(f"snapshot: {exc}") from None
        except VerificationError as exc:
            raise VerificationError(f"snapshot's checkpoint: {exc}") from None
        store.insert_active(db, batch)
        if progress:
            progress(total, total)
        store.save(db, state)
    return state, total


def apply_delta(
    store: Store, bank: Bank, state: FeedState, signed: str
) -> tuple[FeedState, int, int]:
    """Verify the entries from our size to the checkpoint `signed` and apply them atomically.

    Page by page, inside one transaction of the state file: each page is verified
    (verify.EntriesVerifier: leaves, values, state entries) and its adds, removes and tiers are
    written to the active table at once, so memory holds one page, never the whole delta (a
    carried origin replayed from its first entry is millions). The transaction commits only once
    the checkpoint's Merkle root and active set check; any failure (or a crash: SQLite rolls an
    unfinished transaction back) leaves the last good state untouched."""
    verifier = EntriesVerifier(state, signed)  # the checkpoint first: nothing fetched before it
    added = removed = 0
    with store.transaction() as db:
        if verifier.checkpoint.size > state.size:
            for page in bank.entries_pages(state.size, verifier.checkpoint.size):
                start, _count = verifier.feed(page)
                try:
                    _, records = wire.decode_entries(page)
                except wire.WireError as exc:
                    raise VerificationError(f"entries: {exc}") from None
                page_added, page_removed = _store_page(store, db, start, records)
                added += page_added
                removed += page_removed
        new_state = verifier.finish()
        store.save(db, new_state)
    return new_state, added, removed


def _store_page(
    store: Store, db, start: int, records: list[tuple[bytes, bytes]]
) -> tuple[int, int]:
    """Write one verified page's changes to the active table (inside the delta's transaction):
    (adds still active at its end, removes). Removes and tiers must name an active add of the same
    signal: one added earlier in this page, or one in the table (an earlier page's included)."""
    removes: list[tuple[int]] = []
    pending: dict[int, tuple] = {}  # adds of this page, in case the page also removes them
    tiers: dict[int, int] = {}  # add seq -> basis of its latest tier entry in this page
    gone: set[int] = set()  # table rows this page removed (no longer active)
    for offset, (raw, payload) in enumerate(records):
        seq = start + offset
        entry = leaves.decode(raw)
        if entry.is_state:
            continue  # verified by the verifier; it changes no signal
        if entry.is_add:
            p = wire.decode_payload(payload)
            row = (
                (seq, entry.type_code, p.quality, p.salt, p.value)
                if p
                else (seq, entry.type_code, None, b"", None)
            )
            pending[seq] = row
        elif entry.is_tier:
            target = pending.get(entry.target) or _table_row(store, entry.target, gone)
            _check_named(seq, entry, target, "sets the tier of")
            tiers[entry.target] = entry.reason_code
        else:
            target = pending.pop(entry.target, None) or _table_row(store, entry.target, gone)
            _check_named(seq, entry, target, "removes")
            removes.append((entry.target,))  # deleting an add of this page deletes nothing
            gone.add(entry.target)
            tiers.pop(entry.target, None)
    adds = [(*row, tiers.pop(row[0], leaves.NO_BASIS)) for row in pending.values()]
    store.remove_active(db, removes)
    store.insert_active(db, adds)
    store.set_basis(db, [(basis, seq) for seq, basis in tiers.items()])
    return len(adds), len(removes)


def _table_row(store: Store, seq: int, gone: set[int]) -> tuple | None:
    return None if seq in gone else store.signal_row(seq)


def _check_named(seq: int, entry: leaves.Leaf, target: tuple | None, verb: str) -> None:
    """A remove or a tier entry must name an active add of the same signal (its digest says
    which)."""
    if target is None:
        raise VerificationError(f"entry {seq}: {verb} entry {entry.target}, which is not active")
    _, type_code, quality, salt, value = target[:5]
    if type_code != entry.type_code:
        raise VerificationError(f"entry {seq}: {verb} entry {entry.target} of another signal type")
    if value is not None:
        digest = leaves.value_digest(salt, leaves.SIGNAL_TYPE_NAMES[type_code], quality, value)
        if digest != entry.digest:
            raise VerificationError(
                f"entry {seq}: {verb} entry {entry.target} but names a different signal"
            )
