"""The seal's minimum mix (issue 17): a seal of one case's changes alone links them, so queued
changes wait until HASHBANK_SEAL_MIN_MIX distinct cases are queued, or until the oldest has waited
HASHBANK_SEAL_MAX_DELAY seconds (a withdrawal on a quiet bank is not held for ever)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hashbank.cases import services as cases
from hashbank.ledger import services
from hashbank.ledger.models import Entry
from hashbank.signals import outbox
from hashbank.signals import services as signals
from hashbank.signals.models import Change
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix_of_three(settings, signing_key):
    settings.HASHBANK_SEAL_MIN_MIX = 3
    settings.HASHBANK_SEAL_MAX_DELAY = 300
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0


def submit(n: int = 2):
    case, _pin = cases.submit_case(hashes=[pdq() for _ in range(n)], attestations=ATTESTED)
    return case


def test_one_case_alone_waits_for_the_mix(mix_of_three) -> None:
    submit(4)
    assert services.seal() is None
    assert not Entry.objects.exists() and outbox.mix() == 1


def test_the_case_that_completes_the_mix_seals_every_queued_change(mix_of_three) -> None:
    submit(2)
    submit(3)
    assert services.seal() is None
    submit(1)
    checkpoint = services.seal()
    assert checkpoint is not None and checkpoint.size == 2 + 3 + 1 + 1  # and its state entry
    assert not Change.objects.exists()


def test_a_case_counts_once_however_many_changes_it_queued(mix_of_three) -> None:
    case = submit(3)
    services.seal(wait_for_mix=False)
    submit(1)
    cases.withdraw(case=case)  # "withdraw all": three removes of one case
    assert outbox.mix() == 2
    assert services.seal() is None
    assert not Entry.objects.filter(kind=Entry.REMOVE).exists()


def test_a_tier_change_by_no_case_counts_once_per_signal(mix_of_three) -> None:
    signal = signals.hold(signal_type="md5", value=md5()["value"])
    services.seal(wait_for_mix=False)
    signals.corroborate(signal=signal, basis="caseworker_review", by="staff ana")
    submit(1)
    assert outbox.mix() == 2


def test_the_oldest_change_waits_no_longer_than_the_maximum_delay(mix_of_three) -> None:
    case = submit(3)
    services.seal(wait_for_mix=False)
    cases.withdraw(case=case)
    assert services.seal() is None
    # The withdrawal was queued the maximum delay ago (set on the row: no test waits on a clock).
    Change.objects.update(created_at=timezone.now() - timedelta(seconds=300))
    checkpoint = services.seal()
    assert checkpoint is not None
    assert Entry.objects.filter(kind=Entry.REMOVE).count() == 3


def test_the_beat_sweep_seals_what_waited_the_maximum_delay(mix_of_three) -> None:
    submit(2)
    assert services.seal_if_pending() is None
    Change.objects.update(created_at=timezone.now() - timedelta(seconds=301))
    assert services.seal_if_pending() == 3


def test_an_operators_seal_does_not_wait_for_the_mix(mix_of_three) -> None:
    submit(2)
    call_command("ledger", "seal")
    assert Entry.objects.count() == 3


def test_a_minimum_mix_of_one_seals_at_once(settings, signing_key) -> None:
    settings.HASHBANK_SEAL_MIN_MIX = 1
    submit(1)
    assert services.seal() is not None
