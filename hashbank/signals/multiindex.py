"""Multi-index hashing for PDQ within a distance (Norouzi, Punjani and Fleet): pure, no Django.

A 256-bit PDQ is cut into CHUNKS chunks of CHUNK_BITS bits, each stored in its own indexed
column (signals.models.PdqChunks). To find every hash within `distance` bits of a query, probe
some chunks for the values within a radius r_i of the query's chunk i; any hash within the
distance matches at least one probe when the radii satisfy

    sum over probed chunks of (r_i + 1)  >  distance

(pigeonhole: a hash that matched no probe differs in at least r_i + 1 bits in every probed chunk,
so in more than `distance` bits in all). With every chunk probed at radius floor(distance / 16)
that is the textbook rule; spreading the budget `distance + 1` evenly, as `plan` does, probes
fewer values: distance 0 probes one chunk for one value, 31 every chunk at radius 1 (17 values
each), 32 one chunk at radius 2 and fifteen at radius 1 (392 values, not 2,192). The candidates
are then filtered by their exact distance (`distance_of`), which the chunks give on their own.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

CHUNKS = 16
CHUNK_BITS = 16
_HEX_PER_CHUNK = CHUNK_BITS // 4


def chunks(value: str) -> tuple[int, ...]:
    """The CHUNKS chunks of a PDQ (64 hex digits), most significant first."""
    if len(value) != CHUNKS * _HEX_PER_CHUNK:
        raise ValueError("a PDQ is 64 hexadecimal digits")
    return tuple(
        int(value[i : i + _HEX_PER_CHUNK], 16) for i in range(0, len(value), _HEX_PER_CHUNK)
    )


def distance_of(left: tuple[int, ...], right: tuple[int, ...]) -> int:
    """The Hamming distance between two PDQs given as chunks."""
    return sum((a ^ b).bit_count() for a, b in zip(left, right, strict=True))


def neighbours(chunk: int, radius: int) -> list[int]:
    """Every CHUNK_BITS-bit value within `radius` bits of `chunk`, `chunk` first."""
    found = [chunk]
    for flips in range(1, radius + 1):
        for bits in combinations(range(CHUNK_BITS), flips):
            mask = 0
            for bit in bits:
                mask |= 1 << bit
            found.append(chunk ^ mask)
    return found


def radii(distance: int) -> list[int]:
    """The radius to probe each chunk at (-1: not probed), so that sum(r + 1) > distance."""
    if not 0 <= distance < CHUNKS * (CHUNK_BITS + 1):
        raise ValueError(f"distance must be from 0 to {CHUNKS * (CHUNK_BITS + 1) - 1}")
    whole, extra = divmod(distance + 1, CHUNKS)
    return [whole if i < extra else whole - 1 for i in range(CHUNKS)]


def plan(value: str, distance: int) -> dict[int, list[int]]:
    """chunk position -> the values to look up in that chunk's column, for PDQs within
    `distance` bits of `value`. Every such PDQ has at least one chunk among these values."""
    query = chunks(value)
    return {
        position: neighbours(query[position], radius)
        for position, radius in enumerate(radii(distance))
        if radius >= 0
    }


def probe_count(distance: int) -> int:
    """How many values `plan` looks up for this distance (whatever the value)."""
    return sum(
        sum(comb(CHUNK_BITS, k) for k in range(radius + 1))
        for radius in radii(distance)
        if radius >= 0
    )
