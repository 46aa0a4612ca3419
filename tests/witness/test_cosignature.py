"""tlog-cosignature/v1 in member_portal/feed/cosignature.py: FEDERATION.md's worked vector, and
notes that carry cosignatures beside the log's signature."""

from __future__ import annotations

import base64
import hashlib

import pytest

from member_portal.feed import cosignature, note
from tests.verify import independent

# ../shared/FEDERATION.md section 3, the worked vector: the checkpoint of docs/feed-format.md's
# worked example without its extension lines.
BODY = "example.org/hashbank\n3\nZepAS2lXoEPIZolKpliAyyEmDMNwAQDutNf+1sxOjsE=\n"
SEED = hashlib.sha256(b"hashbank federation example witness key").digest()
NAME = "witness.example.org/w1"
TIME = 1700000100
VKEY = "witness.example.org/w1+a9e6d775+BLxx/IleX7UDcMMak37MoCS9k+FzPoUV4ckcCUf/I3YE"
LINE = (
    "\u2014 witness.example.org/w1 qebXdQAAAABlU/Fk3hL5AjcWz47HNuke+sy8CasD/3ueZOvfl1UvsAfUbvieUGpi"
    "LvcAQmMMNew8mSNdPEwh1CPg6cRNiVC7hfbGAw==\n"
)


@pytest.fixture
def cosigner() -> cosignature.Cosigner:
    return cosignature.Cosigner.from_seed(NAME, SEED)


def test_the_worked_vectors_witness_key_is_reproduced(cosigner):
    assert str(cosigner.verifier) == VKEY
    assert str(cosignature.CosignatureVerifier.parse(VKEY)) == VKEY


def test_the_worked_vectors_cosignature_line_is_reproduced(cosigner):
    assert cosigner.cosign(BODY, TIME).line() == LINE


def test_the_worked_vector_verifies_in_the_feed_and_in_the_independent_implementation():
    parsed = cosignature.Cosignature.parse_line(LINE)
    assert (parsed.name, parsed.timestamp) == (NAME, TIME)
    cosignature.CosignatureVerifier.parse(VKEY).verify(BODY, parsed)
    assert independent.verify_cosignature(BODY, LINE, VKEY) == TIME


def test_the_signed_message_is_the_header_the_time_and_the_body():
    assert cosignature.message(BODY, TIME) == (b"cosignature/v1\ntime 1700000100\n" + BODY.encode())


def test_a_cosignature_does_not_verify_over_another_body_or_time(cosigner):
    verifier = cosigner.verifier
    line = cosigner.cosign(BODY, TIME)
    other = BODY.replace("\n3\n", "\n4\n")
    with pytest.raises(cosignature.CosignatureError):
        verifier.verify(other, line)
    later = cosignature.Cosignature(line.name, line.key_id, TIME + 1, line.signature)
    with pytest.raises(cosignature.CosignatureError):
        verifier.verify(BODY, later)


def test_a_cosigner_key_round_trips_through_its_private_key_text(cosigner):
    text = str(cosigner)
    assert text.startswith(f"PRIVATE+KEY+{NAME}+a9e6d775+")
    assert cosignature.Cosigner.parse(text) == cosigner


def test_a_log_key_is_not_taken_for_a_cosigner_key(cosigner):
    log_key = str(note.Signer.from_seed(NAME, SEED).verifier)
    assert log_key != VKEY  # the key id commits to the type, 0x01 against 0x04
    with pytest.raises(cosignature.CosignatureError):
        cosignature.CosignatureVerifier.parse(log_key)
    with pytest.raises(note.NoteError):
        note.Verifier.parse(VKEY)


@pytest.mark.parametrize(
    "line",
    [
        LINE.replace("\u2014", "-"),
        LINE.replace("qebX", "qeb!"),
        "\u2014 witness.example.org/w1 " + "A" * 100 + "==\n",
        LINE.replace(" qeb", "  qeb"),
    ],
)
def test_a_malformed_cosignature_line_is_refused(line):
    with pytest.raises(cosignature.CosignatureError):
        cosignature.Cosignature.parse_line(line)


def test_a_note_with_cosignatures_still_opens_with_the_log_key_alone(cosigner):
    log = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"log").digest())
    signed = note.sign(BODY, [log])
    cosigned = cosignature.append(signed, cosigner.cosign(BODY, TIME))
    text, good = note.open_note(cosigned, [log.verifier])
    assert (text, good) == (BODY, [log.verifier])
    # The independent reader, too, ignores the unknown (76-byte) signature.
    assert independent.open_note(cosigned, [str(log.verifier)]) == (BODY, ["example.org/hashbank"])


def test_the_cosignatures_of_a_note_are_found_and_checked_among_other_signatures(cosigner):
    log = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"log").digest())
    other = cosignature.Cosigner.from_seed("other.example/w", hashlib.sha256(b"w2").digest())
    cosigned = note.sign(BODY, [log]) + LINE + other.cosign(BODY, TIME + 5).line()
    (found,) = cosignature.cosignatures(cosigned, [cosigner.verifier])
    assert found.timestamp == TIME
    assert cosignature.cosignatures(cosigned, []) == []


def test_a_forged_cosignature_by_a_known_witness_is_an_error(cosigner):
    log = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"log").digest())
    forged = cosignature.Cosignature(NAME, cosigner.key_id, TIME, bytes(64))
    cosigned = note.sign(BODY, [log]) + forged.line()
    with pytest.raises(cosignature.CosignatureError):
        cosignature.cosignatures(cosigned, [cosigner.verifier])
    # A log verifier that knew the witness key as a log key would reject the note, not skip it.
    text, _ = note.open_note(cosigned, [log.verifier])
    assert text == BODY


def test_a_note_opens_past_an_unknown_signature_of_any_length():
    log = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"log").digest())
    odd = "\u2014 grease.invalid " + base64.b64encode(bytes(range(40))).decode() + "\n"
    assert note.open_note(note.sign(BODY, [log]) + odd, [log.verifier])[0] == BODY


def test_a_known_keys_signature_of_the_wrong_length_is_an_invalid_signature():
    log = note.Signer.from_seed("example.org/hashbank", hashlib.sha256(b"log").digest())
    short = base64.b64encode(log.key_id.to_bytes(4, "big") + bytes(10)).decode()
    with pytest.raises(note.NoteError, match="invalid signature"):
        note.open_note(f"{BODY}\n\u2014 example.org/hashbank {short}\n", [log.verifier])
