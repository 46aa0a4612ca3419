import pytest

from hashbank.cases import selectors, services
from hashbank.cases.errors import InvalidTransition
from hashbank.cases.models import CaseNote, CaseSignal
from hashbank.signals.models import Signal
from tests.fixtures.values import ATTESTED, md5


@pytest.fixture
def caseworker(django_user_model):
    return django_user_model.objects.create_user("caseworker")


def test_a_suspended_hash_leaves_the_feed_and_shows_as_under_review(submitted, caseworker):
    case, _ = submitted
    row = CaseSignal.objects.filter(case=case).first()
    services.suspend(case_signal=row, actor=caseworker, reason="looks mistaken")
    assert Signal.objects.get(pk=row.signal_id).active_holds == 0
    statuses = {item.id: item.status for item in selectors.case_status(case)}
    assert statuses[row.pk] == "under_review"


def test_a_restored_hash_is_held_again(submitted, caseworker):
    case, _ = submitted
    row = CaseSignal.objects.filter(case=case).first()
    services.suspend(case_signal=row, actor=caseworker)
    services.restore(case_signal=row, actor=caseworker)
    row.refresh_from_db()
    assert row.status == "active" and row.signal.active_holds == 1
    with pytest.raises(InvalidTransition):
        services.restore(case_signal=row, actor=caseworker)


def test_withdrawing_a_suspended_hash_does_not_release_it_twice(submitted, caseworker):
    case, _ = submitted
    row = CaseSignal.objects.filter(case=case).first()
    services.suspend(case_signal=row, actor=caseworker)
    services.withdraw(case=case, case_signal_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == "withdrawn" and row.signal.active_holds == 0


def test_removal_after_review_drops_the_signal_for_every_case(db):
    shared = md5()
    first, _ = services.submit_case(hashes=[shared], attestations=ATTESTED)
    second, _ = services.submit_case(hashes=[shared, md5()], attestations=ATTESTED)
    signal = Signal.objects.get(value=shared["value"])
    removed = services.remove_signal_after_review(signal=signal, reason="dispute_upheld")
    assert len(removed) == 2
    signal.refresh_from_db()
    assert signal.active_holds == 0
    assert [item.status for item in selectors.case_status(first)] == ["removed"]
    assert sorted(item.status for item in selectors.case_status(second)) == ["pending", "removed"]


def test_a_caseworker_note_is_kept_on_the_case(submitted, caseworker):
    case, _ = submitted
    services.add_note(case=case, actor=caseworker, text="Called back; PIN reset requested.")
    assert CaseNote.objects.get(case=case).author == caseworker
