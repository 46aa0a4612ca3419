"""POST /api/v1/receipts: a signed "applied through" receipt moves the member's position; a bad
one is refused with a code and changes nothing."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hashbank.ledger import selectors as ledger
from hashbank.receipts.models import Acknowledgement, AppliedPosition
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, note
from tests.fixtures.values import MD5_VALUE
from tests.receipts.conftest import post, pull, sign_receipt


def _sync(api) -> dict:
    return api.get("/api/v1/sync").json()


def test_a_receipt_for_a_pulled_checkpoint_moves_the_position_and_is_kept(
    published, api, receipt_key, member
):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    receipt = sign_receipt(checkpoint.note, receipt_key)

    response = post(api, receipt)

    assert response.status_code == 200, response.content
    assert response.json()["last_acked_size"] == checkpoint.size
    assert _sync(api)["ack_lag"] == 0
    kept = Acknowledgement.objects.get(member=member)
    assert (kept.size, kept.receipt, kept.key.name) == (
        checkpoint.size,
        receipt,
        receipt_key.name,
    )


def _refused(api, member, receipt: str, status: int, code: str) -> None:
    before = list(Acknowledgement.objects.filter(member=member).values_list("size", "at"))
    position = AppliedPosition.objects.filter(member=member).values_list("size", "at").first()
    response = post(api, receipt)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert list(Acknowledgement.objects.filter(member=member).values_list("size", "at")) == before
    assert (
        AppliedPosition.objects.filter(member=member).values_list("size", "at").first() == position
    )


def test_a_receipt_by_a_key_the_member_did_not_register_is_refused(published, api, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    stranger = cosignature.Cosigner.generate("receipts.platform.example/hashbank")
    _refused(
        api, member, sign_receipt(checkpoint.note, stranger), 400, "receipt_key_not_registered"
    )


def test_a_receipt_by_another_members_key_is_refused(published, api, other_api, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    theirs = cosignature.Cosigner.generate("receipts.other.example/hashbank")
    other_api.post(
        "/api/v1/receipt-keys", {"vkey": str(theirs.verifier)}, content_type="application/json"
    )
    _refused(api, member, sign_receipt(checkpoint.note, theirs), 400, "receipt_key_not_registered")


def test_a_receipt_over_another_origin_is_refused(published, api, receipt_key, member, settings):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    text, signatures = note.split(checkpoint.note)
    other = text.replace(settings.HASHBANK_ORIGIN, "elsewhere.example/log", 1)
    forged = other + "\n" + "".join(note.signature_line(s) for s in signatures)
    _refused(api, member, sign_receipt(forged, receipt_key), 400, "receipt_wrong_origin")


def test_a_receipt_for_a_size_the_member_never_pulled_is_refused(
    published, api, receipt_key, member
):
    _case, checkpoint = published
    _refused(api, member, sign_receipt(checkpoint.note, receipt_key), 409, "checkpoint_not_pulled")


def test_a_receipt_for_a_size_the_bank_never_had_is_refused(published, api, receipt_key, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    body = checkpoints.parse(note.split(checkpoint.note)[0])
    future = checkpoints.Checkpoint(
        body.origin,
        body.size + 100,
        body.root,
        body.time,
        body.active_count,
        body.active_digest,
        body.scheme,
    )
    forged = (
        future.text()
        + "\n"
        + "".join(note.signature_line(s) for s in note.split(checkpoint.note)[1])
    )
    _refused(api, member, sign_receipt(forged, receipt_key), 404, "unknown_checkpoint")


def test_a_receipt_over_a_checkpoint_we_did_not_sign_is_refused(
    published, api, receipt_key, member
):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    text, signatures = note.split(checkpoint.note)
    body = checkpoints.parse(text)
    other_time = checkpoints.Checkpoint(
        body.origin,
        body.size,
        body.root,
        body.time + 1,
        body.active_count,
        body.active_digest,
        body.scheme,
    )
    forged = other_time.text() + "\n" + "".join(note.signature_line(s) for s in signatures)
    _refused(api, member, sign_receipt(forged, receipt_key), 400, "receipt_checkpoint_mismatch")


def test_a_replayed_or_older_receipt_is_refused(publish, api, receipt_key, member):
    _, first = publish()
    pull(api, first.size)
    old = sign_receipt(first.note, receipt_key, at=int(time.time()) - 60)
    assert post(api, old).status_code == 200
    _, second = publish([("md5", MD5_VALUE)])
    pull(api, second.size)
    assert post(api, sign_receipt(second.note, receipt_key)).status_code == 200

    _refused(api, member, old, 409, "stale_receipt")  # older size, older time
    _refused(api, member, sign_receipt(first.note, receipt_key), 409, "stale_receipt")


def test_a_receipt_for_a_larger_tree_moves_the_position_unless_an_earlier_time_says_replay(
    publish, api, receipt_key, member
):
    _, first = publish()
    pull(api, first.size)
    now = int(time.time())
    assert post(api, sign_receipt(first.note, receipt_key, at=now)).status_code == 200
    _, second = publish([("md5", MD5_VALUE)])
    pull(api, second.size)

    # A larger tree but an earlier time than the last receipt: a replay of an old signing.
    _refused(api, member, sign_receipt(second.note, receipt_key, at=now - 60), 409, "stale_receipt")
    # The same second is two syncs in a second: it moves the position, and the receipt is kept.
    assert post(api, sign_receipt(second.note, receipt_key, at=now)).status_code == 200
    position = AppliedPosition.objects.get(member=member)
    assert (position.size, position.last_receipt_size, position.last_receipt_time) == (
        second.size,
        second.size,
        now,
    )
    kept = Acknowledgement.objects.filter(member=member).order_by("size")
    assert [(a.size, bool(a.receipt)) for a in kept] == [(first.size, True), (second.size, True)]


def test_the_same_receipt_twice_is_a_replay(published, api, receipt_key, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    receipt = sign_receipt(checkpoint.note, receipt_key)
    assert post(api, receipt).status_code == 200
    _refused(api, member, receipt, 409, "stale_receipt")


def test_a_receipt_from_the_future_is_refused(published, api, receipt_key, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    later = sign_receipt(checkpoint.note, receipt_key, at=int(time.time()) + 86_400)
    _refused(api, member, later, 400, "receipt_time_in_future")


def test_a_tampered_receipt_signature_is_refused(published, api, receipt_key, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    receipt = sign_receipt(checkpoint.note, receipt_key)
    text, signatures = note.split(receipt)
    mine = signatures[-1]
    bad = note.Signature(
        mine.name, mine.key_id, mine.signature[:-1] + bytes([mine.signature[-1] ^ 1])
    )
    forged = text + "\n" + "".join(note.signature_line(s) for s in [*signatures[:-1], bad])
    _refused(api, member, forged, 400, "invalid_receipt_signature")


@pytest.mark.parametrize(
    "garbage",
    ["", "hello", "\n\n", "example.org\n\n— x AAAA\n", "a\nb\nc\n\n— k AAAAAAAA\n", "\u2014" * 50],
)
def test_garbage_is_refused(published, api, receipt_key, member, garbage):
    _refused(api, member, garbage, 400, "malformed_receipt")


def test_a_receipt_is_a_json_string_field(published, api, receipt_key):
    response = api.post("/api/v1/receipts", {"receipt": 5}, content_type="application/json")
    assert response.status_code == 400


def test_a_revoked_key_signs_no_more_receipts(published, api, receipt_key, member):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    response = api.delete(f"/api/v1/receipt-keys/{receipt_key.key_id:08x}")
    assert response.status_code == 200, response.content
    assert response.json()["revoked_at"] is not None
    _refused(
        api, member, sign_receipt(checkpoint.note, receipt_key), 400, "receipt_key_not_registered"
    )


def test_a_receipt_over_an_earlier_signing_of_the_same_size_is_accepted(
    published, api, receipt_key, settings
):
    _case, checkpoint = published
    pull(api, checkpoint.size)
    earlier = checkpoint.note
    settings.HASHBANK_RESIGN_SECONDS = 0
    from hashbank.ledger import services

    services.seal()  # re-signs: same tree, new time line
    assert ledger.checkpoint_for_size(checkpoint.size).note != earlier
    assert post(api, sign_receipt(earlier, receipt_key)).status_code == 200


def _statements(queries) -> list[str]:
    """The SQL a request ran, without transaction control (BEGIN, SAVEPOINT, COMMIT ...)."""
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(control)]


def test_a_steady_state_receipt_answers_what_sync_says_in_five_statements(
    published, api, receipt_key, member
):
    """A member posting a receipt every minute on an idle log (issue 14's benchmark, bench/
    receipts.py): authenticate, read the pull position, our checkpoint with the latest size, the
    member's keys with its applied position, one conditional UPDATE of that position. The answer
    is the one GET /sync gives."""
    _case, checkpoint = published
    pull(api, checkpoint.size)
    now = int(time.time())
    assert post(api, sign_receipt(checkpoint.note, receipt_key, now - 60)).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        response = post(api, sign_receipt(checkpoint.note, receipt_key, now))

    assert response.status_code == 200, response.content
    assert response.json() == _sync(api)
    assert len(_statements(queries)) <= 5, _statements(queries)
    assert AppliedPosition.objects.get(member=member).last_receipt_time == now
    # ... and the replay check still holds on that path: the same receipt time again is refused.
    _refused(api, member, sign_receipt(checkpoint.note, receipt_key, now), 409, "stale_receipt")


def test_a_receipt_for_a_larger_tree_answers_what_sync_says_in_five_statements(
    publish, api, receipt_key, member
):
    """The log grew since the member's last receipt (the other half of issue 14's benchmark): the
    same reads as the steady state, then the move and its Acknowledgement row in one statement on
    PostgreSQL (a data-modifying WITH), two in a transaction on SQLite. The answer is the one
    GET /sync gives, and the receipt is kept."""
    _, first = publish()
    pull(api, first.size)
    now = int(time.time())
    assert post(api, sign_receipt(first.note, receipt_key, now - 60)).status_code == 200
    _, second = publish([("md5", MD5_VALUE)])
    pull(api, second.size)
    receipt = sign_receipt(second.note, receipt_key, now)

    with CaptureQueriesContext(connection) as queries:
        response = post(api, receipt)

    assert response.status_code == 200, response.content
    assert response.json() == _sync(api)
    assert response.json()["last_acked_size"] == second.size
    expected = 5 if connection.vendor == "postgresql" else 6
    assert len(_statements(queries)) <= expected, _statements(queries)
    kept = Acknowledgement.objects.filter(member=member).order_by("size")
    assert [(a.size, a.receipt) for a in kept][-1] == (second.size, receipt)
    position = AppliedPosition.objects.get(member=member)
    assert (position.size, position.last_receipt_size, position.last_receipt_time) == (
        second.size,
        second.size,
        now,
    )
