"""Reads of the benign list: which submitted hashes are near a benign one, and the queue."""

from __future__ import annotations

import numpy as np
from django.db.models import Q

from hashbank.benign.models import BenignHash, HeldMatch
from hashbank.signals import multiindex

# A PDQ within this many bits of a benign one is held (the members' match distance, 31 of 256);
# md5 and phash values are held when equal.
PDQ_DISTANCE = 31
_CHUNK = 64
# One submitted PDQ looked up through the chunk indexes costs about what reading this many listed
# PDQs does (bench/benign_screen.py: 3 ms, against 70 ms to read 10,000): the screen uses the
# index when the list is longer than this many per submitted PDQ, else reads the list whole.
LISTED_PER_LOOKUP = 1_000
_CHUNK_COLUMNS = [f"c{i}" for i in range(multiindex.CHUNKS)]


def near_benign(
    items: list[tuple[str, str, int | None]],
) -> dict[int, tuple[BenignHash, int]]:
    """index in `items` -> (nearest benign hash, distance) for the items that must be held.

    PDQs are compared with numpy, a chunk of submitted hashes against the whole list at once;
    or, when the list is longer than LISTED_PER_LOOKUP per submitted PDQ, each submitted PDQ
    looks up its probes in the list's indexed chunks (the multi-index of
    hashbank/signals/multiindex.py), so the cost follows the submission, not the list
    (bench/benign_screen.py). Both answer the same."""
    pdqs = sum(1 for t, _, _ in items if t == "pdq")
    if pdqs and BenignHash.objects.filter(signal_type="pdq").count() > LISTED_PER_LOOKUP * pdqs:
        return near_by_index(items)
    return near_by_scan(items)


def near_by_scan(items: list[tuple[str, str, int | None]]) -> dict[int, tuple[BenignHash, int]]:
    """near_benign by reading the list whole (numpy for the PDQs)."""
    wanted_types = {t for t, _, _ in items}
    pdq_items = [(i, v) for i, (t, v, _) in enumerate(items) if t == "pdq"]
    # Plain rows (no model objects): the list is read whole for every submission that has one.
    rows = list(
        BenignHash.objects.filter(signal_type__in=wanted_types)
        .order_by("id")
        .values_list("id", "signal_type", "value")
    )
    if not rows:
        return {}
    hits: dict[int, tuple[int, int]] = {}  # item index -> (benign id, distance)
    exact = {(t, v): pk for pk, t, v in rows if t != "pdq"}
    for i, (signal_type, value, _quality) in enumerate(items):
        if (signal_type, value) in exact:
            hits[i] = (exact[(signal_type, value)], 0)
    pdq_rows = [(pk, v) for pk, t, v in rows if t == "pdq"]
    if pdq_rows and pdq_items:
        table = _words([v for _, v in pdq_rows])
        queries = _words([v for _, v in pdq_items])
        # A chunk of queries against the whole list at a time keeps the (queries, benign, 4)
        # array small (64 x 10,000 x 32 bytes = 20 MB) whatever the sizes.
        for start in range(0, len(queries), _CHUNK):
            chunk = queries[start : start + _CHUNK]
            # Hamming distances: XOR of the 4 64-bit words, then popcount.
            distances = np.bitwise_count(chunk[:, None, :] ^ table[None, :, :]).sum(axis=2)
            nearest = distances.argmin(axis=1)
            for row in range(len(chunk)):
                distance = int(distances[row, nearest[row]])
                if distance <= PDQ_DISTANCE:
                    hits[pdq_items[start + row][0]] = (pdq_rows[int(nearest[row])][0], distance)
    benign = BenignHash.objects.in_bulk({pk for pk, _ in hits.values()})
    return {i: (benign[pk], distance) for i, (pk, distance) in hits.items()}


def near_by_index(items: list[tuple[str, str, int | None]]) -> dict[int, tuple[BenignHash, int]]:
    """near_benign through the chunk indexes: one query per submitted PDQ, one for the others."""
    pdq_items = [(i, v) for i, (t, v, _) in enumerate(items) if t == "pdq"]
    hits: dict[int, tuple[int, int]] = {}  # item index -> (benign id, distance)
    exact = [(i, t, v) for i, (t, v, _) in enumerate(items) if t != "pdq"]
    if exact:
        rows = BenignHash.objects.filter(
            signal_type__in={t for _, t, _ in exact}, value__in={v for _, _, v in exact}
        ).values_list("id", "signal_type", "value")
        found = {(t, v): pk for pk, t, v in rows}
        hits.update({i: (found[(t, v)], 0) for i, t, v in exact if (t, v) in found})
    for i, value in pdq_items:
        query = multiindex.chunks(value)
        match = Q()
        for position, probes in multiindex.plan(value, PDQ_DISTANCE).items():
            match |= Q(**{f"{_CHUNK_COLUMNS[position]}__in": probes})
        # Chunks are null but for PDQs. No `signal_type` term: SQLite would then read every PDQ
        # through the (signal_type, value) index instead of the chunks' indexes.
        rows = BenignHash.objects.filter(match).values_list("id", *_CHUNK_COLUMNS)
        near = [(multiindex.distance_of(row[1:], query), row[0]) for row in rows]
        best = min((pair for pair in near if pair[0] <= PDQ_DISTANCE), default=None)
        if best is not None:
            hits[i] = (best[1], best[0])
    benign = BenignHash.objects.in_bulk({pk for pk, _ in hits.values()})
    return {i: (benign[pk], distance) for i, (pk, distance) in hits.items()}


def _words(values: list[str]) -> np.ndarray:
    return np.frombuffer(b"".join(bytes.fromhex(v) for v in values), dtype=">u8").reshape(-1, 4)


def held_queue(limit: int = 200) -> list[HeldMatch]:
    """Undecided held hashes, oldest first."""
    return list(
        HeldMatch.objects.filter(decided_at=None)
        .select_related("benign")
        .order_by("created_at")[:limit]
    )


def held_for(case_signal_id: int) -> HeldMatch | None:
    return HeldMatch.objects.filter(case_signal_id=case_signal_id).select_related("benign").first()


def benign_list(limit: int = 500) -> list[BenignHash]:
    return list(BenignHash.objects.order_by("-created_at")[:limit])
