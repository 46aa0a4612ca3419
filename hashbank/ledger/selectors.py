"""Reads of the ledger: checkpoints, entries, proofs, root documents, snapshots.

`latest_checkpoint` and `checkpoint_for_size` see only PUBLISHED checkpoints (models.Checkpoint):
everything members are shown goes through them. `latest_sealed` and `unpublished_since` are the
bank's own view, for hashbank.publishing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import QuerySet

from hashbank.core.db import fetch
from hashbank.ledger import keys, tree
from hashbank.ledger.models import Checkpoint, Entry, RootDocument, TreeState
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, rootdoc, wire


def published() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(published_at__isnull=False)


def latest_checkpoint() -> Checkpoint | None:
    """The latest published checkpoint: what members are shown."""
    return published().order_by("-size").first()


def latest_size() -> int | None:
    """The size of the latest published checkpoint, without loading it (answers that only say
    how far the log is). Hand-written (core.db.fetch): every member's poll asks it."""
    return fetch(_LATEST_SIZE, {})[0][0]


_TABLE = Checkpoint._meta.db_table
_LATEST_SIZE = f"SELECT MAX(size) FROM {_TABLE} WHERE published_at IS NOT NULL"
# A checkpoint's publication, and the latest published size beside it (a receipt's answer says
# how far the log is: one statement for both).
_VERSION = (
    f"SELECT published_at, root, ({_LATEST_SIZE}) FROM {_TABLE} "
    "WHERE size = %(size)s AND published_at IS NOT NULL"
)


@dataclass(frozen=True)
class ServedCheckpoint:
    """A published checkpoint as members are served it, its note split once."""

    size: int
    root: bytes
    note: str
    text: str  # the note without its signature lines: what a cosignature signs


# size -> ((publication time, root) as read, the checkpoint): a re-sign or a publication gives it
# a new time, so an entry is used only while its row still has that time (and root: another
# database, in tests, may hold another tree of that size).
_served: dict[int, tuple[object, ServedCheckpoint]] = {}
SERVED_KEPT = 64  # sizes kept per process: the latest and the few members are still behind on


def served_checkpoint(size: int) -> ServedCheckpoint | None:
    """The published checkpoint of `size` (None when there is none), by one statement that
    reads no note: its note is loaded and split once per process and publication (a receipt is
    checked against it, receipts.services), again only once it was re-signed or published anew."""
    return served_checkpoint_and_latest_size(size)[0]


def served_checkpoint_and_latest_size(size: int) -> tuple[ServedCheckpoint | None, int | None]:
    """`served_checkpoint(size)` and, read in the same statement, `latest_size()` (None when
    there is no published checkpoint of `size`)."""
    if not 0 <= size < 2**63:
        return None, None
    rows = fetch(_VERSION, {"size": size})
    if not rows:
        return None, None
    version, latest = (rows[0][0], bytes(rows[0][1])), rows[0][2]
    kept = _served.get(size)
    if kept is not None and kept[0] == version:
        return kept[1], latest
    checkpoint = checkpoint_for_size(size)
    if checkpoint is None:
        return None, None
    served = ServedCheckpoint(
        size=size,
        root=bytes(checkpoint.root),
        note=checkpoint.note,
        text=note.split(checkpoint.note)[0],
    )
    if len(_served) >= SERVED_KEPT:
        _served.pop(min(_served))
    _served[size] = (version, served)
    return served, latest


def checkpoint_for_size(size: int) -> Checkpoint | None:
    """The published checkpoint of this size (None when there is none, or it is not published)."""
    return published().filter(size=size).first()


def latest_sealed() -> Checkpoint | None:
    """The latest checkpoint sealed, published or not."""
    return Checkpoint.objects.order_by("-size").first()


