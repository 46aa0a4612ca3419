"""One signal per value; it stays in the feed while at least one case holds it."""

from __future__ import annotations

import pytest

from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals import services
from hashbank.signals.models import Change, Signal
from hashbank.signals.types import RemovalReason

pytestmark = pytest.mark.django_db
PDQ = "a5f0a457bb90a3a8e1f2c43d7d8e5f60718293a4b5c6d7e8f90a1b2c3d4e5f61"


def test_same_value_from_two_cases_is_one_signal_with_two_holds(signing_key) -> None:
    a = services.hold(signal_type="pdq", value=PDQ.upper(), quality=80)
    b = services.hold(signal_type="pdq", value=PDQ, quality=80)
    assert a.pk == b.pk and b.active_holds == 2
    assert Change.objects.filter(kind="add").count() == 1


def test_signal_stays_active_until_the_last_hold_is_released(signing_key) -> None:
    signal = services.hold(signal_type="pdq", value=PDQ, quality=80)
    services.hold(signal_type="pdq", value=PDQ, quality=80)
    ledger.seal()
    signal = services.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    ledger.seal()
    assert signal.active_holds == 1 and Signal.objects.get(pk=signal.pk).state == "active"
    services.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    ledger.seal()
    assert Signal.objects.get(pk=signal.pk).state == "removed"
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == [Entry.ADD, Entry.STATE, Entry.REMOVE, Entry.STATE]  # each seal ends so


def test_new_signal_is_pending_until_sealed(signing_key) -> None:
    signal = services.hold(signal_type="md5", value="ab" * 16)
    assert signal.state == "pending"
    ledger.seal()
    signal.refresh_from_db()
    assert signal.state == "active" and signal.published_at is not None


def test_releasing_more_than_held_does_not_go_negative(signing_key) -> None:
    signal = services.hold(signal_type="md5", value="cd" * 16)
    services.release(signal=signal, reason="withdrawn")
    signal = services.release(signal=signal, reason="withdrawn")
    assert signal.active_holds == 0
    assert Change.objects.filter(kind="remove").count() == 1


def test_re_held_after_removal_is_published_again(signing_key) -> None:
    signal = services.hold(signal_type="md5", value="ef" * 16)
    ledger.seal()
    services.release(signal=signal, reason=RemovalReason.STAFF_REMOVED)
    ledger.seal()
    services.hold(signal_type="md5", value="ef" * 16)
    cp = ledger.seal()
    assert cp.size == 6 and cp.active_count == 1  # three seals, each with its state entry
    assert Signal.objects.get(pk=signal.pk).state == "active"


def test_invalid_value_is_rejected_before_anything_is_written(signing_key) -> None:
    from hashbank.signals.types import InvalidSignal

    with pytest.raises(InvalidSignal):
        services.hold(signal_type="pdq", value="00" * 32, quality=80)
    assert not Signal.objects.exists() and not Change.objects.exists()


def test_hold_requests_a_seal_when_the_transaction_commits(
    signing_key, django_capture_on_commit_callbacks
) -> None:
    from hashbank.celery import app

    if not app.conf.task_always_eager:
        pytest.skip("with a broker the seal runs in a Celery worker, not in this process")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.hold(signal_type="md5", value="12" * 16)
    assert callbacks  # the seal was requested on commit, not run inside the transaction
    assert Entry.objects.filter(kind=Entry.ADD).count() == 1


def test_hold_many_holds_each_value_and_publishes_only_the_new_ones(signing_key) -> None:
    services.hold(signal_type="md5", value="34" * 16)
    items = [("pdq", PDQ, 90), ("md5", "34" * 16, None), ("md5", "12" * 16, None)]
    held = services.hold_many(items=items)
    assert [(s.signal_type, s.value) for s in held] == [(t, v) for t, v, _ in items]
    assert [s.active_holds for s in held] == [1, 2, 1]
    queued = Change.objects.filter(kind="add").values_list("signal__value", flat=True)
    assert sorted(queued) == sorted([PDQ, "34" * 16, "12" * 16])  # "34"... from the first hold
