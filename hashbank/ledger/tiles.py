"""Writes the log as C2SP tlog-tiles files (member_portal/feed/tiles.py) under
settings.HASHBANK_TILES_DIR, served at /log/ (by nginx in production, hashbank.ledger.views in the
embedded default).

`publish()` brings the directory up to the latest PUBLISHED checkpoint in the database (a sealed
checkpoint waiting for its witnesses is not written: members must not be shown it). It runs after every
seal and re-sign commits (services.seal), and from `manage.py ledger tiles` (`rebuild=True`).
Its promises:

- O(batch): it starts from the size of the `checkpoint` file already there and writes the entry
  bundles and tiles that size did not have in full: the new entries, plus the partial tile on the
  right edge of each level. Hashes come from the entries' leaves and the stored tile roots
  (models.Node, levels 8, 16, ...), which are exactly the hashes of level 1, 2, ... tiles.
- Crash-safe: every file is written to a temporary name and `os.replace`d, all tiles are flushed
  to disk before the `checkpoint` file is replaced, so no crash leaves a checkpoint file whose
  tiles are missing. A file already there is never rewritten (full tiles never change; a partial
  tile's path names its width, so its bytes are fixed too), and a run after a crash fills what is
  missing.
- One writer at a time (an flock on `.lock`), and the checkpoint file never goes back: it is
  always the database's latest checkpoint.

A partial tile is deleted once its full tile is written and the checkpoint file names a size past
it: a client holding an older checkpoint reads the prefix of the full tile (tlog-tiles allows it).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from hashbank.ledger import selectors
from hashbank.ledger.models import Entry, Node
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import merkle, note
from member_portal.feed import tiles as fmt

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint"
_LOCK = ".lock"


class TilesAhead(RuntimeError):
    """The tiles directory holds a tree the database does not have, larger or of another root (a
    database restored from an old backup, sealed since or not): writing on would publish a fork."""


@dataclass
class Published:
    size: int
    written: list[str] = field(default_factory=list)  # paths, relative to the directory


def tiles_dir() -> Path | None:
    """The directory, or None when tiles are switched off (HASHBANK_TILES_DIR empty)."""
    value = settings.HASHBANK_TILES_DIR
    return Path(value) if value else None


def publish_after_seal() -> None:
    """What services.seal runs once a seal or re-sign commits."""
    if tiles_dir() is not None:
        publish()


def publish(
    *, rebuild: bool = False, progress: Callable[[str], None] | None = None
) -> Published | None:
    """Bring the tiles directory up to the latest checkpoint; None when there is none yet.

    `rebuild` writes every file from the database (what `manage.py ledger tiles` runs); otherwise
    only what the checkpoint file's size lacks."""
    directory = tiles_dir()
    if directory is None:
        raise RuntimeError("HASHBANK_TILES_DIR is empty: tiles are switched off")
    directory.mkdir(parents=True, exist_ok=True)
    with _exclusive(directory):
        latest = selectors.latest_checkpoint()
        if latest is None:
            return None
        start, root = (0, b"") if rebuild else _published(directory)
        if start > latest.size or (
            start and not selectors.published().filter(size=start, root=root).exists()
        ):
            # A restored old database, sealed past the old size or not: the directory holds
            # another history, whose full tiles must not be mixed with this one's.
            raise TilesAhead(
                f"{directory} holds a tree of {start} entries that the database does not have "
                f"(it is at {latest.size}): run `manage.py ledger tiles` once the database is "
                "the right one"
            )
        done = Published(latest.size)
        writer = _Writer(directory, done, overwrite=rebuild, progress=progress)
        # Every checkpoint since the last published one gets its partial tiles (a member may be
        # told of any of them), in order; full tiles are written once. Those whose level-0 tile
        # is full by now are skipped: their partials would go at once, and a reader rebuilds
        # any level's partial from the full tiles below it, but not level 0's.
        current_tile = latest.size // fmt.WIDTH * fmt.WIDTH
        sizes = (
            selectors.published()
            .filter(size__gt=start, size__gte=current_tile, size__lt=latest.size)
            .order_by("size")
        )
        previous = start
        for size in [*sizes.values_list("size", flat=True), latest.size]:
            _write_tiles(writer, previous, size)
            previous = size
        if start < latest.size:
            # On disk before a checkpoint file names them (also what a crashed run left): one
            # flush, not an fsync per file (about 2,000 files for a 250,000-entry seal).
            os.sync()
        writer.write(CHECKPOINT, latest.note.encode(), overwrite=True, sync=True)
        _sync_directory(directory)
        _drop_superseded_partials(directory, start, latest.size)
    log.info("tiles written", extra={"tree_size": latest.size, "files": len(done.written)})
    return done