def checkpoint_by_id(pk: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(pk=pk).first()


def unpublished_since() -> Checkpoint | None:
    """The oldest signed note still waiting to be published after the latest published one: the
    first checkpoint sealed past it, or the latest one's pending re-sign; None when none waits."""
    latest = latest_checkpoint()
    newer = Checkpoint.objects.order_by("size")
    if latest is not None:
        if latest.pending_note and latest.size == getattr(latest_sealed(), "size", None):
            return latest
        newer = newer.filter(size__gt=latest.size)
    return newer.exclude(pending_note="").first()


def entries(start: int, end: int) -> QuerySet[Entry]:
    return Entry.objects.filter(seq__gte=start, seq__lt=end).order_by("seq")


def entry_records(start: int, end: int) -> list[tuple[bytes, bytes]]:
    """(leaf, payload) for entries [start, end), fetched without building model objects."""
    return [
        (bytes(leaf), bytes(payload))
        for leaf, payload in entries(start, end)
        .values_list("leaf", "payload")
        .iterator(chunk_size=10000)
    ]


def entries_page(start: int, end: int) -> bytes:
    return wire.encode_entries(start, entry_records(start, end))


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return tree.inclusion_proof(index, size)


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return tree.consistency_proof(old_size, new_size)


def root_documents() -> list[str]:
    """Every root document, oldest first: a member follows the chain from the one it trusts."""
    return list(RootDocument.objects.order_by("version").values_list("note", flat=True))


def current_root() -> rootdoc.RootDocument | None:
    latest = RootDocument.objects.order_by("-version").first()
    return rootdoc.parse(latest.note) if latest else None


def current_signers() -> list[note.Signer]:
    """The private keys this host holds that the current root document lists: what the bank signs
    with (its checkpoints, and its signed origins list)."""
    signers = keys.all_signers()
    root = current_root()
    if root is not None:
        valid = {v.key_id for v in root.keys}
        signers = [s for s in signers if s.key_id in valid]
    return signers


def public_keys() -> list[str]:
    """The verifier keys (`name+hexid+base64`) of the current root document."""
    root = current_root()
    return [str(key) for key in root.keys] if root else []


def key_states() -> list[dict]:
    """For the staff console: each key of the current root and whether this host holds it."""
    root = current_root()
    loaded = {s.key_id for s in keys.all_signers()}
    if root is None:
        return []
    return [
        {"key": str(v), "key_id": f"{v.key_id:08x}", "loaded": v.key_id in loaded}
        for v in root.keys
    ]


def compact_range_at(size: int) -> merkle.CompactRange:
    state = TreeState.objects.filter(id=1).first()
    if state is not None and state.size == size:
        return merkle.CompactRange.from_bytes(size, bytes(state.compact_range))
    perfect = tree.make_perfect()
    hashes, start = [], 0
    for bit in reversed(range(size.bit_length())):
        if size & (1 << bit):
            hashes.append(perfect(bit, start >> bit))
            start += 1 << bit
    return merkle.CompactRange(size, hashes)


_ACTIVE_AT = f"""
SELECT e.seq, e.payload, e.leaf FROM ledger_entry e
JOIN (SELECT signal_id, MAX(seq) AS last FROM ledger_entry
      WHERE seq < %s AND kind IN ({Entry.ADD}, {Entry.REMOVE}) GROUP BY signal_id) m
  ON e.seq = m.last
WHERE e.kind = {Entry.ADD} ORDER BY e.seq
"""

_TIERS_AT = f"""
SELECT e.leaf FROM ledger_entry e
JOIN (SELECT signal_id, MAX(seq) AS last FROM ledger_entry
      WHERE seq < %s AND kind = {Entry.TIER} GROUP BY signal_id) m
  ON e.seq = m.last
"""


def active_records(size: int):
    """(add seq, leaf, payload) of every signal active at tree size `size`, by seq."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_AT, [size])
        while rows := cursor.fetchmany(20000):
            for seq, payload, leaf in rows:
                yield seq, bytes(leaf), bytes(payload)


def tiers_at(size: int) -> dict[int, int]:
    """add seq -> basis code of the latest tier entry before `size` naming it, for every add a
    tier entry names (callers keep those of the adds still active)."""
    tiers: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_TIERS_AT, [size])
        for (raw,) in cursor.fetchall():
            leaf = leaves.decode(bytes(raw))
            tiers[leaf.target] = leaf.reason_code
    return tiers


def has_tiers(size: int) -> bool:
    """Whether the log has a tier entry before `size` (its snapshots are then v3)."""
    state = TreeState.objects.filter(id=1).first()
    return state is not None and state.first_tier_seq is not None and state.first_tier_seq < size


# The signal type codes of the leaves (member_portal/feed/leaf.py), as SQL. No ELSE: a type the
# feed has no code for makes its record NULL, which string_agg skips, so the record count no
# longer matches the checkpoint and write_snapshot refuses the snapshot.
_TYPE_CODE_SQL = (
    "CASE signal_type "
    + " ".join(f"WHEN '{name}' THEN {code}" for name, code in leaves.SIGNAL_TYPE_CODES.items())
    + " END"
)

# The latest checkpoint's snapshot records, built by PostgreSQL itself (wire.encode_active_record:
# add seq u64 | type code u8 | quality u8 | (v3: basis u8) | salt | value) and aggregated into
# ~1 MB chunks, so Python only copies bytes: this is what lets a 1M-signal snapshot stream at disk
# speed.
_LATEST_RECORDS_PG = f"""
SELECT string_agg(rec, ''::bytea ORDER BY add_seq), count(*) FROM (
  SELECT add_seq, int8send(add_seq)
    || decode(lpad(to_hex({_TYPE_CODE_SQL}), 2, '0')
              || lpad(to_hex(coalesce(quality, {leaves.NO_QUALITY})), 2, '0'){{tier}}, 'hex')
    || salt || decode(value, 'hex') AS rec
  FROM signals_signal WHERE state = 'active'
) r GROUP BY add_seq / 16384 ORDER BY add_seq / 16384
"""


def write_snapshot(out: BinaryIO, checkpoint: Checkpoint) -> int:
    """Write the snapshot at `checkpoint` (see member_portal/feed/wire.py); returns bytes written:
    v2 ("HBS2") when its last entry is a state entry (after the switch), v1 before; v3 ("HBS3",
    records with their tiers) once a tier entry precedes it.

    For the latest checkpoint the active set is read from the signals table while the sealer's
    lock is held in share mode (no seal can commit in between); older checkpoints replay the log.
    """
    with transaction.atomic():
        latest = _tree_size_locked_for_share() == checkpoint.size
        last = entries(checkpoint.size - 1, checkpoint.size).filter(kind=Entry.STATE).first()
        if last is None:  # before the log's switch: v1, the compact range of the whole tree
            compact = compact_range_at(checkpoint.size)
            head = wire.encode_snapshot_header(
                checkpoint.note, compact.to_bytes(), checkpoint.active_count
            )
        else:  # v2 or v3: the range of all but the last entry, then that state entry's leaf
            compact = compact_range_at(checkpoint.size - 1)
            head = wire.encode_snapshot_header(
                checkpoint.note,
                compact.to_bytes(),
                checkpoint.active_count,
                bytes(last.leaf),
                tiers=has_tiers(checkpoint.size),
            )
        tiered = head.startswith(wire.SNAPSHOT_V3_MAGIC)
        out.write(head)
        written = len(head)
        if latest and connection.vendor == "postgresql":
            chunks = _latest_chunks(tiered)
        else:
            chunks = _replayed_chunks(checkpoint.size, tiered)
        count = 0
        for chunk, n in chunks:
            out.write(chunk)
            written += len(chunk)
            count += n
    if count != checkpoint.active_count:
        raise RuntimeError(
            f"snapshot at {checkpoint.size}: {count} records, checkpoint says "
            f"{checkpoint.active_count}"
        )
    return written


def _tree_size_locked_for_share() -> int | None:
    """The tree size, with the sealer's row locked in share mode on PostgreSQL until commit."""
    suffix = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT size FROM ledger_treestate WHERE id = 1{suffix}")
        row = cursor.fetchone()
    return row[0] if row else None


def _latest_chunks(tiered: bool):
    tier = " || lpad(to_hex(tier_basis::integer), 2, '0')" if tiered else ""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")  # sort the active set in memory
        cursor.execute(_LATEST_RECORDS_PG.format(tier=tier))
        while rows := cursor.fetchmany(16):
            for chunk, count in rows:
                yield bytes(chunk), count


def _replayed_chunks(size: int, tiered: bool):
    buffer = bytearray()
    count = 0
    record = wire.active_record_from_entry
    tiers = tiers_at(size) if tiered else {}
    for seq, leaf, payload in active_records(size):
        count += 1
        buffer += record(seq, leaf, payload, tiers.get(seq, 0) if tiered else None)
        if len(buffer) > 1 << 20:
            yield bytes(buffer), count
            buffer.clear()
            count = 0
    yield bytes(buffer), count


def verify_note(text: str) -> bool:
    root = current_root()
    if root is None:
        return False
    try:
        note.open_note(text, list(root.keys))
    except note.NoteError:
        return False
    return True


def removal_entries(signal_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """signal id -> (seq, sealed at) of the latest remove entry of each signal that has one (the
    receipts app counts who applied a removal from these)."""
    rows = (
        Entry.objects.filter(signal_id__in=signal_ids, kind=Entry.REMOVE)
        .order_by("signal_id", "-seq")
        .values_list("signal_id", "seq", "created_at")
    )
    found: dict[int, tuple[int, datetime]] = {}
    for signal_id, seq, at in rows:
        found.setdefault(signal_id, (seq, at))
    return found


def removals_from(start: int, limit: int) -> list[tuple[int, datetime]]:
    """(seq, sealed at) of the first `limit` remove entries from sequence `start` on."""
    rows = Entry.objects.filter(seq__gte=start, kind=Entry.REMOVE).order_by("seq")
    return list(rows.values_list("seq", "created_at")[:limit])


def entry_leaf(seq: int) -> bytes | None:
    leaf = Entry.objects.filter(seq=seq).values_list("leaf", flat=True).first()
    return None if leaf is None else bytes(leaf)
