"""C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the log as static files anyone can cache.

Under a prefix: `checkpoint` (the signed note), `tile/<L>/<N>[.p/<W>]` and
`tile/entries/<N>[.p/<W>]`.

- A level-L tile holds up to 256 consecutive hashes at height 8L of the Merkle tree: level 0 the
  leaf hashes, level 1 the roots of full level-0 tiles, and so on. A full tile is 256 hashes
  (8,192 bytes); the rightmost tile of a level is partial, of width W = 1..255, while the tree
  does not fill it.
- The entry bundle N holds the entries of level-0 tile N, each `u16 length || entry` (ours are the
  52-byte leaves of leaf.py).
- N is written in groups of three digits, all but the last prefixed `x` (1234067 ->
  `x001/x234/067`), so no directory holds more than 1,000 names.

Full tiles never change; a partial tile of width W at index N is a prefix of the full tile N, so
a client that finds no partial tile may read the full one (the log may have grown past it).
Django-free, standard library only: the bank writes these files, members read them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from member_portal.feed import merkle

HEIGHT = merkle.TILE  # 8: a tile spans 8 levels of the tree
WIDTH = 1 << HEIGHT  # 256 hashes or entries in a full tile
HASH_SIZE = 32
MAX_ENTRY = 0xFFFF
ENTRIES = "entries"

_LENGTH = struct.Struct(">H")
# The path grammar, exactly: every group of three digits but the last prefixed with x, a level
# of at most two digits or `entries`, an optional `.p/<1..255>` without leading zeros.
_PATH = re.compile(
    r"tile/(?P<level>0|[1-9][0-9]?|entries)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5]))?"
)


class TileError(ValueError):
    """A tile, bundle or path that is malformed, or that disagrees with the checkpoint."""


class TileMissing(TileError):
    """The log has no such file (any more)."""


@dataclass(frozen=True, slots=True)
class Tile:
    """One file of the tile tree: `level` is an int, or ENTRIES for an entry bundle; width 256
    means a full tile."""

    level: int | str
    index: int
    width: int = WIDTH

    @property
    def is_full(self) -> bool:
        return self.width == WIDTH

    @property
    def path(self) -> str:
        return tile_path(self.level, self.index, self.width)


def encode_index(index: int) -> str:
    """1234067 -> `x001/x234/067`; 5 -> `005`."""
    if index < 0:
        raise TileError("a tile index is not negative")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([f"x{g}" for g in groups[:-1]] + groups[-1:])


def tile_path(level: int | str, index: int, width: int = WIDTH) -> str:
    """The path of a tile (under the log's prefix): `tile/<L>/<N>[.p/<W>]`."""
    if not 1 <= width <= WIDTH:
        raise TileError(f"a tile is 1 to {WIDTH} wide, not {width}")
    if level != ENTRIES and not (isinstance(level, int) and 0 <= level < 64):
        raise TileError(f"invalid tile level {level!r}")
    suffix = "" if width == WIDTH else f".p/{width}"
    return f"tile/{level}/{encode_index(index)}{suffix}"


def parse_path(path: str) -> Tile:
    """The tile a path names; TileError for anything outside the tlog-tiles grammar."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError("not a tlog-tiles path")
    index = int(match["index"].replace("x", "").replace("/", ""))
    level = match["level"]
    width = int(match["width"]) if match["width"] else WIDTH
    tile = Tile(ENTRIES if level == ENTRIES else int(level), index, width)
    if tile.path != path:  # e.g. a superfluous leading group x000/
        raise TileError("not the canonical path of a tile")
    return tile


def level_widths(size: int) -> Iterator[tuple[int, int]]:
    """(level, number of hashes at height 8*level) for every level that has tiles."""
    level, count = 0, size
    while count:
        yield level, count
        level += 1
        count >>= HEIGHT


def tiles_for_size(size: int, *, start: int = 0) -> Iterator[Tile]:
    """The hash tiles of a tree of `size` leaves (full tiles, then the partial one, per level),
    leaving out those that a tree of `start` leaves already had in full: what a writer adds when
    the tree grows from `start` to `size`."""
    for level, count in level_widths(size):
        first = (start >> (HEIGHT * level)) // WIDTH
        full, rest = divmod(count, WIDTH)
        for index in range(first, full):
            yield Tile(level, index)
        if rest:
            yield Tile(level, full, rest)


def bundles_for_size(size: int, *, start: int = 0) -> Iterator[Tile]:
    """The entry bundles of a log of `size` entries (those after `start`'s full bundles)."""
    full, rest = divmod(size, WIDTH)
    for index in range(start // WIDTH, full):
        yield Tile(ENTRIES, index)
    if rest:
        yield Tile(ENTRIES, full, rest)


def encode_tile(hashes: Iterable[bytes]) -> bytes:
    data = b"".join(hashes)
    if not data or len(data) % HASH_SIZE or len(data) > WIDTH * HASH_SIZE:
        raise TileError("a tile is 1 to 256 hashes of 32 bytes")
    return data


def decode_tile(data: bytes, width: int) -> list[bytes]:
    if len(data) != width * HASH_SIZE:
        raise TileError(f"a tile of width {width} is {width * HASH_SIZE} bytes, not {len(data)}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise TileError("an entry is at most 65,535 bytes")
        parts.append(_LENGTH.pack(len(entry)))
        parts.append(entry)
    if not 1 <= len(parts) // 2 <= WIDTH:
        raise TileError("an entry bundle holds 1 to 256 entries")
    return b"".join(parts)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise TileError("an entry bundle ends inside a length")
        (length,) = _LENGTH.unpack_from(data, offset)
        offset += 2
        if offset + length > len(data):
            raise TileError("an entry bundle ends inside an entry")
        entries.append(data[offset : offset + length])
        offset += length
    if len(entries) != width:
        raise TileError(f"an entry bundle of width {width} holds {len(entries)} entries")
    return entries


def _fold(hashes: list[bytes]) -> bytes:
    """The root of a perfect subtree over a power-of-two number of hashes."""
    while len(hashes) > 1:
        hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


Fetch = Callable[[str], bytes | None]


def tile_width(size: int, level: int | str, index: int) -> int:
    """The width of tile (level, index) in a tree of `size` leaves (256 for a full tile)."""
    count = size if level == ENTRIES else size >> (HEIGHT * level)
    if not 0 <= index * WIDTH < count:
        raise TileError(f"the tree of size {size} has no tile {level}/{index}")
    return min(WIDTH, count - index * WIDTH)


def fetch_tile(fetch: Fetch, size: int, level: int | str, index: int) -> bytes:
    """A tile as a tree of `size` leaves has it; when only the full tile is left (the log grew
    and dropped the partial one), its prefix."""
    width = tile_width(size, level, index)
    data = fetch(tile_path(level, index, width))
    if data is None and width < WIDTH:
        data = fetch(tile_path(level, index))
        if data is not None:
            data = _prefix(data, level, width)
    if data is None:
        raise TileMissing(f"tile {tile_path(level, index, width)} is missing")
    return data


def tile_hashes(fetch: Fetch, size: int, level: int, index: int) -> list[bytes]:
    """The hashes of tile (level, index) as a tree of `size` leaves has it (unchecked). An older
    tree's partial tile above level 0 may be gone with no full tile yet: its hashes are then the
    roots of the full tiles below it."""
    width = tile_width(size, level, index)
    try:
        return decode_tile(fetch_tile(fetch, size, level, index), width)
    except TileMissing:
        if level == 0 or width == WIDTH:
            raise
    first = index * WIDTH
    return [_fold(tile_hashes(fetch, size, level - 1, j)) for j in range(first, first + width)]


def _prefix(data: bytes, level: int | str, width: int) -> bytes:
    if level != ENTRIES:
        return data[: width * HASH_SIZE]
    offset = 0
    for _ in range(width):
        if offset + 2 > len(data):
            raise TileError("an entry bundle ends inside a length")
        offset += 2 + _LENGTH.unpack_from(data, offset)[0]
    return data[:offset]


def edge_tiles(size: int, fetch: Fetch) -> tuple[bytes, dict[tuple[int, int], list[bytes]]]:
    """The root of the tree of `size` leaves computed from the rightmost (partial) tile of each
    level, and those tiles' hashes. Top level first: it holds the largest subtrees."""
    if not size:
        return merkle.EMPTY_ROOT, {}
    subtrees: list[bytes] = []
    edge: dict[tuple[int, int], list[bytes]] = {}
    for level, count in reversed(list(level_widths(size))):
        rest = count % WIDTH
        if not rest:
            continue
        index = count // WIDTH
        hashes = tile_hashes(fetch, size, level, index)
        edge[(level, index)] = hashes
        offset = 0
        for bit in reversed(range(HEIGHT)):
            if rest & (1 << bit):
                subtrees.append(_fold(hashes[offset : offset + (1 << bit)]))
                offset += 1 << bit
    digest = subtrees[-1]
    for left in reversed(subtrees[:-1]):
        digest = merkle.node_hash(left, digest)
    return digest, edge


def root_from_tiles(size: int, fetch: Fetch) -> bytes:
    """The root of the tree of `size` leaves, computed from its tiles alone."""
    return edge_tiles(size, fetch)[0]


class TileReader:
    """Tiles of a checkpoint's tree, each checked against the checkpoint's root before use.

    `fetch(path)` returns a file's bytes, or None when there is none (HTTP 404). The reader first
    recomputes the root from the rightmost (partial) tile of each level: every hash of those
    tiles takes part, so once the root matches they are all proven. Any other tile is full, and
    is proven by folding it to its root and finding that root in its (proven) parent tile.
    """

    def __init__(self, size: int, root: bytes, fetch: Fetch) -> None:
        self.size, self.root, self._fetch = size, root, fetch
        computed, self._proven = edge_tiles(size, fetch)
        if computed != root:
            raise TileError("the tiles do not lead to the checkpoint's root")

    def hashes(self, level: int, index: int) -> list[bytes]:
        """The proven hashes of tile (level, index)."""
        key = (level, index)
        if key not in self._proven:
            hashes = tile_hashes(self._fetch, self.size, level, index)
            parent = self.hashes(level + 1, index // WIDTH)
            if _fold(hashes) != parent[index % WIDTH]:
                raise TileError(f"tile {level}/{index} does not match the checkpoint")
            self._proven[key] = hashes
        return self._proven[key]

    def entries(self, index: int) -> list[bytes]:
        """The proven entries of bundle `index`."""
        width = tile_width(self.size, ENTRIES, index)
        entries = decode_bundle(fetch_tile(self._fetch, self.size, ENTRIES, index), width)
        if [merkle.leaf_hash(e) for e in entries] != self.hashes(0, index):
            raise TileError(f"entry bundle {index} does not match the checkpoint")
        return entries

    def all_entries(self) -> Iterator[bytes]:
        """Every entry of the tree, in order, each proven."""
        for index in range((self.size + WIDTH - 1) // WIDTH):
            yield from self.entries(index)
