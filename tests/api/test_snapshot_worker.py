"""A real Celery worker builds the snapshot the API then serves."""

import time

import pytest

from member_portal.api import tasks
from member_portal.api.models import Snapshot


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_snapshot_of_the_latest_checkpoint(celery_worker_redis, publish, api):
    _case, checkpoint = publish()
    result = tasks.build_snapshot.delay()
    assert result.get(timeout=60) == checkpoint.size
    deadline = time.monotonic() + 10
    while not Snapshot.objects.filter(size=checkpoint.size).exists():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    response = api.get("/api/v1/snapshot")
    assert response["Location"] == f"/api/v1/snapshots/{checkpoint.size}"
