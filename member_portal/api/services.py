"""Snapshots: build the compressed bootstrap file for the latest checkpoint (Celery calls this)."""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings

from member_portal.api.models import Snapshot
from member_portal.ports import ledger as ledger_port

log = logging.getLogger(__name__)
KEEP = 3  # older snapshots are deleted; members continue from a recent one with deltas


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


def build_snapshot() -> Snapshot | None:
    """Build (once) the snapshot of the latest checkpoint. Idempotent: an existing snapshot of
    that size is returned as is. None while the ledger has no checkpoint."""
    checkpoint = ledger_port.latest_checkpoint()
    if checkpoint is None:
        return None
    existing = Snapshot.objects.filter(size=checkpoint.size).first()
    directory = snapshot_dir()
    if existing and (directory / existing.filename).exists():
        return existing
    started = time.monotonic()
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".building-", suffix=".gz")
    try:
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            # Level 1: hashes are random bytes and barely compress; speed matters more.
            with gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=1, mtime=0) as gz:
                size = ledger_port.write_snapshot(
                    gz
                )  # a seal may have landed since: trust its size
        digest = writer.digest.hexdigest()
        filename = f"snapshot-{size}-{digest[:16]}.bin.gz"
        os.replace(tmp_name, directory / filename)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    snapshot, _ = Snapshot.objects.update_or_create(
        size=size,
        defaults={
            "filename": filename,
            "sha256": digest,
            "bytes": writer.count,
            "build_seconds": time.monotonic() - started,
        },
    )
    _prune(directory)
    log.info("snapshot at size %s built in %.1f s", snapshot.size, snapshot.build_seconds)
    return snapshot


def _prune(directory: Path) -> None:
    stale = Snapshot.objects.order_by("-size")[KEEP:]
    for snapshot in stale:
        (directory / snapshot.filename).unlink(missing_ok=True)
        snapshot.delete()
