"""A mirrored origin's snapshot, built from what the mirror stores (docs/feed-format.md 6.2:
"HBS1", "HBS2" or "HBS3", exactly the origin's own format), so a member of this bank bootstraps
a carried origin without replaying every entry. The member API builds it on the first request
for the mirror's (size, `basis`) and serves that file after (member_portal/api/services.py).

Sound because it needs nothing but the origin's bytes: the head is the mirrored checkpoint note
(the origin's signatures kept), the compact range comes from the mirror's hash tiles of the
origin's tree, the state leaf is the origin's last leaf, and the records are the origin's add
leaves and payloads of the active set at that size (replayed from the origin's leaves: adds not
removed, each with the basis of its latest tier entry). The member's verifier checks all of it
against the origin's signed checkpoint (root, state commitment, count) with the origin's keys;
the mirror's word counts for nothing. When the mirror cannot give the active set at its size
(a catch-up beyond it blanked a value meanwhile) it builds none, and members replay the entries.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from hashbank.mirrors import tree
from hashbank.mirrors.models import MirroredLog, MirrorEntry
from member_portal.feed import leaf as leaf_format
from member_portal.feed import merkle, wire

CHUNK_ROWS = 10_000


def _compact_range(log: MirroredLog, size: int) -> merkle.CompactRange:
    reader = tree.Reader(log)
    hashes, offset = [], 0
    for height in range(size.bit_length() - 1, -1, -1):
        if size >> height & 1:
            hashes.append(reader.perfect(height, offset >> height))
            offset += 1 << height
    return merkle.CompactRange(size, hashes)


def _leaves(log: MirroredLog, size: int):
    rows = MirrorEntry.objects.filter(log=log, seq__lt=size).order_by("seq")
    return rows.values_list("seq", "leaf").iterator(chunk_size=CHUNK_ROWS)


def basis(log: MirroredLog) -> str:
    """What the snapshot at the mirrored size depends on besides the size, for a cache of it
    (member_portal/api/services.py): the stored note (a re-signed one, or one with more
    cosignatures, is a new head) and how far entries are stored (`verified_size`: a catch-up
    beyond the size blanks the values of adds its remove entries take out, which a snapshot
    at the size carries; values are blanked only as entries are stored, and it only grows)."""
    note_digest = hashlib.sha256(log.checkpoint_note.encode()).hexdigest()[:32]
    return f"{log.verified_size}-{note_digest}"


def write_snapshot(log: MirroredLog, out: BinaryIO) -> int | None:
    """Write the snapshot at the mirrored size (uncompressed bytes to `out`); its size, or None
    when there is none to build (an empty mirror, or one whose values moved on meanwhile: the
    caller then discards what was written, as the origins port's snapshot view does)."""
    size, note_text = log.size, log.checkpoint_note
    if not size or not note_text:
        return None
    removed: set[int] = set()
    tiers: dict[int, int] = {}
    adds = 0
    last = b""
    for _seq, raw in _leaves(log, size):
        raw = bytes(raw)
        last = raw
        kind = raw[1]
        if kind == leaf_format.ADD:
            adds += 1
        elif kind == leaf_format.REMOVE:
            removed.add(int.from_bytes(raw[44:52], "big"))
        elif kind == leaf_format.TIER:
            tiers[int.from_bytes(raw[44:52], "big")] = raw[3]
    ends_with_state = bool(last) and last[1] == leaf_format.STATE
    tiered = bool(tiers)
    if tiered and not ends_with_state:
        return None  # not a shape the origin writes (a tier entry comes after the switch)
    active = adds - len(removed)
    if ends_with_state:
        head = wire.encode_snapshot_header(
            note_text,
            _compact_range(log, size - 1).to_bytes(),
            active,
            last,
            tiers=tiered,
        )
    else:
        head = wire.encode_snapshot_header(note_text, _compact_range(log, size).to_bytes(), active)
    out.write(head)
    records = bytearray()
    count = 0
    rows = (
        MirrorEntry.objects.filter(log=log, seq__lt=size)
        .order_by("seq")
        .values_list("seq", "leaf", "value")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for seq, raw, value in rows:
        if raw[1] != leaf_format.ADD or seq in removed:
            continue
        if not value:
            return None  # blanked by a removal the mirror stored beyond its size: the caller
            # discards what was written
        basis = tiers.get(seq, leaf_format.NO_BASIS) if tiered else None
        records += wire.active_record_from_entry(seq, bytes(raw), bytes(value), basis)
        count += 1
        if len(records) > 1 << 20:
            out.write(records)
            records.clear()
    out.write(records)
    return size if count == active else None
