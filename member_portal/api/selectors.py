from __future__ import annotations

from member_portal.api.models import Snapshot
from member_portal.api.services import LOCAL, snapshot_dir


def latest_snapshot() -> Snapshot | None:
    """The newest of the bank's own snapshots whose file is there (a mirrored origin's are not
    listed here: they are served at /api/v1/origins/<id>/snapshot)."""
    for snapshot in Snapshot.objects.filter(origin_id=LOCAL).order_by("-size")[:3]:
        if (snapshot_dir() / snapshot.filename).exists():
            return snapshot
    return None


def snapshot_of_size(size: int) -> Snapshot | None:
    """The bank's own snapshot of `size`, if its file is there."""
    snapshot = Snapshot.objects.filter(origin_id=LOCAL, size=size).first()
    if snapshot and (snapshot_dir() / snapshot.filename).exists():
        return snapshot
    return None
