"""Connected in PeersConfig.ready(): every newly published checkpoint of ours nudges our peers
(nudges.py). Only queues: the publish never waits on a peer."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from hashbank.ledger.events import checkpoint_published
from hashbank.peers import nudges, tasks


@receiver(checkpoint_published, dispatch_uid="peers.nudge_after_publish")
def nudge_after_publish(*, resigned: bool = False, **_kwargs) -> None:
    if resigned or not settings.HASHBANK_NUDGE_PEERS:
        return
    # Tasks run in-process in the embedded default: a thread keeps the peer's answer off the
    # publish's path there.
    enqueue = nudges.send_in_thread if settings.CELERY_TASK_ALWAYS_EAGER else tasks.nudge_peer.delay
    nudges.queue_all(enqueue=enqueue)
