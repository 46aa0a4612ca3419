"""A real Celery worker builds the snapshot the API then serves."""

import pytest

from member_portal.api import tasks
from member_portal.api.models import Snapshot


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_snapshot_of_the_latest_checkpoint(celery_worker_redis, publish, api):
    _case, checkpoint = publish()
    result = tasks.build_snapshot.delay()
    # The task returns once the snapshot's row is committed: its result is the event to wait on.
    assert result.get(timeout=60) == checkpoint.size
    assert Snapshot.objects.filter(size=checkpoint.size).exists()
    response = api.get("/api/v1/snapshot")
    assert response["Location"] == f"/api/v1/snapshots/{checkpoint.size}"
