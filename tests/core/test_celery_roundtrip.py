import pytest

from hashbank.celery import ping


def test_tasks_run_in_process_in_embedded_mode(settings):
    if settings.REDIS_URL:
        pytest.skip("embedded mode only")
    assert ping.delay("embedded").get(timeout=5) == "pong:embedded"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_task_makes_a_round_trip_through_a_real_worker_on_redis(celery_worker_redis):
    result = ping.delay("worker")
    assert result.get(timeout=30) == "pong:worker"
    assert result.successful()
