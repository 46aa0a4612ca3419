from celery import shared_task

from hashbank.mirrors import services


@shared_task(name="hashbank.mirrors.sync_mirrors", ignore_result=True)
def sync_mirrors() -> None:
    """Sync every active peer's mirror (idempotent: a sync moves a mirror only forward)."""
    services.sync_all()


@shared_task(name="hashbank.mirrors.sync_origin", ignore_result=True)
def sync_origin(origin_id: str) -> None:
    """A nudged origin's sync, now (idempotent, like sync_mirrors; nudges.py coalesces them)."""
    services.sync_nudged(origin_id=origin_id)
