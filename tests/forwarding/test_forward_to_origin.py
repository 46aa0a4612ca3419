"""A member of this bank (B) reports or disputes a signal of a mirrored origin (A, a process of
its own): B stores it, forwards it to A's peer API (retried with backoff while A cannot take it),
A's reviewers decide, and the member reads the outcome from B."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hashbank.forwarding import services
from hashbank.forwarding.models import Forward
from hashbank.peers import services as peer_services
from hashbank.peers.models import Peer
from tests.fixtures.values import random_pdq
from tests.forwarding import origin_bank
from tests.publishing.banks import Bank, free_port


@pytest.fixture(scope="module")
def bank_a(tmp_path_factory):
    a = Bank("a", tmp_path_factory.mktemp("bank-a"))
    try:
        a.first_start()
        a.start()
        a.peer_token = a.peer_credential("peer-b")
        yield a
    finally:
        a.stop()


@pytest.fixture
def signal_at_a(bank_a):
    """A new signal published at A: (value, seq)."""
    value = random_pdq()
    return value, origin_bank.publish(bank_a, value)


@pytest.fixture
def bank_b(db, key_dir, settings, bank_a, signal_at_a, tasks_in_process):
    """This process as bank B, peering with A through the real command; its tasks run here (the
    key directory, with the peer's token, is this test's)."""
    settings.HASHBANK_PEER_TIMEOUT = 10.0
    call_command(
        "peers",
        "add",
        bank_a.url,
        "--name",
        "a",
        "--credential",
        bank_a.peer_token,
        "--expect-key",
        bank_a.log_key(),
    )
    call_command("mirrors", "sync")
    return Peer.objects.get(name="a")


def post(api, path: str, body: dict, **headers):
    return api.post(path, json.dumps(body), content_type="application/json", **headers)


def dispute_at_b(api, bank_a, seq: int, **extra):
    body = {"origin": bank_a.origin, "seq": seq, "reason": "false_positive", **extra}
    return post(api, "/api/v1/disputes", body)


def test_a_dispute_about_a_mirrored_origin_reaches_its_queue_and_the_outcome_comes_back(
    bank_a, bank_b, signal_at_a, api, django_capture_on_commit_callbacks
):
    value, seq = signal_at_a
    with django_capture_on_commit_callbacks(execute=True):
        response = dispute_at_b(api, bank_a, seq, note="Not her.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["origin"] == bank_a.origin and body["seq"] == seq
    assert body["status"] == "open" and body["decision"] is None
    forward = Forward.objects.get()
    assert forward.state == Forward.State.DELIVERED and forward.attempts == 1
    assert body["forward"]["id"] == forward.forward_id

    # At A: in the review queue, from peer B for B's member; four eyes uphold it.
    status, forwarded_for, peer_member = origin_bank.decide(
        bank_a, forward.forward_id, uphold=True, reason="Reviewed: a false positive."
    )
    assert (status, forwarded_for, peer_member) == ("upheld", "Acme Video (acme)", "peer-b")

    # B polls A when the dispute is due; the member reads A's decision from B.
    assert services.run_due(now=timezone.now() + timedelta(minutes=2)) == 1
    outcome = api.get(f"/api/v1/disputes/{body['id']}?origin={bank_a.origin}").json()
    assert outcome["status"] == "upheld"
    assert outcome["decision"]["code"] == "false_positive"
    assert outcome["decision"]["reason"] == "Reviewed: a false positive."
    assert outcome["forward"]["state"] == "decided"
    listed = api.get(f"/api/v1/disputes?origin={bank_b.origin_id}").json()["disputes"]
    assert [d["id"] for d in listed] == [body["id"]]
    # This bank's own list does not mix them in.
    assert api.get("/api/v1/disputes").json()["disputes"] == []


def test_a_report_about_a_mirrored_origin_is_forwarded_once_however_often_it_is_retried(
    bank_a, bank_b, signal_at_a, api, django_capture_on_commit_callbacks
):
    _value, seq = signal_at_a
    body = {"origin": bank_a.origin, "seq": seq, "action": "blocked_upload", "distance": 4}
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api, "/api/v1/reports", body, HTTP_IDEMPOTENCY_KEY="report-1")
        again = post(api, "/api/v1/reports", body, HTTP_IDEMPOTENCY_KEY="report-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    forward = Forward.objects.get()
    assert forward.state == Forward.State.DELIVERED and forward.remote_id is not None
    # Delivering it again (a worker retrying after a lost answer) makes nothing new at A.
    Forward.objects.filter(pk=forward.pk).update(state=Forward.State.PENDING)
    assert services.deliver(forward.pk).remote_id == forward.remote_id
    fetched = api.get(f"/api/v1/reports/{first.json()['id']}?origin={bank_a.origin}").json()
    assert fetched["forward"]["state"] == "delivered" and fetched["seq"] == seq


def test_an_origin_that_cannot_be_reached_is_retried_with_backoff(
    bank_a, bank_b, signal_at_a, api, django_capture_on_commit_callbacks, settings
):
    settings.HASHBANK_FORWARD_RETRY_SECONDS = 10
    _value, seq = signal_at_a
    Peer.objects.filter(pk=bank_b.pk).update(url=f"http://127.0.0.1:{free_port()}")
    with django_capture_on_commit_callbacks(execute=True):
        assert dispute_at_b(api, bank_a, seq).status_code == 201
    forward = Forward.objects.get()
    assert forward.state == Forward.State.PENDING and forward.attempts == 1
    assert forward.last_error.startswith("unreachable")
    first_wait = forward.next_attempt_at - timezone.now()
    assert timedelta(seconds=8) < first_wait <= timedelta(seconds=10)
    # Not due yet: nothing is tried.
    assert services.run_due() == 0
    assert services.run_due(now=forward.next_attempt_at) == 1
    forward.refresh_from_db()
    assert forward.attempts == 2
    assert timedelta(seconds=18) < forward.next_attempt_at - timezone.now() <= timedelta(seconds=20)
    # A is back: the next due run delivers it.
    Peer.objects.filter(pk=bank_b.pk).update(url=bank_a.url)
    assert services.run_due(now=forward.next_attempt_at) == 1
    forward.refresh_from_db()
    assert forward.state == Forward.State.DELIVERED and forward.attempts == 3
    assert forward.last_error == ""


def test_what_the_origin_refuses_is_marked_refused_with_its_code(
    bank_a, bank_b, signal_at_a, api, django_capture_on_commit_callbacks
):
    response = dispute_at_b(api, bank_a, signal_at_a[1])
    assert response.status_code == 201
    # The origin does not know the entry this forward names (say A was restored from a backup
    # older than B's mirror): it refuses, and the forward stops there with A's code.
    forward = Forward.objects.get()
    Forward.objects.filter(pk=forward.pk).update(seq=10**9)
    forward = services.deliver(forward.pk)
    assert forward.state == Forward.State.REFUSED and forward.last_status == 404
    assert forward.last_error == "unknown_seq"
    shown = api.get(f"/api/v1/disputes/{response.json()['id']}?origin={bank_a.origin}").json()
    assert (
        shown["forward"]["state"] == "refused" and shown["forward"]["last_error"] == "unknown_seq"
    )
    assert services.run_due(now=timezone.now() + timedelta(days=1)) == 0


def test_an_entry_the_mirror_does_not_hold_is_refused_at_once(api, bank_a, bank_b, signal_at_a):
    value, seq = signal_at_a
    past = dispute_at_b(api, bank_a, 10**9)
    assert past.status_code == 404 and past.json()["error"]["code"] == "unknown_seq"
    other = dispute_at_b(api, bank_a, seq, signal_type="pdq", value=random_pdq())
    assert other.status_code == 409 and other.json()["error"]["code"] == "signal_mismatch"
    assert not Forward.objects.exists()
    # Named right, the member sees the signal as the mirror holds it.
    named = dispute_at_b(api, bank_a, seq, signal_type="pdq", value=value.upper()).json()
    assert (named["signal_type"], named["value"]) == ("pdq", value)


def test_an_origin_this_bank_does_not_mirror_is_unknown_and_nothing_is_stored(api, bank_b):
    response = post(
        api, "/api/v1/disputes", {"origin": "nobody.example/hashbank", "seq": 1, "reason": "other"}
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_origin"
    assert not Forward.objects.exists()


def test_another_origin_needs_a_seq(api, bank_a, bank_b):
    response = post(api, "/api/v1/disputes", {"origin": bank_a.origin, "reason": "other"})
    assert response.status_code == 400 and "seq" in response.json()["error"]["detail"]
    assert not Forward.objects.exists()


def test_nothing_is_forwarded_to_a_suspended_peer(api, bank_a, bank_b, signal_at_a):
    peer_services.suspend_peer(name="a")
    response = dispute_at_b(api, bank_a, signal_at_a[1])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "peer_unavailable"
    assert not Forward.objects.exists()


def test_another_members_forward_is_not_found(
    api, other_api, bank_a, bank_b, signal_at_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dispute_id = dispute_at_b(api, bank_a, signal_at_a[1]).json()["id"]
    response = other_api.get(f"/api/v1/disputes/{dispute_id}?origin={bank_a.origin}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_forward"
