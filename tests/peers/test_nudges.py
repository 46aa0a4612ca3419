"""After each publish this bank nudges its peers (hashbank/peers/nudges.py): one nudge queued per
peer at a time, the latest size sent, failures retried with backoff and recorded on the peer row.
(A nudge a peer accepts, end to end: tests/mirrors/test_mirror.py.)"""

from __future__ import annotations

import pytest

from hashbank.peers import nudges, tasks
from hashbank.peers.models import Peer
from tests.fixtures.peers import unreachable_peer

ORIGIN = "mirroring.bank.test/hashbank"


@pytest.fixture
def down_peer(db, key_dir):
    """An active peer at an address where nothing listens."""
    return unreachable_peer("mirroring", ORIGIN)


def test_a_burst_of_publishes_queues_one_nudge_per_peer_until_it_starts(published, down_peer):
    queued: list[int] = []
    assert nudges.queue_all(enqueue=queued.append) == 1
    assert nudges.queue_all(enqueue=queued.append) == 0  # still queued: coalesced
    assert queued == [down_peer.pk]
    with pytest.raises(nudges.NudgeFailed):
        nudges.send(peer_pk=down_peer.pk)  # started: the next publish queues the next nudge
    assert nudges.queue_all(enqueue=queued.append) == 1


def test_a_failed_nudge_is_recorded_on_the_peer(published, down_peer, tasks_in_process):
    nudges.queue_all(enqueue=tasks.nudge_peer.delay)  # in-process here: one attempt
    peer = Peer.objects.get(pk=down_peer.pk)
    assert peer.nudge_failures == 1 and peer.nudge_error.startswith("unreachable")
    assert peer.nudged_at is None


def test_the_embedded_servers_nudge_is_retried_with_backoff(published, down_peer, settings):
    settings.HASHBANK_NUDGE_RETRIES = 2
    settings.HASHBANK_NUDGE_RETRY_SECONDS = 0.01
    nudges.send_with_retries(down_peer.pk)  # what the nudge thread runs
    peer = Peer.objects.get(pk=down_peer.pk)
    assert peer.nudge_failures == 3 and peer.nudge_error.startswith("unreachable")


def test_suspended_peers_are_not_nudged(published, down_peer):
    Peer.objects.filter(pk=down_peer.pk).update(status=Peer.Status.SUSPENDED)
    assert nudges.queue_all(enqueue=lambda pk: None) == 0


def test_the_retry_backoff_doubles(settings):
    settings.HASHBANK_NUDGE_RETRY_SECONDS = 2.0
    assert [nudges.retry_delay(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
