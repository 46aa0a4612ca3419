"""Connected in ApiConfig.ready(): a mirror that moved on drops its origin's snapshot files (the
next request builds the new size's), so no value blanked by the sync stays on disk in one."""

from __future__ import annotations

from django.dispatch import receiver

from member_portal.api import services
from member_portal.ports.origins import mirror_advanced


@receiver(mirror_advanced, dispatch_uid="api.drop_mirrored_snapshots")
def drop_mirrored_snapshots(*, mirror, **_kwargs) -> None:
    services.drop_mirrored_snapshots(origin_id=mirror.origin_id)
