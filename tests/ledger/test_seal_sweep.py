"""A seal task lost after its submission committed is replaced by beat's sweep within seconds,
not at the next 5-minute re-seal (issue 17)."""

from __future__ import annotations

import pytest
from django.conf import settings

from hashbank.cases import services as cases
from hashbank.celery import app
from hashbank.ledger.models import Checkpoint
from hashbank.signals import outbox
from tests.fixtures.values import ATTESTED, md5

pytestmark = pytest.mark.django_db


def _sweeps() -> list[dict]:
    """Beat's entries that seal what waits in the outbox, every few seconds."""
    return [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "hashbank.ledger.seal_if_pending"
    ]


def test_beat_sweeps_the_outbox_every_few_seconds():
    [sweep] = _sweeps()
    assert sweep["schedule"] <= 30


def test_the_sweep_seals_what_a_lost_seal_task_left_behind(
    signing_key, django_capture_on_commit_callbacks
):
    # The submission commits, and the seal it queues on commit is lost (never run).
    with django_capture_on_commit_callbacks(execute=False):
        cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    assert not outbox.is_empty()
    [sweep] = _sweeps()
    app.tasks[sweep["task"]].apply()
    assert outbox.is_empty()
    assert Checkpoint.objects.order_by("-size").first().size >= 1


def test_the_sweep_does_nothing_when_the_outbox_is_empty(signing_key):
    [sweep] = _sweeps()
    before = Checkpoint.objects.count()
    app.tasks[sweep["task"]].apply()
    assert Checkpoint.objects.count() == before
