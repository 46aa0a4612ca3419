"""Fixtures shared by the whole suite: a real Celery worker on Redis and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# alongside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("HASHBANK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    skip_integration = pytest.mark.skip(
        reason="integration: set REDIS_URL (and DATABASE_URL) to run"
    )
    skip_browser = pytest.mark.skip(reason=f"browser: {CHROMIUM} is not installed")
    have_chromium = Path(CHROMIUM).exists()
    for item in items:
        if "integration" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_integration)
        if "browser" in item.keywords and not have_chromium:
            item.add_marker(skip_browser)


@pytest.fixture(scope="session")
def celery_worker_redis(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A real `celery worker` process on the Redis broker, using the test database.

    Tests that use it must commit their data (`@pytest.mark.django_db(transaction=True)`), since
    the worker reads the database through its own connection.
    """
    from django.conf import settings
    from django.db import connection

    from hashbank.celery import app

    if not settings.REDIS_URL:
        pytest.skip("integration: REDIS_URL is not set")
    queue = f"hashbank-test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    db = settings.DATABASES["default"]
    env = dict(os.environ, CELERY_QUEUE=queue, HASHBANK_ENV="test")
    if db["ENGINE"].endswith("postgresql"):
        user = db.get("USER") or "postgres"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{connection.settings_dict['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    log = open(ROOT / "var" / f"celery-worker-{queue}.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hashbank",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"celery worker exited early; see {log.name}")
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5)
            if replies:
                break
        else:
            raise RuntimeError(f"celery worker did not answer within 60 s; see {log.name}")
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser build)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"browser: {CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium) -> Iterator[object]:
    context = chromium.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
