"""Grease signatures (as Sunlight's): every checkpoint the bank signs carries a signature line of a
random unknown key, which every verifier we ship (and the independent one) ignores."""

from __future__ import annotations

import base64

import pytest

from hashbank.ledger import selectors, services
from member_portal import verify
from member_portal.feed import note
from tests.fixtures.ledger import hold_many
from tests.verify import independent

pytestmark = pytest.mark.django_db


def grease_of(signed: str) -> list[note.Signature]:
    return [sig for sig in note.split(signed)[1] if note.is_grease(sig)]


def test_every_signed_checkpoint_carries_a_new_grease_signature(signing_key) -> None:
    hold_many(2)
    first = services.seal()
    again = services.seal(force_sign=True)
    (one,), (two,) = grease_of(first.note), grease_of(again.note)
    assert one.name != two.name and one.key_id != two.key_id
    assert one.name.endswith(".grease.invalid")


def test_grease_lines_differ_in_name_key_id_and_length() -> None:
    lines = [note.grease_line() for _ in range(20)]
    names = {line.split(" ")[1] for line in lines}
    lengths = {len(base64.b64decode(line.split(" ")[2])) for line in lines}
    assert len(names) == 20 and len(lengths) > 1


def test_our_verifier_and_the_independent_one_ignore_the_grease(signing_key) -> None:
    hold_many(2)
    checkpoint = services.seal()
    root = selectors.current_root()
    assert grease_of(checkpoint.note)
    assert verify.verify_checkpoint(checkpoint.note, root).size == checkpoint.size
    _text, names = independent.open_note(checkpoint.note, [str(k) for k in root.keys])
    assert names == [k.name for k in root.keys]


def test_a_note_signed_only_by_grease_is_not_trusted(signing_key) -> None:
    hold_many(1)
    text, _ = note.split(services.seal().note)
    greased_only = text + "\n" + note.grease_line()
    with pytest.raises(verify.VerificationError, match="no signature by a trusted key"):
        verify.verify_checkpoint(greased_only, selectors.current_root())


def test_a_trusted_keys_signature_of_the_wrong_length_is_refused(signing_key) -> None:
    hold_many(1)
    signed = services.seal().note
    text, sigs = note.split(signed)
    (real,) = [s for s in sigs if not note.is_grease(s)]
    short = base64.b64encode(real.key_id.to_bytes(4, "big") + real.signature[:40]).decode()
    with pytest.raises(verify.VerificationError, match="invalid signature"):
        verify.verify_checkpoint(
            f"{text}\n{note.SIG_PREFIX}{real.name} {short}\n", selectors.current_root()
        )
