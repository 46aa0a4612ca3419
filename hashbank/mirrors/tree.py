"""The mirrored tree's hashes, kept as tlog-tiles hash tiles (MirrorTile rows): extended as
verified entries are stored, read to serve /mirror/<id>/tile/... and to compute proofs with the
feed's storage-agnostic proof functions (merkle.inclusion_path / consistency_path)."""

from __future__ import annotations

from hashbank.mirrors.models import MirroredLog, MirrorTile
from member_portal.feed import merkle
from member_portal.feed import tiles as fmt
from member_portal.feed.sha import sha256

WIDTH = fmt.WIDTH
HASH = fmt.HASH_SIZE


def fold(hashes: list[bytes]) -> bytes:
    """The root of a perfect subtree whose nodes at one height are `hashes` (a power of two):
    merkle.node_hash, inlined (a catch-up folds every 256-entry chunk it stores)."""
    sha = sha256
    while len(hashes) > 1:
        pairs = iter(hashes)
        hashes = [
            sha(b"\x01" + left + right).digest() for left, right in zip(pairs, pairs, strict=True)
        ]
    return hashes[0]


def split(data: bytes) -> list[bytes]:
    return [data[i : i + HASH] for i in range(0, len(data), HASH)]


def extend(
    log: MirroredLog, start: int, leaf_hashes: list[bytes], chunk_roots: list[bytes] | None = None
) -> None:
    """Append the hashes of leaves [start, start+n) to the tiles, every level; in the caller's
    transaction. A level-L tile holds the roots of full level-(L-1) tiles. `chunk_roots`, if
    given, are the roots of the level-0 tiles these hashes complete, in order (the caller folded
    them already to prove them against the origin's tiles)."""
    level, first, items = 0, start, leaf_hashes
    given = chunk_roots is not None
    while items:
        end = first + len(items)
        tile_first, tile_last = first // WIDTH, (end - 1) // WIDTH
        existing = {
            t.index: t
            for t in MirrorTile.objects.filter(
                log=log, level=level, index__in={tile_first, tile_last}
            )
        }
        completed: list[bytes] = []
        completed_first = None
        new_rows, changed = [], []
        for index in range(tile_first, tile_last + 1):
            lo, hi = max(first, index * WIDTH), min(end, (index + 1) * WIDTH)
            row = existing.get(index)
            before = bytes(row.hashes) if row is not None else b""
            if len(before) // HASH != lo - index * WIDTH:
                raise ValueError(f"tile {level}/{index} does not end where the new hashes start")
            data = before + b"".join(items[lo - first : hi - first])
            if row is None:
                new_rows.append(MirrorTile(log=log, level=level, index=index, hashes=data))
            else:
                row.hashes = data
                changed.append(row)
            if len(data) == WIDTH * HASH:
                if completed_first is None:
                    completed_first = index
                completed.append(data if given else fold(split(data)))
        if given:
            if len(chunk_roots) != len(completed):
                raise ValueError("the chunk roots are not those of the completed tiles")
            completed = list(chunk_roots)
            given = False
        MirrorTile.objects.bulk_create(new_rows, batch_size=500)
        if changed:
            MirrorTile.objects.bulk_update(changed, ["hashes"])
        level, first, items = level + 1, completed_first or 0, completed


class Reader:
    """Perfect-subtree hashes of the mirrored tree from its tiles, cached per call."""

    def __init__(self, log: MirroredLog) -> None:
        self.log = log
        self.cache: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, index: int) -> list[bytes]:
        key = (level, index)
        if key not in self.cache:
            row = MirrorTile.objects.filter(log=self.log, level=level, index=index).first()
            if row is None:
                raise merkle.ProofError(f"the mirror has no tile {level}/{index}")
            self.cache[key] = split(bytes(row.hashes))
        return self.cache[key]

    def perfect(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, fmt.HEIGHT)
        first = index << rest  # the subtree's first node at height 8*level
        hashes = self.tile(level, first // WIDTH)
        offset = first % WIDTH
        part = hashes[offset : offset + (1 << rest)]
        if len(part) != 1 << rest:
            raise merkle.ProofError(f"the mirror's tree has no subtree {height}/{index}")
        return fold(part)

    def root(self, size: int) -> bytes:
        if size == 0:
            return merkle.EMPTY_ROOT
        return merkle.subtree_root(0, size, self.perfect)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_path(index, 0, size, self.perfect)

    def consistency(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_path(old, new, self.perfect)
