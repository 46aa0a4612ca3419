"""POST /witness/add-checkpoint, status by status as C2SP tlog-witness prescribes, with every 200
checked by the independent implementation (tests/verify/independent.py)."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from hashbank.witness import services
from hashbank.witness.models import WitnessedLog
from member_portal.feed import note
from tests.verify import independent
from tests.witness.peer import PeerLog

pytestmark = pytest.mark.django_db


def cosigned_size(peer: PeerLog) -> int:
    return WitnessedLog.objects.get(origin=peer.origin).size


def test_a_first_checkpoint_is_cosigned_under_the_witness_key(peer, submit, witness_key):
    response = submit.post(peer.request(0, 5))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    line = response.content.decode()
    assert independent.verify_cosignature(peer.body(5), line, str(witness_key.verifier)) > 0
    assert cosigned_size(peer) == 5


def test_a_larger_checkpoint_with_a_consistency_proof_is_cosigned(peer, submit, witness_key):
    assert submit.post(peer.request(0, 5)).status_code == 200
    response = submit.post(peer.request(5, 23))
    assert response.status_code == 200
    independent.verify_cosignature(
        peer.body(23), response.content.decode(), str(witness_key.verifier)
    )
    assert cosigned_size(peer) == 23


def test_the_same_checkpoint_again_is_cosigned_again(peer, submit):
    assert submit.post(peer.request(0, 5)).status_code == 200
    assert submit.post(peer.request(5, 5)).status_code == 200
    assert cosigned_size(peer) == 5


def test_the_cosignature_covers_extension_lines(peer, submit, witness_key):
    body = peer.body(4) + "time 1700000000\n"
    signed = note.sign(body, [peer.signer])
    response = submit.post(independent.add_checkpoint_request(0, [], signed))
    assert response.status_code == 200
    independent.verify_cosignature(body, response.content.decode(), str(witness_key.verifier))


def test_an_unknown_origin_is_404(peer, submit):
    stranger = PeerLog("stranger.example/log")
    assert submit.post(stranger.request(0, 3)).status_code == 404


def test_a_checkpoint_signed_only_by_an_unknown_key_is_403(peer, submit):
    impostor = note.Signer.from_seed(peer.origin, hashlib.sha256(b"impostor").digest())
    assert submit.post(peer.request(0, 3, signers=[impostor])).status_code == 403
    assert cosigned_size(peer) == 0


def test_a_bad_signature_by_the_trusted_key_is_403(peer, submit):
    signed = peer.note(3)
    forged = signed.replace(peer.body(3), peer.body(4))
    assert submit.post(independent.add_checkpoint_request(0, [], forged)).status_code == 403


def test_a_removed_key_no_longer_makes_a_checkpoint_acceptable(peer, submit):
    services.remove_key(origin=peer.origin, key_id=f"{peer.signer.key_id:08x}")
    assert submit.post(peer.request(0, 3)).status_code == 403


def test_a_checkpoint_with_a_second_signature_by_an_unknown_key_is_cosigned(peer, submit):
    grease = note.Signer.from_seed("grease.invalid", hashlib.sha256(b"grease").digest())
    assert submit.post(peer.request(0, 3, signers=[peer.signer, grease])).status_code == 200


def test_a_malformed_request_is_400(peer, submit):
    assert submit.post(b"old 0\n").status_code == 400
    assert submit.post(b"hello\n\n" + peer.note(3).encode()).status_code == 400


def test_an_old_size_above_the_checkpoints_size_is_400(peer, submit):
    assert submit.post(peer.request(0, 10)).status_code == 200
    body = independent.add_checkpoint_request(10, [bytes(32)], peer.note(4))
    assert submit.post(body).status_code == 400
    assert cosigned_size(peer) == 10


def test_an_old_size_that_is_not_the_witnesss_is_409_with_the_witnesss_size(peer, submit):
    assert submit.post(peer.request(0, 10)).status_code == 200
    response = submit.post(peer.request(4, 12))
    assert response.status_code == 409
    assert response["Content-Type"] == "text/x.tlog.size"
    assert response.content == b"10\n"
    # The client retries from the size it was told, and succeeds.
    assert submit.post(peer.request(10, 12)).status_code == 200


def test_a_first_request_that_claims_an_old_size_is_409_with_size_zero(peer, submit):
    response = submit.post(peer.request(5, 10))
    assert (response.status_code, response.content) == (409, b"0\n")


def test_a_bad_consistency_proof_is_422(peer, submit):
    assert submit.post(peer.request(0, 10)).status_code == 200
    proof = peer.proof(10, 20)
    proof[0] = bytes(32)
    assert submit.post(peer.request(10, 20, proof=proof)).status_code == 422
    assert cosigned_size(peer) == 10


def test_a_fork_a_tree_that_does_not_extend_the_cosigned_one_is_422(peer, submit):
    assert submit.post(peer.request(0, 10)).status_code == 200
    fork = PeerLog(peer.origin)
    fork.leaves[3] = b"rewritten history"
    # The fork's own proof is valid for the fork, but the witness holds the true size-10 root.
    assert submit.post(fork.request(10, 20)).status_code == 422


def test_the_same_size_with_a_different_root_is_422(peer, submit):
    assert submit.post(peer.request(0, 10)).status_code == 200
    other = [b"other"] * 10
    assert submit.post(peer.request(10, 10, leaves=other)).status_code == 422
    assert WitnessedLog.objects.get(origin=peer.origin).checkpoint == peer.note(10)


def test_a_proof_with_old_size_zero_is_422(peer, submit):
    assert submit.post(peer.request(0, 10, proof=[bytes(32)])).status_code == 422


def test_a_body_over_64_kib_is_413(peer, submit):
    assert submit.post(peer.request(0, 3) + b"x" * 65 * 1024).status_code == 413


def test_the_endpoint_needs_no_csrf_token(peer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/witness/add-checkpoint", peer.request(0, 3), content_type="text/plain")
    assert response.status_code == 200


def test_a_get_is_refused(peer, submit):
    assert submit.client.get("/witness/add-checkpoint").status_code == 405


def test_the_monitoring_endpoint_serves_the_latest_cosigned_checkpoint(peer, submit, witness_key):
    url = f"/witness/{hashlib.sha256(peer.origin.encode()).hexdigest()}/checkpoint"
    assert submit.client.get(url).status_code == 404
    assert submit.post(peer.request(0, 5)).status_code == 200
    assert submit.post(peer.request(5, 9)).status_code == 200
    response = submit.client.get(url)
    assert response.status_code == 200
    served = response.content.decode()
    text, _ = independent.open_note(served, [peer.vkey])
    assert text == peer.body(9)
    cosignature_line = served.splitlines(keepends=True)[-1]
    independent.verify_cosignature(text, cosignature_line, str(witness_key.verifier))


def test_the_monitoring_endpoint_is_404_for_an_unknown_origin(submit, db):
    assert submit.client.get(f"/witness/{'0' * 64}/checkpoint").status_code == 404


def test_before_the_witness_key_exists_the_endpoint_answers_503(key_dir, submit):
    assert submit.post(PeerLog().request(0, 3)).status_code == 503
