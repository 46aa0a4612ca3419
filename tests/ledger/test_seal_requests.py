"""Seal requests after commits: with a broker, one queued seal task serves every commit made
before it starts, so a burst of submissions does not flood the queue."""

import pytest

from hashbank.core.redis import shared_client
from hashbank.ledger import seal_requests
from hashbank.ledger.receivers import enqueue_seal
from hashbank.ledger.tasks import seal_ledger


@pytest.fixture
def seal_tasks(settings, monkeypatch):
    """The seal tasks handed to the broker (the publish call is the only thing replaced)."""
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("seal requests are coalesced only with a broker (REDIS_URL)")
    shared_client().delete(seal_requests.flag_key())
    calls = []
    monkeypatch.setattr(seal_ledger, "delay", lambda: calls.append(1))
    yield calls
    shared_client().delete(seal_requests.flag_key())


def test_requests_before_the_queued_seal_starts_publish_one_task(seal_tasks):
    for _ in range(5):
        enqueue_seal()
    assert len(seal_tasks) == 1


def test_a_request_after_the_seal_started_publishes_another(seal_tasks):
    enqueue_seal()
    seal_requests.taken()  # what the task does first
    enqueue_seal()
    assert len(seal_tasks) == 2


def test_a_lost_task_delays_the_next_request_only_briefly(seal_tasks):
    enqueue_seal()
    ttl = shared_client().ttl(seal_requests.flag_key())
    assert 0 < ttl <= seal_requests.SEAL_REQUEST_TTL_SECONDS
