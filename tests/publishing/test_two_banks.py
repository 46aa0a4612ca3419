"""Two banks on one machine witness each other (issue 13): separate processes, ports, SQLite files
and keys, set up with the real commands; each one's policy names the other's witness.

Each bank publishes a checkpoint only with the other's valid cosignature on it (its /log/checkpoint
and its member API agree); the witness at /witness/add-checkpoint answers a fork, a rollback, a bad
signature and an unknown origin with tlog-witness's status codes; and once bank B is stopped,
bank A (fail-closed) does not publish its next seal and says why on /readyz.
"""

from __future__ import annotations

import base64

import pytest

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, note
from tests.fixtures.values import pdq
from tests.publishing.banks import Bank, wait_for
from tests.verify import independent

# Publish-or-skip after 2 s instead of 5 s, so /readyz turns in the test's time.
PUBLISH_TIMEOUT = "2"


@pytest.fixture(scope="module")
def banks(tmp_path_factory):
    a = Bank("a", tmp_path_factory.mktemp("bank-a"), HASHBANK_PUBLISH_TIMEOUT=PUBLISH_TIMEOUT)
    b = Bank("b", tmp_path_factory.mktemp("bank-b"), HASHBANK_PUBLISH_TIMEOUT=PUBLISH_TIMEOUT)
    try:
        for bank in (a, b):
            bank.first_start()
        # Each policy: the other bank's witness (its add-checkpoint prefix), and the quorum it is.
        for bank, other in ((a, b), (b, a)):
            bank.policy.write_text(
                f"# {bank.name}'s witnesses\n"
                f"witness {other.name} {other.witness_vkey} {other.url}/witness\n"
                f"quorum {other.name}\n"
            )
        for bank in (a, b):
            bank.start()
        # Each witness trusts the other's log keys, as the operator adds them from discovery.
        for bank, other in ((a, b), (b, a)):
            found = other.discovery()
            assert found["origin"] == other.origin
            bank.manage("witness", "add-log", other.origin, *found["log_keys"])
        yield a, b
    finally:
        a.stop()
        b.stop()


def log_verifiers(bank: Bank) -> list[note.Verifier]:
    return [note.Verifier.parse(k) for k in bank.discovery()["log_keys"]]


def cosigned_by(signed: str, witness: Bank) -> list[cosignature.Cosignature]:
    return cosignature.cosignatures(
        signed, [cosignature.CosignatureVerifier.parse(witness.witness_vkey)]
    )


def published_size(bank: Bank) -> int:
    response = bank.get("/log/checkpoint")
    if response.status != 200:
        return 0
    return checkpoints.parse_body(note.split(response.text)[0]).size


def assert_published_with_cosignature(bank: Bank, witness: Bank, size: int) -> str:
    """The bank's /log/checkpoint and member API serve the same note, of `size`, signed by the
    bank's log key and validly cosigned by the other bank's witness."""
    tiles_note = wait_for(
        lambda: (
            (r := bank.get("/log/checkpoint")).status == 200
            and published_size(bank) == size
            and r.text
        ),
        timeout=30,
        what=f"bank {bank.name} publishes size {size}",
    )
    text, _ = note.open_note(tiles_note, log_verifiers(bank))
    assert checkpoints.parse_body(text).origin == bank.origin
    (cosig,) = cosigned_by(tiles_note, witness)
    assert cosig.name == witness.witness_vkey.split("+")[0]
    api = bank.member_checkpoint()
    assert api.status == 200, api.text
    assert api.text == tiles_note
    return tiles_note


def test_each_bank_publishes_only_checkpoints_the_other_bank_cosigned(banks):
    a, b = banks
    for bank, hashes in ((a, 3), (b, 2)):
        response = bank.submit([pdq() for _ in range(hashes)])
        assert response.status == 201, response.text
    # One seal each: the hashes, then the seal's state entry.
    assert_published_with_cosignature(a, b, 3 + 1)
    assert_published_with_cosignature(b, a, 2 + 1)
    # What each witness holds is what the other published.
    for bank, witness in ((a, b), (b, a)):
        digest = independent.sha256(bank.origin.encode()).hex()
        held = witness.get(f"/witness/{digest}/checkpoint")
        assert held.status == 200
        assert held.text == bank.get("/log/checkpoint").text


def test_the_witness_answers_fork_rollback_bad_signature_and_unknown_origin_with_the_spec_codes(
    banks,
):
    a, b = banks
    # A witnesses B; the test holds B's log key (its key file), as a forking B would.
    signer = next(note.Signer.parse(p.read_text()) for p in (b.directory / "keys").glob("*.key"))
    wait_for(lambda: published_size(b) >= 2, what="bank b published")
    current = b.get("/log/checkpoint").text
    body = checkpoints.parse_body(note.split(current)[0])
    size = body.size

    def signed(size: int, root: bytes, signers=(signer,), origin: str = b.origin) -> str:
        return note.sign(f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n", list(signers))

    # A fork: a second root for the size A cosigned.
    fork = a.add_checkpoint(
        independent.add_checkpoint_request(size, [], signed(size, independent.sha256(b"other")))
    )
    assert fork.status == 422, fork.text
    # A rollback: a smaller tree, from a size that is not A's: 409 with A's size.
    rollback = a.add_checkpoint(
        independent.add_checkpoint_request(0, [], signed(1, independent.sha256(b"one leaf")))
    )
    assert rollback.status == 409
    assert rollback.headers["Content-Type"] == "text/x.tlog.size"
    assert rollback.body == f"{size}\n".encode()
    # A bad signature: B's origin, a key A does not trust for it.
    forger = note.Signer.generate(b.origin)
    bad = a.add_checkpoint(
        independent.add_checkpoint_request(size, [], signed(size, body.root, signers=(forger,)))
    )
    assert bad.status == 403, bad.text
    # An unknown origin.
    stranger = note.Signer.generate("stranger.example/log")
    unknown = a.add_checkpoint(
        independent.add_checkpoint_request(
            0, [], signed(1, body.root, signers=(stranger,), origin="stranger.example/log")
        )
    )
    assert unknown.status == 404, unknown.text
    # None of these moved A's witness: B's real checkpoint is still what it holds.
    digest = independent.sha256(b.origin.encode()).hex()
    assert a.get(f"/witness/{digest}/checkpoint").text == current


def test_with_the_other_bank_stopped_a_fail_closed_bank_does_not_publish_and_says_why(banks):
    a, b = banks
    wait_for(lambda: published_size(a) >= 3, what="bank a published")
    before = a.get("/log/checkpoint").text
    assert a.get("/readyz").status == 200
    b.stop()
    response = a.submit([pdq()])
    assert response.status == 201, response.text  # the person's submission is never refused

    def not_ready():
        readyz = a.get("/readyz")
        return readyz.status == 503 and readyz.json()

    body = wait_for(not_ready, timeout=30, what="bank a's /readyz reports the missing quorum")
    detail = body["checks"]["witness_quorum"]["detail"]
    assert detail.startswith("witness quorum not met since ")
    assert "b unreachable" in detail
    assert body["checks"]["witness_quorum"]["ok"] is False
    # Members are still shown the last cosigned checkpoint, on both read paths.
    assert a.get("/log/checkpoint").text == before
    assert a.member_checkpoint().text == before
    status = a.manage("publishing", "status")
    assert "witness quorum not met since" in status
    assert "b (" in status and "unreachable" in status
