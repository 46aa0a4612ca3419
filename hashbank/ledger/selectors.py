"""Reads of the ledger: checkpoints, entries, proofs, root documents, snapshots."""

from __future__ import annotations

from typing import BinaryIO

from django.db import connection
from django.db.models import QuerySet

from hashbank.ledger import tree
from hashbank.ledger.models import Checkpoint, Entry, RootDocument, TreeState
from member_portal.feed import merkle, note, rootdoc, wire


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def checkpoint_for_size(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size=size).first()


def checkpoint_at_or_before(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size__lte=size).order_by("-size").first()


def checkpoint_after(size: int) -> Checkpoint | None:
    """The first checkpoint strictly larger than `size`: where an entries page may end."""
    return Checkpoint.objects.filter(size__gt=size).order_by("size").first()


def entries(start: int, end: int) -> QuerySet[Entry]:
    return Entry.objects.filter(seq__gte=start, seq__lt=end).order_by("seq")


def entry_records(start: int, end: int) -> list[tuple[bytes, bytes]]:
    """(leaf, payload) for entries [start, end), fetched without building model objects."""
    return [
        (bytes(leaf), bytes(payload))
        for leaf, payload in entries(start, end).values_list("leaf", "payload").iterator(chunk_size=10000)
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


def public_keys() -> list[str]:
    """The verifier keys (`name+hexid+base64`) of the current root document."""
    root = current_root()
    return [str(key) for key in root.keys] if root else []


def key_states() -> list[dict]:
    """For the staff console: each key of the current root and whether this host holds it."""
    from hashbank.ledger import keys

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


_ACTIVE_AT = """
SELECT e.seq, e.payload, e.leaf FROM ledger_entry e
JOIN (SELECT signal_id, MAX(seq) AS last FROM ledger_entry WHERE seq < %s GROUP BY signal_id) m
  ON e.seq = m.last
WHERE e.kind = 1 ORDER BY e.seq
"""


def active_records(size: int):
    """(add seq, type code, payload) of every signal active at tree size `size`, by seq."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_AT, [size])
        while rows := cursor.fetchmany(20000):
            for seq, payload, leaf in rows:
                yield seq, bytes(leaf)[2], bytes(payload)


def write_snapshot(out: BinaryIO, checkpoint: Checkpoint) -> int:
    """Write the snapshot at `checkpoint` (see member_portal/feed/wire.py); returns bytes written."""
    compact = compact_range_at(checkpoint.size)
    head = wire.encode_snapshot_header(checkpoint.note, compact.to_bytes(), checkpoint.active_count)
    out.write(head)
    written = len(head)
    buffer = bytearray()
    count = 0
    for seq, code, payload in active_records(checkpoint.size):
        count += 1
        buffer += seq.to_bytes(8, "big") + bytes((code,)) + payload[16:17] + payload[:16] + payload[17:]
        if len(buffer) > 1 << 20:
            out.write(buffer)
            written += len(buffer)
            buffer.clear()
    out.write(buffer)
    if count != checkpoint.active_count:
        raise RuntimeError(f"snapshot at {checkpoint.size}: {count} records, checkpoint says {checkpoint.active_count}")
    return written + len(buffer)


def signing_key_ids() -> list[str]:
    from hashbank.ledger import keys

    return [f"{s.key_id:08x}" for s in keys.all_signers()]


def verify_note(text: str) -> bool:
    root = current_root()
    if root is None:
        return False
    try:
        note.open_note(text, list(root.keys))
    except note.NoteError:
        return False
    return True
