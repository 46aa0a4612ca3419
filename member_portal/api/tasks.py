"""Celery tasks of the pull API: they only call services and may run twice safely."""

from __future__ import annotations

from celery import shared_task

from member_portal.api import services


@shared_task(name="member_portal.api.build_snapshot")
def build_snapshot() -> int | None:
    snapshot = services.build_snapshot()
    return snapshot.size if snapshot else None
