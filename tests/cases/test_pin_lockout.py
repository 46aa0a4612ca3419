import pytest
from django.utils import timezone

from hashbank.cases import pins, services
from hashbank.cases.errors import CaseLocked, PinRetryLater, WrongCredentials
from hashbank.cases.models import Case
from tests.fixtures.possession import prove_possession


def _wrong(case, times: int) -> None:
    for _ in range(times):
        Case.objects.filter(pk=case.pk).update(next_pin_attempt_at=None)  # skip the wait
        with pytest.raises(WrongCredentials):
            services.authenticate_case(number=case.number, pin="000000000000")


def test_the_right_pin_opens_the_case_however_it_is_typed(submitted):
    case, pin = submitted
    found = services.authenticate_case(
        number=pins.format_case_number(case.number).lower(), pin=pins.format_pin(pin)
    )
    assert found.pk == case.pk


def test_an_unknown_case_and_a_wrong_pin_get_the_same_answer(submitted):
    case, pin = submitted
    with pytest.raises(WrongCredentials) as unknown:
        services.authenticate_case(number="HB-0000-0000", pin=pin)
    with pytest.raises(WrongCredentials) as wrong:
        services.authenticate_case(number=case.number, pin="000000000000")
    assert (unknown.value.code, unknown.value.status, unknown.value.message) == (
        wrong.value.code,
        wrong.value.status,
        wrong.value.message,
    )


def test_repeated_wrong_pins_slow_down_even_the_right_pin(submitted):
    case, pin = submitted
    _wrong(case, services.FREE_PIN_FAILURES)
    with pytest.raises(PinRetryLater) as wait:
        services.authenticate_case(number=case.number, pin=pin)
    assert wait.value.status == 429 and wait.value.retry_after >= 1


def test_ten_wrong_pins_lock_the_case_until_a_caseworker_unlocks_it(submitted, django_user_model):
    case, pin = submitted
    _wrong(case, services.LOCK_AFTER_PIN_FAILURES)
    case.refresh_from_db()
    assert case.is_locked
    with pytest.raises(CaseLocked):
        services.authenticate_case(number=case.number, pin=pin)
    caseworker = django_user_model.objects.create_user("caseworker")
    prove_possession(case, caseworker)
    services.unlock_case(case=case, actor=caseworker)
    assert services.authenticate_case(number=case.number, pin=pin).pk == case.pk


def test_the_right_pin_resets_the_count_of_wrong_ones(submitted):
    case, pin = submitted
    _wrong(case, 2)
    services.authenticate_case(number=case.number, pin=pin)
    case.refresh_from_db()
    assert case.failed_pin_attempts == 0


def test_a_wait_that_has_passed_lets_the_person_try_again(submitted):
    case, pin = submitted
    _wrong(case, services.FREE_PIN_FAILURES + 1)
    Case.objects.filter(pk=case.pk).update(next_pin_attempt_at=timezone.now())
    assert services.authenticate_case(number=case.number, pin=pin).pk == case.pk
