from __future__ import annotations

from celery import shared_task
from django.conf import settings

from hashbank.peers import nudges


@shared_task(bind=True, name="hashbank.peers.nudge_peer", ignore_result=True, max_retries=None)
def nudge_peer(self, peer_pk: int) -> None:
    """Tell one peer to sync our log now (idempotent: it sends our latest published size, and
    the peer syncs only if its mirror is behind it). Retried with backoff (nudges.retry_delay)
    up to HASHBANK_NUDGE_RETRIES times, unless the peer refused it for good."""
    try:
        nudges.send(peer_pk=peer_pk)
    except nudges.NudgeFailed as exc:
        # In-process (a command, a test) there is no worker to wait on: one attempt, recorded
        # on the peer row (the embedded server retries in its nudge thread instead).
        if exc.final or self.request.is_eager:
            return
        if self.request.retries >= settings.HASHBANK_NUDGE_RETRIES:
            return
        raise self.retry(countdown=nudges.retry_delay(self.request.retries + 1)) from None
