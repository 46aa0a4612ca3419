"""A person's withdrawal waits HASHBANK_WITHDRAWAL_COOLING_OFF seconds (the one asking may be an
abuser holding the victim's phone): the hash stays in the feed, the PIN holder can cancel, a
caseworker can expedite (audited), and beat's task withdraws what is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.cases import selectors, services, tasks
from hashbank.cases.errors import InvalidTransition
from hashbank.cases.models import CaseSignal
from hashbank.core.errors import NotFound
from hashbank.signals.models import Change, Signal
from hashbank.signals.types import RemovalReason
from tests.fixtures.values import ATTESTED, md5

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def one_day(settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400


def held(row: CaseSignal) -> int:
    return Signal.objects.get(pk=row.signal_id).active_holds


def test_a_withdrawal_is_scheduled_after_the_cooling_off_and_the_hash_stays_in_the_feed(submitted):
    case, _ = submitted
    first = CaseSignal.objects.filter(case=case).first()
    now = timezone.now()
    queued = Change.objects.count()
    scheduled = services.request_withdrawal(case=case, case_signal_ids=[first.pk], now=now)
    assert [(row.pk, row.withdrawal_due_at) for row in scheduled] == [(first.pk, now + DAY)]
    first.refresh_from_db()
    assert first.status == "active" and held(first) == 1
    assert Change.objects.count() == queued  # nothing reaches the ledger yet
    statuses = {item.id: item for item in selectors.case_status(case)}
    assert statuses[first.pk].withdraws_at == now + DAY
    assert not statuses[first.pk].withdrawable
    assert [pk for pk, item in statuses.items() if item.withdrawal_scheduled] == [first.pk]


def test_asking_again_keeps_the_first_due_time(submitted):
    case, _ = submitted
    now = timezone.now()
    services.request_withdrawal(case=case, now=now)
    services.request_withdrawal(case=case, now=now + dt.timedelta(hours=5))
    assert set(
        CaseSignal.objects.filter(case=case).values_list("withdrawal_due_at", flat=True)
    ) == {now + DAY}


def test_nothing_is_withdrawn_before_it_is_due_and_everything_due_is_withdrawn_once(submitted):
    case, _ = submitted
    now = timezone.now()
    services.request_withdrawal(case=case, now=now)
    assert services.apply_due_withdrawals(now=now + DAY - dt.timedelta(seconds=1)) == 0
    assert set(CaseSignal.objects.filter(case=case).values_list("status", flat=True)) == {"active"}
    assert services.apply_due_withdrawals(now=now + DAY) == 3
    rows = list(CaseSignal.objects.filter(case=case))
    assert {(row.status, row.withdrawal_due_at) for row in rows} == {("withdrawn", None)}
    assert all(held(row) == 0 for row in rows)
    assert services.apply_due_withdrawals(now=now + 2 * DAY) == 0


def test_beats_task_withdraws_what_is_due(submitted):
    case, _ = submitted
    first = CaseSignal.objects.filter(case=case).first()
    services.request_withdrawal(
        case=case, case_signal_ids=[first.pk], now=timezone.now() - DAY - dt.timedelta(seconds=1)
    )
    assert tasks.apply_due_withdrawals.apply().get() == 1
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert tasks.apply_due_withdrawals.apply().get() == 0


def test_the_pin_holder_can_cancel_until_it_takes_effect(submitted):
    case, _ = submitted
    now = timezone.now()
    services.request_withdrawal(case=case, now=now)
    first = CaseSignal.objects.filter(case=case).first()
    assert services.cancel_withdrawal(case=case, case_signal_ids=[first.pk]) == 1
    assert services.apply_due_withdrawals(now=now + DAY) == 2
    first.refresh_from_db()
    assert (first.status, first.withdrawal_due_at, held(first)) == ("active", None, 1)


def test_cancelling_after_it_took_effect_changes_nothing(submitted):
    case, _ = submitted
    now = timezone.now()
    services.request_withdrawal(case=case, now=now)
    services.apply_due_withdrawals(now=now + DAY)
    assert services.cancel_withdrawal(case=case) == 0
    assert set(CaseSignal.objects.filter(case=case).values_list("status", flat=True)) == {
        "withdrawn"
    }


def test_a_hash_of_another_case_can_be_neither_scheduled_nor_cancelled(submitted):
    case, _ = submitted
    other, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    theirs = CaseSignal.objects.get(case=other)
    services.request_withdrawal(case=other)
    with pytest.raises(NotFound):
        services.request_withdrawal(case=case, case_signal_ids=[theirs.pk])
    with pytest.raises(NotFound):
        services.cancel_withdrawal(case=case, case_signal_ids=[theirs.pk])
    theirs.refresh_from_db()
    assert theirs.withdrawal_due_at is not None
    assert not CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=False).exists()


def test_a_caseworker_expedites_the_waiting_withdrawals_and_it_is_audited(
    submitted, django_user_model
):
    case, _ = submitted
    caseworker = django_user_model.objects.create(username="cora", is_staff=True)
    first = CaseSignal.objects.filter(case=case).first()
    services.request_withdrawal(case=case, case_signal_ids=[first.pk])
    changed = services.expedite_withdrawal(case=case, actor=caseworker, reason="called back")
    assert [row.pk for row in changed] == [first.pk]
    first.refresh_from_db()
    assert (first.status, first.withdrawal_due_at, held(first)) == ("withdrawn", None, 0)
    entry = AuditEntry.objects.get(action="case.withdrawal_expedited")
    assert entry.target == f"case:{case.number}"
    assert entry.after == {"case_signal": first.pk, "status": "withdrawn", "reason": "called back"}
    with pytest.raises(InvalidTransition):
        services.expedite_withdrawal(case=case, actor=caseworker)


def test_a_hash_removed_after_review_while_waiting_is_left_alone(submitted):
    case, _ = submitted
    first = CaseSignal.objects.select_related("signal").filter(case=case).first()
    now = timezone.now()
    services.request_withdrawal(case=case, case_signal_ids=[first.pk], now=now)
    services.remove_signal_after_review(signal=first.signal, reason=RemovalReason.DISPUTE_UPHELD)
    assert services.apply_due_withdrawals(now=now + DAY) == 0
    first.refresh_from_db()
    assert (first.status, first.withdrawal_due_at) == ("removed", None)


def test_without_a_cooling_off_a_withdrawal_takes_effect_at_once(submitted, settings):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0
    case, _ = submitted
    changed = services.request_withdrawal(case=case)
    assert len(changed) == 3
    assert {(row.status, row.withdrawal_due_at) for row in changed} == {("withdrawn", None)}
    assert not Signal.objects.filter(active_holds__gt=0).exists()
