import json
import shutil

import pytest


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


@pytest.mark.django_db
def test_readyz_reports_each_check_by_name(client):
    response = client.get("/readyz")
    body = response.json()
    assert set(body["checks"]) == {
        "database",
        "disk_space",
        "redis",
        "signing_key",
        "witness_quorum",
        "celery_worker",
    }
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_not_ready_when_the_database_is_down(client, settings, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == {"ok": False, "detail": "database unreachable: OSError"}


@pytest.mark.django_db
def test_readyz_is_not_ready_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get("/readyz").json()
    assert body["checks"]["redis"]["ok"] is False
    assert body["status"] == "not_ready"


def test_every_response_carries_a_strict_content_security_policy(client):
    csp = client.get("/healthz")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp


@pytest.mark.django_db
def test_only_the_hashing_worker_may_run_webassembly(client):
    worker = client.get("/static/hashbank/js/hasher-worker.js")
    assert worker.status_code == 200
    assert "script-src 'self' 'wasm-unsafe-eval';" in worker["Content-Security-Policy"]
    for path in ("/submit/", "/static/hashbank/js/hasher.js", "/static/hashbank/js/submit.js"):
        csp = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "wasm" not in csp, path


def test_health_endpoints_never_cache(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
    assert json.loads(client.get("/healthz").content)["status"] == "alive"


@pytest.mark.django_db
def test_unknown_api_paths_answer_with_a_json_error_code(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such endpoint."}}


@pytest.mark.django_db
def test_unknown_pages_stay_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_readyz_is_not_ready_when_a_written_directory_has_too_little_free_space(
    client, settings, tmp_path
):
    settings.HASHBANK_KEY_DIR = tmp_path
    free_mb = shutil.disk_usage(tmp_path).free // (1024 * 1024)
    settings.HASHBANK_MIN_FREE_DISK_MB = free_mb + 1024  # as if the disk were that full
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["disk_space"]["ok"] is False
    assert "keys" in body["checks"]["disk_space"]["detail"]


@pytest.mark.django_db
def test_readyz_disk_check_passes_with_room_to_spare(client, settings):
    settings.HASHBANK_MIN_FREE_DISK_MB = 1
    assert client.get("/readyz").json()["checks"]["disk_space"]["ok"] is True
