"""The integrity audit: recompute the Merkle tree from stored leaves and check every stored
checkpoint (root, active set, signature) and root document, every state entry against the active
set before it, and that from the log's switch (its first state entry) on every checkpoint ends
with a state entry and carries a state line. Tier entries (review tiers) add their elements to
the state, and a remove takes its signal's out. Reports where anything differs."""

from __future__ import annotations

from collections.abc import Callable

from hashbank.ledger.models import Checkpoint, Entry, RootDocument, TreeState
from hashbank.signals.models import Signal
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, rootdoc
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import tier_input


def verify_ledger(progress: Callable[[str], None] = lambda _: None) -> list[str]:
    problems: list[str] = []
    roots = list(RootDocument.objects.order_by("version").values_list("note", flat=True))
    keys: list[note.Verifier] = []
    if roots:
        try:
            trusted = rootdoc.verify_first(roots[0])
            keys = list(trusted.keys)
            for signed in roots[1:]:
                trusted = rootdoc.verify_next(trusted, signed)
                keys += [k for k in trusted.keys if k not in keys]
        except (rootdoc.RootError, note.NoteError) as exc:
            problems.append(f"root documents: {exc}")
    checkpoints_by_size = {c.size: c for c in Checkpoint.objects.order_by("size")}
    compact = merkle.CompactRange()
    active = ActiveSet()
    adds: list[bytes] = []  # digests not yet in active.lthash (expanded a batch at a time)
    removes: list[bytes] = []
    tier_adds: list[bytes] = []
    tier_removes: list[bytes] = []

    def flush() -> None:
        active.lthash.add_many(adds)
        active.lthash.remove_many(removes)
        active.lthash.add_tiers(tier_adds)
        active.lthash.remove_tiers(tier_removes)
        adds.clear()
        removes.clear()
        tier_adds.clear()
        tier_removes.clear()

    expected_seq = 0

    def check_checkpoint(size: int) -> None:
        stored = checkpoints_by_size.get(size)
        if stored is None:
            return
        if bytes(stored.root) != compact.root():
            problems.append(f"checkpoint {size}: stored root differs from the recomputed tree")
        try:
            text, _ = note.open_note(stored.note, keys)
            parsed = checkpoints.parse(text)
        except (note.NoteError, checkpoints.CheckpointError) as exc:
            problems.append(f"checkpoint {size}: signature or format: {exc}")
            return
        if parsed.root != compact.root() or parsed.size != size:
            problems.append(f"checkpoint {size}: signed root differs from the recomputed tree")
        flush()
        if parsed.has_state and not active.ends_with_state:
            problems.append(f"checkpoint {size}: has a state line but its last entry is not one")
        elif active.switched and not parsed.has_state:
            problems.append(f"checkpoint {size}: an active line after the switch to state entries")
        elif parsed.active_count != active.count or parsed.active_digest != active.digest():
            problems.append(
                f"checkpoint {size}: active-set count or digest differs from the leaves"
            )

    check_checkpoint(0)
    rows = Entry.objects.order_by("seq").values_list("seq", "leaf").iterator(chunk_size=20000)
    for seq, raw in rows:
        raw = bytes(raw)
        if seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (next stored entry is {seq})")
            return problems
        try:
            entry = leaves.decode(raw)
        except leaves.LeafError as exc:
            problems.append(f"entry {seq}: {exc}")
            entry = None
        if entry is not None and entry.is_state:
            flush()
            if entry.target != active.count or entry.digest != active.lthash.digest():
                problems.append(f"entry {seq}: state entry differs from the active set before it")
            active.legacy = None
        elif entry is not None and entry.is_tier:
            if entry.target >= seq:
                problems.append(f"entry {seq}: a tier entry names an entry that is not earlier")
            old = active.tiers.get(entry.target)
            if old is not None:
                tier_removes.append(tier_input(entry.digest, old))
            active.tiers[entry.target] = entry.reason_code
            tier_adds.append(tier_input(entry.digest, entry.reason_code))
        elif entry is not None:
            (adds if entry.is_add else removes).append(entry.digest)
            if not entry.is_add and entry.target in active.tiers:
                tier_removes.append(tier_input(entry.digest, active.tiers.pop(entry.target)))
            if active.legacy is not None:
                (active.legacy.add if entry.is_add else active.legacy.remove)(entry.digest)
        if entry is not None:
            active.ends_with_state = entry.is_state
        if len(adds) + len(removes) >= 4096:
            flush()
        compact.append_leaf_hash(merkle.leaf_hash(raw))
        expected_seq += 1
        check_checkpoint(expected_seq)
        if expected_seq % 100000 == 0:
            progress(f"checked {expected_seq} entries")
    state = TreeState.objects.filter(id=1).first()
    if state is not None and (
        state.size != compact.size or bytes(state.compact_range) != compact.to_bytes()
    ):
        problems.append(
            f"tree state: stored size {state.size} or compact range differs from the leaves"
        )
    flush()
    if state is not None and state.switched and bytes(state.lthash) != active.lthash.to_bytes():
        problems.append("tree state: stored LtHash state differs from the leaves")
    problems += _entries_naming_missing_signals()
    progress(f"checked {expected_seq} entries and {len(checkpoints_by_size)} checkpoints")
    return problems


def _entries_naming_missing_signals(limit: int = 10) -> list[str]:
    """Entries carry no database foreign-key constraint (it slowed every seal), so check here."""
    orphans = (
        Entry.objects.exclude(kind=Entry.STATE)
        .exclude(signal_id__in=Signal.objects.values("id"))
        .order_by("seq")
        .values_list("seq", "signal_id")[:limit]
    )
    return [
        f"entry {seq}: names signal {signal_id}, which does not exist" for seq, signal_id in orphans
    ]
