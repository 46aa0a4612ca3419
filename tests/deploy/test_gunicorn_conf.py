"""deploy/gunicorn.conf.py: a worker only takes connections it can start on at once."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from tests.fixtures.outages import free_port

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


def test_gunicorns_error_and_access_logs_are_redacted(conf, tmp_path):
    """gunicorn names the client's address in its own error messages; the config's logger class
    puts both of its logs through the bank's redaction filter."""
    from gunicorn.config import Config

    loaded = conf()
    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", loaded["access_log_format"])
    logger = loaded["logger_class"](cfg)
    logger.error("Invalid request from ip=203.0.113.9: bad header")
    logger.warning("Bearer hbk_0123456789abcdef_SECRET for /staff/cases/HB-7KQ4-M2XD/")
    logger.access(
        type("Resp", (), {"status": "200 OK", "sent": 10, "headers": []})(),
        type(
            "Req",
            (),
            {
                "headers": [],
                "method": "GET",
                "path": "/x",
                "query": "",
                "uri": "/x",
                "version": (1, 1),
                "peer_addr": "203.0.113.9",
            },
        )(),
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/x",
            "PATH_INFO": "/status/HB7KQ4M2XD",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.9",
        },
        __import__("datetime").timedelta(milliseconds=3),
    )
    for handler in logger.error_log.handlers + logger.access_log.handlers:
        handler.flush()
    written = (tmp_path / "error.log").read_text() + (tmp_path / "access.log").read_text()
    assert "Invalid request from ip=[ip]" in written
    for secret in ("203.0.113.9", "hbk_0123456789abcdef_SECRET", "7KQ4"):
        assert secret not in written
    assert '"status":200' in written


def test_nginx_error_log_keeps_only_messages_about_nginx_itself():
    import re

    conf_text = (CONF.parents[0] / "nginx" / "hashbank.conf").read_text()
    levels = re.findall(r"^\s*error_log\s+\S+\s+(\w+);", conf_text, re.MULTILINE)
    assert levels and set(levels) <= {"alert", "emerg"}


def test_a_running_gunicorn_writes_no_address_or_case_number_to_its_logs(tmp_path):
    """The real server with this config: its start-up line names the bound address, and a
    request's path here carries a case number; neither reaches its error or access log."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESSLOG": str(tmp_path / "access.log"),
        "HASHBANK_VAR_DIR": str(tmp_path / "var"),
    }
    errors = open(tmp_path / "error.log", "w")  # noqa: SIM115 - the server's stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "hashbank.wsgi:application"],
        cwd=CONF.parents[1],
        env=env,
        stdout=errors,
        stderr=errors,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.1)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/staff/cases/HB-7KQ4-M2XD/", timeout=5)
        except OSError:
            pass  # a redirect to sign in, or a 404: what matters is what was logged
    finally:
        server.terminate()
        server.wait(timeout=30)
        errors.close()
    written = (tmp_path / "error.log").read_text() + (tmp_path / "access.log").read_text()
    assert "Listening at: http://[ip]:" in written
    assert "127.0.0.1" not in written and "7KQ4" not in written
