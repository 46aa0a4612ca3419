"""Proof of work beyond a few submissions a day per client (issue 17), at the HTTP level: the
Nth submission from one client needs a proof, a solved one is accepted once, a replayed, forged,
expired or other client's one is refused, each with its code; the no-JavaScript page explains."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from hashbank.cases.models import Case
from hashbank.core import proof_of_work
from hashbank.submissions import proof
from hashbank.submissions.throttle import client_keys
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.conftest import post_form, post_json

API = "/api/v1/submissions"


@pytest.fixture(autouse=True)
def two_free(settings):
    """Two free submissions a day, then 8 bits (a few hundred hashes: quick to solve here)."""
    settings.HASHBANK_POW_FREE_PER_DAY = 2
    settings.HASHBANK_POW_BASE_BITS = 8
    settings.HASHBANK_POW_MAX_BITS = 10


def submit(client, proof=None, **extra):
    body = {"hashes": [md5()], "attestations": ATTESTED}
    if proof is not None:
        body["proof"] = proof
    return post_json(client, API, body, **extra)


def solved(detail: dict) -> dict:
    challenge = detail["challenge"]
    return {"challenge": challenge, "nonce": proof_of_work.solve(challenge, detail["bits"])}


def required(client) -> dict:
    """Send past the free ones: the 428 and its challenge."""
    answer = submit(client)
    assert answer.status_code == 428, answer.content
    error = answer.json()["error"]
    assert error["code"] == "pow_required"
    return error["detail"]


def test_the_free_submissions_need_no_proof_and_the_next_one_does(browser_client):
    assert [submit(browser_client).status_code for _ in range(2)] == [201, 201]
    before = Case.objects.count()
    detail = required(browser_client)
    assert detail["bits"] == 8 and detail["expires_in"] == 600
    assert Case.objects.count() == before  # nothing half-written


def test_a_solved_challenge_is_accepted_and_a_replay_refused(browser_client):
    submit(browser_client), submit(browser_client)
    answer = solved(required(browser_client))
    before = Case.objects.count()
    assert submit(browser_client, proof=answer).status_code == 201
    assert Case.objects.count() == before + 1
    replay = submit(browser_client, proof=answer)
    assert (replay.status_code, replay.json()["error"]["code"]) == (400, "pow_invalid")


def test_the_difficulty_rises_with_the_clients_submissions_today(browser_client):
    submit(browser_client), submit(browser_client)
    assert submit(browser_client, proof=solved(required(browser_client))).status_code == 201
    assert required(browser_client)["bits"] == 9


def test_an_expired_challenge_is_refused_with_a_new_one(browser_client):
    submit(browser_client), submit(browser_client)
    subject = client_keys("127.0.0.1")[0]
    # Issued ten minutes ago for a minute: the server's own challenge, past its expiry.
    old = proof_of_work.issue(
        key=proof._key(), subject=subject, bits=8, now=int(time.time()) - 600, ttl=60
    )
    answer = submit(
        browser_client, proof={"challenge": old.text, "nonce": proof_of_work.solve(old.text, 8)}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "pow_expired")
    assert answer.json()["error"]["detail"]["challenge"] != old.text


def test_a_challenge_with_its_difficulty_lowered_is_refused(browser_client):
    submit(browser_client), submit(browser_client)
    detail = required(browser_client)
    forged = detail["challenge"].replace("v1.8.", "v1.1.", 1)
    answer = submit(
        browser_client, proof={"challenge": forged, "nonce": proof_of_work.solve(forged, 1)}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "pow_invalid")


def test_a_nonce_that_does_not_do_the_work_is_refused(browser_client):
    submit(browser_client), submit(browser_client)
    challenge = required(browser_client)["challenge"]
    wrong = next(
        str(n)
        for n in range(10_000)
        if proof_of_work.leading_zero_bits(proof_of_work.work(challenge, str(n))) < 8
    )
    answer = submit(browser_client, proof={"challenge": challenge, "nonce": wrong})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "pow_invalid")


def test_a_challenge_issued_to_another_client_is_refused(browser_client):
    other = "2001:db8:1::5"
    for _ in range(2):
        submit(browser_client, REMOTE_ADDR=other)
    theirs = solved(required_from(browser_client, other))
    submit(browser_client), submit(browser_client)
    answer = submit(browser_client, proof=theirs)
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "pow_invalid")


def required_from(client, address: str) -> dict:
    answer = submit(client, REMOTE_ADDR=address)
    assert answer.status_code == 428
    return answer.json()["error"]["detail"]


@pytest.mark.parametrize("bad", ["not an object", {"challenge": "x"}, {"challenge": 1, "nonce": 2}])
def test_a_malformed_proof_is_a_400_not_a_500(browser_client, bad):
    submit(browser_client), submit(browser_client)
    answer = submit(browser_client, proof=bad)
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "pow_invalid")


def test_the_offline_page_explains_what_to_do_past_the_free_submissions(db):
    client = Client()  # no CSRF enforcement: the API submissions and the form, one client
    client.token = ""
    assert [submit(client).status_code for _ in range(2)] == [201, 201]
    answer = post_form(
        client,
        "/submit/offline/",
        {"adult": "yes", "depicted": "yes", "consent": "yes", "hashes": "anything"},
    )
    assert answer.status_code == 428
    assert "only the usual submission page can do, with JavaScript" in answer.content.decode()
