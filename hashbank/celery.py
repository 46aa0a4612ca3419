"""The Celery app: workers start it with `celery -A hashbank worker`, beat with `celery -A hashbank beat`."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")

app = Celery("hashbank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="tasks")
app.set_default()


@app.task(name="hashbank.core.ping")
def ping(value: str) -> str:
    """A round-trip task used by /readyz tests and the deployment smoke test."""
    return f"pong:{value}"
