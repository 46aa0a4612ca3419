"""Root-of-trust documents chain like TUF roots: version n+1 is signed by n's keys and its own."""

from __future__ import annotations

import pytest

from member_portal import verify
from member_portal.feed import rootdoc
from tests.verify.builder import NOW, Bank, pdq, signer

OLD, NEW = signer("key-1"), signer("key-2")


def chain() -> list[str]:
    bank = Bank(signers=[OLD])
    v1 = bank.root_document(1, keys=[OLD.verifier], signers=[OLD])
    v2 = bank.root_document(2, keys=[OLD.verifier, NEW.verifier], signers=[OLD, NEW])  # overlap
    v3 = bank.root_document(3, keys=[NEW.verifier], signers=[OLD, NEW])  # old key retired
    return [v1, v2, v3]


def test_rotation_with_overlap_is_followed_to_the_newest_root() -> None:
    v1, v2, v3 = chain()
    root = verify.trust_root(v1, [v2, v3], now=NOW)
    assert root.version == 3
    assert [k.key_id for k in root.keys] == [NEW.key_id]


def test_during_the_overlap_checkpoints_by_either_key_verify() -> None:
    v1, v2, _ = chain()
    root = verify.trust_root(v1, [v2], now=NOW)
    bank = Bank(signers=[OLD, NEW])
    bank.add(pdq(1))
    for signers in ([OLD], [NEW], [OLD, NEW]):
        verify.verify_checkpoint(bank.checkpoint_note(signers=signers), root)


def test_after_retirement_the_old_key_no_longer_verifies() -> None:
    v1, v2, v3 = chain()
    root = verify.trust_root(v1, [v2, v3], now=NOW)
    bank = Bank(signers=[OLD])
    with pytest.raises(verify.VerificationError, match="no signature by a trusted key"):
        verify.verify_checkpoint(bank.checkpoint_note(), root)


def test_next_root_not_signed_by_the_previous_keys_is_rejected() -> None:
    v1, _, _ = chain()
    intruder = signer("intruder")
    bad = Bank().root_document(2, keys=[intruder.verifier], signers=[intruder])
    with pytest.raises(verify.VerificationError, match="previous root"):
        verify.trust_root(v1, [bad], now=NOW)


def test_next_root_not_signed_by_its_own_new_key_is_rejected() -> None:
    v1, _, _ = chain()
    bad = Bank().root_document(2, keys=[OLD.verifier, NEW.verifier], signers=[OLD])
    with pytest.raises(verify.VerificationError, match="every key it lists"):
        verify.trust_root(v1, [bad], now=NOW)


def test_skipped_root_version_is_rejected() -> None:
    v1, _, v3 = chain()
    with pytest.raises(verify.VerificationError, match="expected root version 2"):
        verify.trust_root(v1, [v3], now=NOW)


def test_root_for_another_origin_is_rejected() -> None:
    v1, _, _ = chain()
    text = rootdoc.render("evil.example/log", 2, NOW + 10, [OLD.verifier])
    from member_portal.feed import note

    with pytest.raises(verify.VerificationError, match="another origin"):
        verify.trust_root(v1, [note.sign(text, [OLD])], now=NOW)


def test_expired_newest_root_is_rejected_even_if_older_ones_were_valid() -> None:
    bank = Bank(signers=[OLD])
    v1 = bank.root_document(1, keys=[OLD.verifier], signers=[OLD], expires=NOW + 100)
    v2 = bank.root_document(2, keys=[OLD.verifier], signers=[OLD], expires=NOW - 100)
    with pytest.raises(verify.VerificationError, match="expired"):
        verify.trust_root(v1, [v2], now=NOW)


def test_first_root_must_be_signed_by_all_its_keys() -> None:
    bad = Bank().root_document(1, keys=[OLD.verifier, NEW.verifier], signers=[OLD])
    with pytest.raises(verify.VerificationError):
        verify.trust_root(bad, now=NOW)
