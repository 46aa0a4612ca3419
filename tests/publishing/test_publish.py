"""Publishing only what witnesses saw: the quorum, fail-closed, fail-open, the 409 retry, forks,
timeouts and bad cosignatures, with witnesses on real HTTP servers (publishing/services.py)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from hashbank.ledger import audit
from hashbank.ledger import selectors as ledger_selectors
from hashbank.ledger import services as ledger
from hashbank.ledger.models import Checkpoint, Entry
from hashbank.publishing import selectors, services
from hashbank.publishing.models import Witness
from member_portal.feed import cosignature, note
from member_portal.feed import witness as wire
from tests.fixtures.ledger import hold_many
from tests.fixtures.staff import signed_in
from tests.publishing.banks import free_port
from tests.verify import independent

pytestmark = pytest.mark.django_db(transaction=True)


def cosigners_of(signed: str, *vkeys: str) -> list[str]:
    verifiers = [cosignature.CosignatureVerifier.parse(v) for v in vkeys]
    return [c.name for c in cosignature.cosignatures(signed, verifiers)]


def tiles_checkpoint(settings) -> str:
    return (Path(settings.HASHBANK_TILES_DIR) / "checkpoint").read_text()


def quorum_check(client: Client) -> dict:
    """/readyz's witness check (the others, such as a Celery worker, are not these tests')."""
    return client.get("/readyz").json()["checks"]["witness_quorum"]


def seal(n: int = 2) -> Checkpoint:
    """Hold n values: their commit seals them (tasks run in-process), and the seal's after-commit
    task asks the witnesses. The checkpoint sealed."""
    with transaction.atomic():
        hold_many(n)
    ledger.seal()  # nothing left to do, unless a hook was skipped
    return ledger_selectors.latest_sealed()


def test_with_the_quorum_met_a_seal_is_published_with_the_witness_cosignature(
    own_witness, policy, settings
):
    policy([("own", own_witness.vkey, own_witness.url)], "own")
    sealed = seal()
    # The seal's after-commit task asked the witness already (tasks run in-process).
    published = ledger_selectors.latest_checkpoint()
    assert published is not None and published.size == sealed.size
    assert cosigners_of(published.note, own_witness.vkey) == [own_witness.cosigner.name]
    assert note.open_note(
        published.note, [note.Verifier.parse(k) for k in ledger_selectors.public_keys()]
    )
    assert tiles_checkpoint(settings) == published.note
    row = Witness.objects.get(name="own")
    assert (row.cosigned_size, row.last_outcome) == (sealed.size, "cosigned")
    # Idempotent: another round leaves the published checkpoint alone.
    assert services.publish_latest() is None


def test_members_are_not_shown_a_sealed_checkpoint_before_its_quorum(
    own_witness, policy, scripted, settings
):
    refuser = scripted("refuser.example/witness")
    refuser.answer = lambda request: (403, "text/plain", b"not trusted\n")
    policy([("own", own_witness.vkey, own_witness.url), ("r", refuser.vkey, refuser.url)], "r")
    first = seal()
    assert ledger_selectors.latest_sealed().size == first.size
    assert ledger_selectors.latest_checkpoint() is None
    assert ledger_selectors.checkpoint_for_size(first.size) is None
    assert not (Path(settings.HASHBANK_TILES_DIR) / "checkpoint").exists()
    row = Witness.objects.get(name="r")
    assert row.last_error == "403 not signed by a key it trusts for our log"
    # With the quorum now reachable, the next round publishes it.
    refuser.answer = refuser.cosign
    result = services.publish_latest()
    assert result.published
    assert ledger_selectors.latest_checkpoint().size == first.size


def test_fail_closed_readyz_says_which_witness_failed_once_the_publish_timeout_passed(
    own_witness, policy, settings
):
    dead = f"http://127.0.0.1:{free_port()}/witness"  # nothing listens there
    policy(
        [
            ("own", own_witness.vkey, own_witness.url),
            ("gone", own_witness.vkey.replace("own", "own"), dead),
        ][1:],
        "gone",
    )
    settings.HASHBANK_WITNESS_TIMEOUT = 0.5
    sealed = seal()
    assert ledger_selectors.latest_checkpoint() is None
    client = Client()
    # Within the publish timeout the bank is still publishing: ready.
    assert quorum_check(client)["ok"] is True
    Checkpoint.objects.filter(pk=sealed.pk).update(signed_at=timezone.now() - timedelta(seconds=6))
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["witness_quorum"]
    assert check["ok"] is False
    assert check["detail"].startswith("witness quorum not met since ")
    assert "gone unreachable (ConnectionRefusedError)" in check["detail"]


def test_fail_open_publishes_after_the_publish_timeout_marked_without_quorum(
    own_witness, policy, settings, caplog
):
    dead = f"http://127.0.0.1:{free_port()}/witness"
    policy([("gone", own_witness.vkey, dead)], "gone")
    settings.HASHBANK_WITNESS_FAIL_OPEN = True
    settings.HASHBANK_PUBLISH_TIMEOUT = 0.3
    with caplog.at_level(logging.WARNING, logger="hashbank.publishing.services"):
        sealed = seal()
    published = ledger_selectors.latest_checkpoint()
    assert published.size == sealed.size and published.without_quorum
    assert "WITHOUT the witness quorum" in caplog.text
    assert "WITHOUT the quorum" in selectors.summary()
    assert quorum_check(Client())["ok"] is True


def test_a_409_with_the_witness_size_is_retried_once_from_that_size(own_witness, policy):
    policy([("own", own_witness.vkey, own_witness.url)], "own")
    first = seal(3)
    # Our table forgets what the witness cosigned (a restored database): we ask from 0.
    Witness.objects.update(cosigned_size=None)
    second = seal(2)
    published = ledger_selectors.latest_checkpoint()
    assert published.size == second.size > first.size
    assert cosigners_of(published.note, own_witness.vkey) == [own_witness.cosigner.name]
    assert Witness.objects.get().cosigned_size == second.size


def test_a_409_retry_starts_from_the_witness_size_with_the_consistency_proof_from_it(
    own_witness, policy, scripted
):
    first = seal(3)  # no policy yet: published at once
    told = scripted("told.example/witness")

    def answer(request):
        if request.old_size != first.size:
            return 409, wire.SIZE_CONTENT_TYPE, wire.encode_size(first.size)
        return told.cosign(request)

    told.answer = answer
    policy([("told", told.vkey, told.url)], "told")
    second = seal(4)
    assert [r.old_size for r in told.requests] == [0, first.size]
    leaves = [bytes(e.leaf) for e in Entry.objects.order_by("seq")]
    assert list(told.requests[1].proof) == independent.proof(first.size, leaves[: second.size])
    assert ledger_selectors.latest_checkpoint().size == second.size


def test_a_422_is_a_fork_recorded_loudly_and_nothing_is_published(
    own_witness, policy, scripted, caplog
):
    forked = scripted("forked.example/witness")
    forked.answer = lambda request: (422, "text/plain", b"inconsistent\n")
    policy([("forked", forked.vkey, forked.url)], "forked")
    with caplog.at_level(logging.ERROR, logger="hashbank.publishing.services"):
        seal()
    assert ledger_selectors.latest_checkpoint() is None
    row = Witness.objects.get()
    assert row.forked_at is not None and row.last_error == "422 fork"
    assert "FORK: witness forked" in caplog.text


def test_a_409_without_its_size_is_a_fork_too(own_witness, policy, scripted):
    forked = scripted("forked.example/witness")
    forked.answer = lambda request: (409, "text/plain", b"conflict\n")
    policy([("forked", forked.vkey, forked.url)], "forked")
    seal()
    row = Witness.objects.get()
    assert row.forked_at is not None and row.last_error == "409 fork (without its size)"
    assert len(forked.requests) == 1  # no retry without a size


def test_a_cosignature_that_does_not_verify_does_not_count(own_witness, policy, scripted):
    liar = scripted("liar.example/witness")
    liar.answer = lambda request: (
        200,
        "text/plain",
        liar.cosigner.cosign("some other checkpoint\n1\nAAAA\n", 1).line().encode(),
    )
    policy([("liar", liar.vkey, liar.url)], "liar")
    seal()
    assert ledger_selectors.latest_checkpoint() is None
    assert Witness.objects.get().last_error.startswith("bad cosignature")


def test_witnesses_are_asked_in_parallel_and_a_stalled_one_is_a_timeout(
    own_witness, policy, scripted, settings
):
    # Both scripted witnesses answer only once both requests have arrived: asked one after the
    # other, the first would wait for the barrier in vain and refuse.
    barrier = threading.Barrier(2, timeout=10)
    stall = threading.Event()

    def together(witness):
        def answer(request):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return 500, "text/plain", b"asked alone\n"
            return witness.cosign(request)

        return answer

    one, two, slow = (
        scripted("one.example/w"),
        scripted("two.example/w"),
        scripted("slow.example/w"),
    )
    one.answer, two.answer = together(one), together(two)
    slow.answer = lambda request: (stall.wait(10), slow.cosign(request))[1]
    settings.HASHBANK_WITNESS_TIMEOUT = 0.3
    policy(
        [("one", one.vkey, one.url), ("two", two.vkey, two.url), ("slow", slow.vkey, slow.url)],
        "two-of-three",
        groups=["group two-of-three 2 one two slow"],
    )
    try:
        sealed = seal()
    finally:
        stall.set()
    published = ledger_selectors.latest_checkpoint()
    assert published.size == sealed.size
    assert sorted(cosigners_of(published.note, one.vkey, two.vkey, slow.vkey)) == [
        "one.example/w",
        "two.example/w",
    ]
    assert Witness.objects.get(name="slow").last_outcome == "timeout"


def test_an_idle_re_sign_is_witnessed_again_and_replaces_the_published_note(own_witness, policy):
    policy([("own", own_witness.vkey, own_witness.url)], "own")
    first = seal()
    before = ledger_selectors.latest_checkpoint().note
    resigned = ledger.seal(force_sign=True)
    assert resigned.size == first.size
    after = ledger_selectors.latest_checkpoint()
    assert after.note != before
    assert cosigners_of(after.note, own_witness.vkey) == [own_witness.cosigner.name]
    assert after.pending_note == ""


def test_an_unreadable_policy_fails_readiness_with_the_line_at_fault(own_witness, policy):
    path = policy([], "none")
    path.write_text("witness w not-a-key http://x/witness\nquorum w\n")
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "policy line 1" in response.json()["checks"]["witness_quorum"]["detail"]


def test_a_policy_witness_without_a_url_is_refused_by_name(own_witness, policy):
    path = policy([], "none")
    path.write_text(f"witness w {own_witness.vkey}\nquorum w\n")
    response = Client().get("/readyz")
    assert "gives no URL for w" in response.json()["checks"]["witness_quorum"]["detail"]


def test_the_dashboard_shows_each_witness_last_cosigned_size_lag_and_last_error(
    own_witness, policy, scripted, make_staff
):
    down = scripted("down.example/witness")
    down.answer = lambda request: (503, "text/plain", b"no key yet\n")
    policy(
        [("own", own_witness.vkey, own_witness.url), ("down", down.vkey, down.url)],
        "any-one",
        groups=["group any-one any own down"],
    )
    sealed = seal(3)
    body = signed_in(make_staff("auditor")).get("/staff/").content.decode()
    assert "What each witness of the policy last cosigned" in body
    own_row = body.split("<td>own</td>")[1].split("</tr>")[0]
    assert f"<td>{sealed.size}</td><td>0</td>" in own_row
    down_row = body.split("<td>down</td>")[1].split("</tr>")[0]
    assert f"<td>nothing yet</td><td>{sealed.size}</td>" in down_row
    assert "503 error (" in down_row


def test_manage_py_ledger_verify_accepts_cosigned_and_pending_checkpoints(
    own_witness, policy, scripted
):
    policy([("own", own_witness.vkey, own_witness.url)], "own")
    seal(3)
    ledger.seal(force_sign=True)
    refuser = scripted("refuser.example/witness")
    refuser.answer = lambda request: (403, "text/plain", b"no\n")
    policy([("r", refuser.vkey, refuser.url)], "r")
    pending = seal(2)
    assert ledger_selectors.latest_checkpoint().size < pending.size
    assert audit.verify_ledger() == []


def test_cosignatures_of_a_note_replaced_by_a_re_sign_meanwhile_are_not_published(
    own_witness, policy, scripted
):
    refuser = scripted("refuser.example/witness")
    refuser.answer = lambda request: (403, "text/plain", b"no\n")
    policy([("r", refuser.vkey, refuser.url)], "r")
    sealed = seal(2)
    asked = sealed.pending_note
    line = refuser.cosign(wire.parse_add_checkpoint(b"old 0\n\n" + asked.encode()))[2].decode()
    ledger.seal(force_sign=True)  # a re-sign while the witnesses were being asked
    resigned = ledger_selectors.latest_sealed()
    assert resigned.pending_note != asked
    assert ledger.publish(checkpoint_id=sealed.pk, signed_note=asked, cosignatures=[line]) is None
    assert ledger_selectors.latest_checkpoint() is None
    assert ledger_selectors.latest_sealed().pending_note == resigned.pending_note
