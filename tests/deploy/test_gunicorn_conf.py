"""deploy/gunicorn.conf.py: a worker only takes connections it can start on at once."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
SETTINGS = ("GUNICORN_THREADS", "GUNICORN_WORKER_CLASS", "GUNICORN_WORKER_CONNECTIONS")


@pytest.fixture
def conf(monkeypatch):
    def load(**env: str) -> dict:
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(CONF))

    return load


def test_one_thread_per_worker_uses_the_sync_worker(conf):
    loaded = conf()
    assert (loaded["threads"], loaded["worker_class"]) == (1, "sync")


def test_threaded_workers_accept_no_more_connections_than_they_have_threads(conf):
    loaded = conf(GUNICORN_THREADS="4")
    assert loaded["worker_class"] == "gthread"
    assert loaded["worker_connections"] == 4


def test_the_environment_overrides_the_worker_class_and_its_connections(conf):
    loaded = conf(GUNICORN_WORKER_CLASS="gthread", GUNICORN_WORKER_CONNECTIONS="50")
    assert (loaded["worker_class"], loaded["worker_connections"]) == ("gthread", 50)


def test_connections_are_not_kept_alive_by_default(conf):
    assert conf()["keepalive"] == 0


def test_a_worker_freezes_what_its_first_requests_built(conf):
    import gc

    loaded = conf()
    worker = type("Worker", (), {"nr": loaded["FREEZE_AFTER_REQUESTS"] - 1})()
    before = gc.get_freeze_count()
    try:
        loaded["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == before  # not yet
        worker.nr += 1
        built_lazily = [[] for _ in range(100)]
        loaded["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() >= before + len(built_lazily)
    finally:
        gc.unfreeze()
