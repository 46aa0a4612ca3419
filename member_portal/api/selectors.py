from __future__ import annotations

from member_portal.api.models import Snapshot
from member_portal.api.services import snapshot_dir


def latest_snapshot() -> Snapshot | None:
    for snapshot in Snapshot.objects.order_by("-size")[:3]:
        if (snapshot_dir() / snapshot.filename).exists():
            return snapshot
    return None


def snapshot_of_size(size: int) -> Snapshot | None:
    snapshot = Snapshot.objects.filter(size=size).first()
    if snapshot and (snapshot_dir() / snapshot.filename).exists():
        return snapshot
    return None
