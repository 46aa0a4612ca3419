"""The tlog-witness bodies in member_portal/feed/witness.py, against the independent encoding."""

from __future__ import annotations

import pytest

from member_portal.feed import witness as wire
from tests.verify import independent
from tests.witness.peer import PeerLog


def test_an_add_checkpoint_request_encodes_as_the_spec_and_the_independent_encoder_write_it():
    log = PeerLog()
    proof = log.proof(7, 20)
    request = wire.AddCheckpoint(7, tuple(proof), log.note(20))
    assert request.encode() == independent.add_checkpoint_request(7, proof, log.note(20))
    assert request.encode().startswith(b"old 7\n")


def test_an_add_checkpoint_request_parses_back_with_its_checkpoint():
    log = PeerLog()
    parsed = wire.parse_add_checkpoint(log.request(7, 20))
    assert (parsed.old_size, list(parsed.proof)) == (7, log.proof(7, 20))
    checkpoint = parsed.checkpoint()
    assert (checkpoint.origin, checkpoint.size) == (log.origin, 20)
    assert checkpoint.text() == log.body(20)


def test_a_request_from_size_zero_has_no_proof_lines():
    log = PeerLog()
    body = log.request(0, 5)
    assert body.startswith(b"old 0\n\n")
    assert wire.parse_add_checkpoint(body).proof == ()


def test_extension_lines_are_kept_in_the_checkpoint():
    text = PeerLog().body(3) + "time 5\nactive 1 x\n"
    assert wire.parse_checkpoint_body(text).extensions == ("time 5", "active 1 x")
    assert wire.parse_checkpoint_body(text).text() == text


NOTE = PeerLog().note(3).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"old 1\n",  # no blank line, no note
        b"new 1\n\n" + NOTE,
        b"old 01\n\n" + NOTE,
        b"old -1\n\n" + NOTE,
        b"old x\n\n" + NOTE,
        b"old 99999999999999999999\n\n" + NOTE,
        b"old 1\nnot base64!\n\n" + NOTE,
        b"old 1\nAAAA\n\n" + NOTE,  # a 3-byte hash
        b"old 0\n\nno signatures here\n",
        b"old 0\n\n" + NOTE.replace(b"\n3\n", b"\nthree\n"),
        b"\xff\xfe\n\n" + NOTE,
    ],
)
def test_a_malformed_request_is_refused(body):
    with pytest.raises(wire.WitnessRequestError):
        wire.parse_add_checkpoint(body)


def test_a_request_with_more_proof_hashes_than_any_tree_needs_is_refused():
    log = PeerLog()
    body = independent.add_checkpoint_request(1, [bytes(32)] * 64, log.note(3))
    with pytest.raises(wire.WitnessRequestError):
        wire.parse_add_checkpoint(body)


def test_a_checkpoint_whose_root_is_not_32_bytes_is_refused():
    with pytest.raises(wire.WitnessRequestError):
        wire.parse_checkpoint_body("peer\n3\nAAAA\n")


def test_the_size_body_is_a_decimal_and_a_newline():
    assert wire.encode_size(42) == b"42\n"
    assert wire.parse_size(b"42\n") == 42
    with pytest.raises(wire.WitnessRequestError):
        wire.parse_size(b"42")