def _published(directory: Path) -> tuple[int, bytes]:
    """(size, root) of the checkpoint file in `directory`; (0, b"") when there is none or it is
    unreadable, so everything is written again."""
    try:
        body = checkpoints.parse_body(note.split((directory / CHECKPOINT).read_text())[0])
    except (OSError, UnicodeDecodeError, note.NoteError, checkpoints.CheckpointError):
        return 0, b""
    return body.size, body.root


def _sync_directory(directory: Path) -> None:
    """The checkpoint file's rename on disk too."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _Writer:
    def __init__(
        self,
        directory: Path,
        done: Published,
        *,
        overwrite: bool,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.directory, self.done, self.overwrite, self.progress = (
            directory,
            done,
            overwrite,
            progress,
        )
        self._made: set[Path] = set()

    def write(self, rel: str, data: bytes, *, overwrite: bool = False, sync: bool = False) -> None:
        path = self.directory / rel
        if not (overwrite or self.overwrite) and path.exists():
            return
        parent = path.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        temp = parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(temp, "wb") as out:
            out.write(data)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, path)
        self.done.written.append(rel)
        if self.progress and len(self.done.written) % 1000 == 0:
            self.progress(
                f"{len(self.done.written):,} files written (tree size {self.done.size:,})"
            )


def _write_tiles(writer: _Writer, start: int, size: int) -> None:
    first = start // fmt.WIDTH * fmt.WIDTH  # the bundle `start` was in the middle of
    for index, leaves in _groups(_leaves(first, size), first // fmt.WIDTH):
        width = len(leaves)
        writer.write(fmt.tile_path(fmt.ENTRIES, index, width), fmt.encode_bundle(leaves))
        writer.write(
            fmt.tile_path(0, index, width), fmt.encode_tile(merkle.leaf_hash(x) for x in leaves)
        )
    for level, count in fmt.level_widths(size):
        if level == 0:
            continue
        lo = (start >> (fmt.HEIGHT * level)) // fmt.WIDTH * fmt.WIDTH
        for index, hashes in _groups(_tile_roots(level * fmt.HEIGHT, lo, count), lo // fmt.WIDTH):
            writer.write(fmt.tile_path(level, index, len(hashes)), fmt.encode_tile(hashes))


def _groups(items: Iterator[bytes], first_index: int) -> Iterator[tuple[int, list[bytes]]]:
    """Consecutive groups of 256 (the last may be shorter), numbered from `first_index`."""
    group: list[bytes] = []
    index = first_index
    for item in items:
        group.append(item)
        if len(group) == fmt.WIDTH:
            yield index, group
            group, index = [], index + 1
    if group:
        yield index, group


_LEAVES = f"SELECT leaf FROM {Entry._meta.db_table} WHERE seq >= %s AND seq < %s ORDER BY seq"


def _leaves(start: int, end: int) -> Iterator[bytes]:
    """Leaves [start, end) in order. Plain SQL (any vendor): the ORM's per-row work was a third
    of the cost of writing a seal's tiles."""
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(_LEAVES, [start, end])
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
            for (leaf,) in rows:
                yield bytes(leaf)
    # Sequence numbers are gapless from 0 (services.seal), so a count short of the range is a
    # missing entry.
    if count != end - start:
        raise RuntimeError(f"entries [{start}, {end}) of the ledger: only {count} found")


def _tile_roots(height: int, start: int, end: int) -> Iterator[bytes]:
    """The stored hashes at `height` (a multiple of 8), indexes [start, end)."""
    expected = start
    rows = (
        Node.objects.filter(level=height, index__gte=start, index__lt=end)
        .order_by("index")
        .values_list("index", "hash")
        .iterator(chunk_size=20_000)
    )
    for index, digest in rows:
        if index != expected:
            raise RuntimeError(f"tile root {height}/{expected} is missing from the ledger")
        expected += 1
        yield bytes(digest)
    if expected != end:
        raise RuntimeError(f"tile root {height}/{expected} is missing from the ledger")


def _drop_superseded_partials(directory: Path, start: int, size: int) -> None:
    """Partial tiles of tiles that became full between `start` and `size`."""
    for level, count in fmt.level_widths(size):
        first = (start >> (fmt.HEIGHT * level)) // fmt.WIDTH
        for index in range(first, count // fmt.WIDTH):
            for name in (fmt.ENTRIES, 0) if level == 0 else (level,):
                shutil.rmtree(directory / f"{fmt.tile_path(name, index)}.p", ignore_errors=True)


@contextmanager
def _exclusive(directory: Path):
    with open(directory / _LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
