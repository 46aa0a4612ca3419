import pytest

from hashbank.cases import selectors, services
from hashbank.cases.models import CaseSignal
from hashbank.core.errors import NotFound
from hashbank.signals.models import Signal
from tests.fixtures.values import ATTESTED, md5


def test_withdrawing_one_hash_releases_only_that_one(submitted):
    case, _ = submitted
    first, *others = CaseSignal.objects.filter(case=case)
    changed = services.withdraw(case=case, case_signal_ids=[first.pk])
    assert [row.pk for row in changed] == [first.pk]
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert first.signal.active_holds == 0
    assert all(Signal.objects.get(pk=row.signal_id).active_holds == 1 for row in others)


def test_withdrawing_everything_releases_every_hash_and_is_idempotent(submitted):
    case, _ = submitted
    assert len(services.withdraw(case=case)) == 3
    assert services.withdraw(case=case) == []
    assert {item.status for item in selectors.case_status(case)} == {"withdrawn"}
    assert not Signal.objects.filter(active_holds__gt=0).exists()


def test_a_hash_another_case_holds_stays_held(db):
    shared = md5()
    mine, _ = services.submit_case(hashes=[shared], attestations=ATTESTED)
    services.submit_case(hashes=[shared], attestations=ATTESTED)
    services.withdraw(case=mine)
    assert Signal.objects.get(value=shared["value"]).active_holds == 1


def test_a_hash_from_another_case_cannot_be_withdrawn(submitted):
    case, _ = submitted
    other, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    theirs = CaseSignal.objects.get(case=other)
    with pytest.raises(NotFound):
        services.withdraw(case=case, case_signal_ids=[theirs.pk])
    theirs.refresh_from_db()
    assert theirs.status == "active"
