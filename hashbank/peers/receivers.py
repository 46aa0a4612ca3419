"""Connected in PeersConfig.ready(): every newly published checkpoint of ours nudges our peers
(nudges.py). Only queues: the publish never waits on a peer."""

from __future__ import annotations

import sys

from django.conf import settings
from django.dispatch import receiver

from hashbank.ledger.events import checkpoint_published
from hashbank.peers import nudges, tasks


@receiver(checkpoint_published, dispatch_uid="peers.nudge_after_publish")
def nudge_after_publish(*, resigned: bool = False, **_kwargs) -> None:
    if resigned or not settings.HASHBANK_NUDGE_PEERS:
        return
    # Tasks run in-process in the embedded default: in its server a thread keeps the peer's
    # answer off the publish's path (a command or a test runs the task in-process, as others).
    serving = len(sys.argv) > 1 and sys.argv[1] == "runserver"
    threaded = settings.CELERY_TASK_ALWAYS_EAGER and serving
    nudges.queue_all(enqueue=nudges.send_in_thread if threaded else tasks.nudge_peer.delay)
