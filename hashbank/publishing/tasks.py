from __future__ import annotations

from celery import shared_task

from hashbank.publishing import services


@shared_task(name="hashbank.publishing.publish_latest", ignore_result=True)
def publish_latest() -> None:
    """After a seal or re-sign (and every minute from beat): have the witnesses cosign the latest
    sealed checkpoint and publish it at quorum. Idempotent: a published checkpoint is left alone."""
    services.publish_latest()
