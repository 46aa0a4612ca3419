"""Coalesced seal requests. While a seal task is queued and not yet started, further requests add
nothing: one seal takes every pending change. The flag lives in Redis and expires on its own, so
a lost task delays sealing by seconds. Without a broker (tasks in-process) every request seals."""

from __future__ import annotations

from celery import current_app

from hashbank.core.redis import shared_client

SEAL_REQUEST_TTL_SECONDS = 2


def flag_key() -> str:
    """The flag of the queue the seal task is sent to (the Celery app's, which a test's worker
    changes too), so the worker that takes the task clears the flag the request set."""
    return f"hashbank:{current_app.conf.task_default_queue}:seal-requested"


def _client():
    """Redis, where the flag lives; None when tasks run in-process (each request seals at once)."""
    return None if current_app.conf.task_always_eager else shared_client()


def claim() -> bool:
    """True when the caller must queue a seal task: none is queued that would read its commit."""
    client = _client()
    return client is None or bool(client.set(flag_key(), 1, nx=True, ex=SEAL_REQUEST_TTL_SECONDS))


def taken() -> None:
    """Called by the seal task before it reads the queue: later commits must queue another seal."""
    client = _client()
    if client is not None:
        client.delete(flag_key())
