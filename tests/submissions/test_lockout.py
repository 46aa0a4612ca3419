"""Whoever knows a case number cannot lock its owner out: wrong PINs hold back the client that
sent them (keyed by an HMAC of its address, in the cache), and a case's delay and lock stop only
clients that have been guessing; the owner's right PIN from another device still opens it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hashbank.cases import services
from hashbank.cases.models import Case
from tests.fixtures.values import ATTESTED, md5

WRONG = "0" * 12


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def status(client: Client, number: str, pin: str):
    return client.post(
        "/api/v1/cases/status",
        json.dumps({"case_number": number, "pin": pin}),
        content_type="application/json",
    )


def code(response) -> str:
    return response.json()["error"]["code"] if response.status_code >= 400 else "ok"


def lock_out(attacker: Client, case: Case) -> list[str]:
    """The attacker's ten wrong PINs, waiting out each delay (skipped here)."""
    codes = []
    for _ in range(services.LOCK_AFTER_PIN_FAILURES):
        Case.objects.filter(pk=case.pk).update(next_pin_attempt_at=None)
        codes.append(code(status(attacker, case.number, WRONG)))
    return codes


@pytest.fixture
def case_and_pin(db):
    return services.submit_case(hashes=[md5()], attestations=ATTESTED)


def test_an_attacker_locks_only_themselves_out_and_the_owner_still_gets_in(case_and_pin):
    case, pin = case_and_pin
    attacker, owner = client_at("198.51.100.7"), client_at("203.0.113.20")
    assert set(lock_out(attacker, case)) == {"wrong_case_or_pin"}
    case.refresh_from_db()
    assert case.is_locked
    assert code(status(attacker, case.number, pin)) == "case_locked"  # even with the right PIN
    assert code(status(owner, case.number, pin)) == "ok"
    # The owner's page works too (the same rule on the no-JavaScript form).
    page = owner.post(
        "/status/",
        f"case_number={case.number}&pin={pin}",
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 303


def test_the_cases_delay_holds_back_only_the_guessing_client(case_and_pin):
    case, pin = case_and_pin
    attacker, owner = client_at("198.51.100.8"), client_at("203.0.113.21")
    answers = [code(status(attacker, case.number, WRONG)) for _ in range(4)]
    assert answers[-1] == "pin_retry_later"
    assert code(status(attacker, case.number, pin)) == "pin_retry_later"
    assert code(status(owner, case.number, pin)) == "ok"


def test_a_wrong_pin_makes_a_client_a_guessing_one(case_and_pin):
    case, pin = case_and_pin
    lock_out(client_at("198.51.100.9"), case)
    typo = client_at("203.0.113.22")
    assert code(status(typo, case.number, WRONG)) == "wrong_case_or_pin"
    assert code(status(typo, case.number, pin)) == "case_locked"


def test_a_client_guessing_across_many_case_numbers_is_refused(db, settings):
    settings.HASHBANK_PIN_FAILURES_PER_CLIENT_PER_HOUR = 5
    guesser = client_at("198.51.100.10")
    numbers = [f"HB-0000-{n:04d}" for n in range(1, 8)]
    answers = [code(status(guesser, number, WRONG)) for number in numbers]
    assert answers[:5] == ["wrong_case_or_pin"] * 5
    assert answers[5:] == ["pin_retry_later"] * 2
    refused = status(guesser, "HB-0000-0009", WRONG)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert code(status(client_at("203.0.113.23"), "HB-0000-0009", WRONG)) == "wrong_case_or_pin"


def test_a_locked_unknown_number_answers_a_new_client_like_a_locked_case(case_and_pin):
    case, _pin = case_and_pin
    lock_out(client_at("198.51.100.11"), case)
    attacker = client_at("198.51.100.12")
    for _ in range(services.LOCK_AFTER_PIN_FAILURES + 1):
        status(attacker, "HB-0000-0001", WRONG)
    fresh = client_at("203.0.113.24")
    real = status(fresh, case.number, WRONG)
    again = client_at("203.0.113.25")
    unknown = status(again, "HB-0000-0001", WRONG)
    assert (real.status_code, real.json()) == (unknown.status_code, unknown.json())
    assert code(real) == "wrong_case_or_pin"
