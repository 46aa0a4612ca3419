"""The daily purge (beat): values removed from the feed more than HASHBANK_PURGE_REMOVED_DAYS
ago are erased, newer ones kept; running it again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from hashbank.ledger import services, tasks
from hashbank.signals import services as signals
from hashbank.signals.models import Signal
from hashbank.signals.types import RemovalReason
from tests.fixtures.ledger import hold_many

pytestmark = pytest.mark.django_db


def test_the_daily_purge_erases_values_removed_longer_ago_than_the_setting(signing_key, settings):
    settings.HASHBANK_PURGE_REMOVED_DAYS = 30
    old, recent = hold_many(2)
    services.seal()
    for signal in (old, recent):
        signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    services.seal()
    Signal.objects.filter(pk=old.pk).update(removed_at=timezone.now() - timedelta(days=31))
    Signal.objects.filter(pk=recent.pk).update(removed_at=timezone.now() - timedelta(days=29))
    assert tasks.purge_removed() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.value is None and recent.value is not None
    assert tasks.purge_removed() == 0


def test_beat_runs_the_purge_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["ledger-purge-removed"]
    assert entry == {"task": "hashbank.ledger.purge_removed", "schedule": 86400.0}
