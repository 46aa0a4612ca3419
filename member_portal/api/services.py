"""Snapshots: the compressed bootstrap files, built once each and served from disk.

The bank's own: built for the latest checkpoint (Celery calls `build_snapshot` after a
publication). A mirrored origin's (`mirrored_snapshot`): built from the mirror's copy on the
first request for the mirror's (size, basis), then served from the same file, so asking again
costs a file read, not a rebuild (about 2 s of CPU at 60,000 entries: bench/mirror_catchup.py).
Both write to a temporary file in the snapshot directory and rename it into place, so two
concurrent first requests never serve a half-written file (their bytes are identical: gzip with
mtime 0 over the same rows); a new file prunes the older ones of its origin, and a mirror that
moved on drops its origin's files (`drop_mirrored_snapshots`, on `mirror_advanced`), so a value
blanked since is not kept on disk."""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import IntegrityError

from member_portal.api.models import Snapshot
from member_portal.ports import ledger as ledger_port
from member_portal.ports import origins as origins_port

log = logging.getLogger(__name__)
KEEP = 3  # older snapshots are deleted; members continue from a recent one with deltas
LOCAL = ""  # the origin_id of the bank's own snapshots


def snapshot_dir() -> Path:
    path = Path(getattr(settings, "HASHBANK_SNAPSHOT_DIR", None) or settings.VAR_DIR / "snapshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class _HashingWriter:
    """Hashes the compressed bytes as they are written, so the file is read only once."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.count = 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.count += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _write_file(
    directory: Path, prefix: str, write: Callable[[BinaryIO], int | None]
) -> tuple[int, str, str, int] | None:
    """(size, file name, sha256, bytes) of the gzip file `write` filled, renamed into place; None
    (and nothing left behind) when `write` answers None."""
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".building-", suffix=".gz")
    try:
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            # Level 1: hashes are random bytes and barely compress; speed matters more.
            with gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=1, mtime=0) as gz:
                size = write(gz)
        if size is None:
            Path(tmp_name).unlink()
            return None
        digest = writer.digest.hexdigest()
        filename = f"{prefix}{size}-{digest[:16]}.bin.gz"
        os.replace(tmp_name, directory / filename)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return size, filename, digest, writer.count


def build_snapshot() -> Snapshot | None:
    """Build (once) the snapshot of the latest checkpoint. Idempotent: an existing snapshot of
    that size is returned as is. None while the ledger has no checkpoint."""
    checkpoint = ledger_port.latest_checkpoint()
    if checkpoint is None:
        return None
    existing = Snapshot.objects.filter(origin_id=LOCAL, size=checkpoint.size).first()
    directory = snapshot_dir()
    if existing and (directory / existing.filename).exists():
        return existing
    started = time.monotonic()
    # A seal may have landed since: trust the size the snapshot was written at.
    size, filename, digest, count = _write_file(directory, "snapshot-", ledger_port.write_snapshot)
    snapshot, _ = Snapshot.objects.update_or_create(
        origin_id=LOCAL,
        size=size,
        basis="",
        defaults={
            "filename": filename,
            "sha256": digest,
            "bytes": count,
            "build_seconds": time.monotonic() - started,
        },
    )
    _prune(directory)
    log.info("snapshot at size %s built in %.1f s", snapshot.size, snapshot.build_seconds)
    return snapshot


def _prune(directory: Path) -> None:
    stale = Snapshot.objects.filter(origin_id=LOCAL).order_by("-size")[KEEP:]
    for snapshot in stale:
        (directory / snapshot.filename).unlink(missing_ok=True)
        snapshot.delete()


def mirrored_snapshot(source: origins_port.Source) -> Snapshot | None:
    """The snapshot of a mirrored origin at the mirror's size: the file built for the mirror's
    (size, basis) if there is one, else built now (and the origin's older files pruned). None
    when the mirror can give none (an empty mirror, or a value blanked beyond its size)."""
    origin_id, size, basis = source.snapshot_key()
    directory = snapshot_dir()
    existing = Snapshot.objects.filter(origin_id=origin_id, size=size, basis=basis).first()
    if existing and (directory / existing.filename).exists():
        return existing
    started = time.monotonic()
    written = _write_file(directory, f"origin-{origin_id[:16]}-", source.write_snapshot)
    if written is None:
        return None
    size, filename, digest, count = written
    fields = {
        "filename": filename,
        "sha256": digest,
        "bytes": count,
        "build_seconds": time.monotonic() - started,
    }
    try:
        snapshot, _ = Snapshot.objects.update_or_create(
            origin_id=origin_id, size=size, basis=basis, defaults=fields
        )
    except IntegrityError:  # a concurrent first request saved the same file's row first
        snapshot = Snapshot.objects.get(origin_id=origin_id, size=size, basis=basis)
    for stale in Snapshot.objects.filter(origin_id=origin_id).exclude(pk=snapshot.pk):
        _delete(directory, stale, keep=snapshot.filename)
    log.info("mirrored snapshot at size %s built in %.1f s", size, fields["build_seconds"])
    return snapshot


def drop_mirrored_snapshots(*, origin_id: str) -> int:
    """Delete every snapshot file of a mirrored origin (its mirror moved on: the next request
    builds the new size's). How many were dropped."""
    if not origin_id:
        return 0
    directory = snapshot_dir()
    stale = list(Snapshot.objects.filter(origin_id=origin_id))
    for snapshot in stale:
        _delete(directory, snapshot)
    return len(stale)


def _delete(directory: Path, snapshot: Snapshot, keep: str = "") -> None:
    if snapshot.filename != keep:  # two bases can give the same bytes, hence the same file
        (directory / snapshot.filename).unlink(missing_ok=True)
    snapshot.delete()
