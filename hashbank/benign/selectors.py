"""Reads of the benign list: which submitted hashes are near a benign one, and the queue."""

from __future__ import annotations

import numpy as np

from hashbank.benign.models import BenignHash, HeldMatch

# A PDQ within this many bits of a benign one is held (the members' match distance, 31 of 256);
# md5 and phash values are held when equal.
PDQ_DISTANCE = 31


def near_benign(
    items: list[tuple[str, str, int | None]],
) -> dict[int, tuple[BenignHash, int]]:
    """index in `items` -> (nearest benign hash, distance) for the items that must be held.

    The list is small (thousands at most): PDQs are compared with numpy, all at once."""
    wanted_types = {t for t, _, _ in items}
    benign = list(BenignHash.objects.filter(signal_type__in=wanted_types).order_by("id"))
    if not benign:
        return {}
    found: dict[int, tuple[BenignHash, int]] = {}
    exact = {(b.signal_type, b.value): b for b in benign if b.signal_type != "pdq"}
    for i, (signal_type, value, _quality) in enumerate(items):
        if (signal_type, value) in exact:
            found[i] = (exact[(signal_type, value)], 0)
    pdq_benign = [b for b in benign if b.signal_type == "pdq"]
    pdq_items = [(i, v) for i, (t, v, _) in enumerate(items) if t == "pdq"]
    if pdq_benign and pdq_items:
        table = _words([b.value for b in pdq_benign])
        queries = _words([v for _, v in pdq_items])
        # (queries, benign) Hamming distances: XOR of 4 64-bit words, then popcount.
        distances = np.bitwise_count(queries[:, None, :] ^ table[None, :, :]).sum(axis=2)
        nearest = distances.argmin(axis=1)
        for row, (i, _value) in enumerate(pdq_items):
            distance = int(distances[row, nearest[row]])
            if distance <= PDQ_DISTANCE:
                found[i] = (pdq_benign[int(nearest[row])], distance)
    return found


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
