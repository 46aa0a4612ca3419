import pytest

from hashbank.cases import pins, services
from hashbank.cases.errors import InvalidSubmission
from hashbank.cases.models import Case, CaseSignal
from hashbank.core.errors import DomainError
from hashbank.signals.models import Signal
from tests.fixtures.values import ATTESTED, md5, pdq


def test_a_submission_creates_a_case_holding_each_hash(db):
    hashes = [pdq(), md5(), md5()]
    case, pin = services.submit_case(hashes=hashes, attestations=ATTESTED)
    assert pins.NUMBER_RE.match(case.number)
    assert pins.verify_pin(pin, case.pin_hash)
    assert pin not in case.pin_hash
    held = CaseSignal.objects.filter(case=case)
    assert sorted((row.signal.signal_type, row.signal.value) for row in held) == sorted(
        (h["type"], h["value"]) for h in hashes
    )
    assert all(row.status == "active" and row.signal.active_holds == 1 for row in held)
    assert case.attestations == ATTESTED


def test_two_cases_holding_the_same_hash_share_one_signal(db):
    shared = md5()
    services.submit_case(hashes=[shared], attestations=ATTESTED)
    services.submit_case(hashes=[shared, md5()], attestations=ATTESTED)
    signal = Signal.objects.get(signal_type="md5", value=shared["value"])
    assert signal.active_holds == 2


def test_the_same_file_picked_twice_is_held_once(db):
    twice = md5()
    case, _ = services.submit_case(
        hashes=[twice, {**twice, "value": twice["value"].upper()}], attestations=ATTESTED
    )
    assert case.case_signals.count() == 1
    assert Signal.objects.get(value=twice["value"]).active_holds == 1


def test_a_case_holds_at_most_a_thousand_hashes(db):
    with pytest.raises(InvalidSubmission) as refused:
        services.submit_case(hashes=[md5() for _ in range(1001)], attestations=ATTESTED)
    assert refused.value.code == "too_many_hashes"
    case, _ = services.submit_case(hashes=[md5() for _ in range(1000)], attestations=ATTESTED)
    assert case.case_signals.count() == 1000


def test_a_hash_the_signal_registry_refuses_rolls_back_the_whole_case(db):
    with pytest.raises(DomainError) as refused:
        services.submit_case(
            hashes=[md5(), pdq(), {"type": "pdq", "value": "0" * 64, "quality": 90}],
            attestations=ATTESTED,
        )
    assert refused.value.status == 400
    assert refused.value.detail == {"index": 2}
    assert not Case.objects.exists()
    assert not CaseSignal.objects.exists()
    assert not Signal.objects.filter(active_holds__gt=0).exists()


def test_every_attestation_must_be_true(db):
    for missing in ATTESTED:
        with pytest.raises(InvalidSubmission) as refused:
            services.submit_case(hashes=[md5()], attestations={**ATTESTED, missing: False})
        assert refused.value.code == "attestation_required"
    assert not Case.objects.exists()


def test_low_quality_pdq_is_not_accepted(db):
    with pytest.raises(InvalidSubmission) as refused:
        services.submit_case(hashes=[pdq(quality=49)], attestations=ATTESTED)
    assert refused.value.code == "low_quality_pdq"


def test_a_case_number_that_collides_is_drawn_again(db, monkeypatch):
    first, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    drawn = iter([first.number, first.number, "HB00000000"])
    monkeypatch.setattr(pins, "new_case_number", lambda: next(drawn))
    second, pin = services.submit_case(hashes=[md5(), pdq()], attestations=ATTESTED)
    assert second.number == "HB00000000"
    assert Case.objects.get(number=first.number).case_signals.count() == 1
    assert Case.objects.get(number="HB00000000").case_signals.count() == 2
    assert pins.verify_pin(pin, Case.objects.get(pk=second.pk).pin_hash)


def test_a_colliding_draw_holds_nothing(db, monkeypatch):
    from hashbank.signals.models import Change

    first, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    drawn = iter([first.number, first.number, "HB00000000"])
    monkeypatch.setattr(pins, "new_case_number", lambda: next(drawn))
    second, _ = services.submit_case(hashes=[md5(), pdq()], attestations=ATTESTED)
    held = [row.signal for row in second.case_signals.all()]
    assert [signal.active_holds for signal in held] == [1, 1]
    assert Change.objects.filter(signal__in=held, kind="add").count() == 2


def test_the_returned_case_is_the_stored_one(db):
    case, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED, language="es")
    stored = Case.objects.get(pk=case.pk)
    fields = ("number", "pin_hash", "staff_assisted", "attestations", "failed_pin_attempts")
    assert {f: getattr(case, f) for f in fields} == {f: getattr(stored, f) for f in fields}
    assert stored.attestations == {**ATTESTED, "language": "es"}
    assert abs((stored.created_at - case.created_at).total_seconds()) < 1


def test_a_withdrawn_hash_submitted_again_is_queued_for_publication_again(db):
    from hashbank.signals.models import Change

    again = md5()
    case, _ = services.submit_case(hashes=[again], attestations=ATTESTED)
    services.withdraw(case=case)
    Change.objects.all().delete()  # as if sealed
    services.submit_case(hashes=[again, md5()], attestations=ATTESTED)
    signal = Signal.objects.get(value=again["value"])
    assert signal.active_holds == 1
    assert Change.objects.filter(signal=signal, kind="add").count() == 1


def test_a_hash_already_in_the_feed_queues_no_second_publication(db):
    from hashbank.signals.models import Change

    shared = md5()
    services.submit_case(hashes=[shared], attestations=ATTESTED)
    services.submit_case(hashes=[shared], attestations=ATTESTED)
    assert Change.objects.filter(signal__value=shared["value"]).count() == 1
