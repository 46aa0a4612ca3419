"""Key rotation with overlap: both keys sign during the transition; retiring drops one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from hashbank.ledger import keys as key_files
from hashbank.ledger import roots as ledger_roots
from hashbank.ledger import selectors
from member_portal.feed import note, rootdoc

pytestmark = pytest.mark.django_db


def roots() -> list[rootdoc.RootDocument]:
    return [rootdoc.parse(text) for text in selectors.root_documents()]


def signer_ids(signed: str) -> set[int]:
    return {sig.key_id for sig in note.split(signed)[1] if not note.is_grease(sig)}


@pytest.fixture
def rotated(publish_signals):
    publish_signals(2)
    (old_key,) = roots()[0].keys
    new_signer, _ = ledger_roots.rotate_keys()
    return old_key, new_signer.verifier


def test_keys_init_creates_one_key_file_and_root_version_1(signing_key):
    (root,) = roots()
    assert root.version == 1 and len(root.keys) == 1
    (path,) = signing_key.glob("*.key")
    assert path.name == f"{root.keys[0].key_id:08x}.key"
    assert path.stat().st_mode & 0o077 == 0


def test_keys_init_is_idempotent(signing_key):
    assert ledger_roots.init_keys() is None
    call_command("keys", "init", stdout=io.StringIO())
    assert len(roots()) == 1 and len(list(signing_key.glob("*.key"))) == 1


def test_after_rotation_the_root_lists_both_keys_and_is_signed_by_both(rotated):
    old, new = rotated
    v1, v2 = roots()
    assert v2.version == 2 and set(v2.keys) == {old, new}
    assert signer_ids(v2.signed) == {old.key_id, new.key_id}


def test_the_new_root_verifies_from_the_old_one(rotated):
    v1_text, v2_text = selectors.root_documents()
    trusted = rootdoc.verify_first(v1_text)
    assert rootdoc.verify_next(trusted, v2_text).version == 2


def test_during_the_overlap_checkpoints_carry_two_signatures(rotated, publish_signals):
    old, new = rotated
    publish_signals(1)
    signed = selectors.latest_checkpoint().note
    assert signer_ids(signed) == {old.key_id, new.key_id}


@pytest.mark.parametrize("which", [0, 1])
def test_during_the_overlap_a_checkpoint_verifies_with_either_key_alone(
    rotated, publish_signals, which, settings
):
    publish_signals(1)
    key = rotated[which]
    text, good = note.open_note(selectors.latest_checkpoint().note, [key])
    assert good == [key]
    assert text.startswith(f"{settings.HASHBANK_ORIGIN}\n")


def test_rotation_re_signs_the_latest_checkpoint_with_both_keys(rotated):
    old, new = rotated
    assert signer_ids(selectors.latest_checkpoint().note) == {old.key_id, new.key_id}


def test_retiring_a_key_publishes_a_root_without_it(rotated):
    old, new = rotated
    ledger_roots.retire_key(old.key_id)
    v3 = roots()[-1]
    assert v3.version == 3 and v3.keys == (new,)
    trusted = rootdoc.verify_first(selectors.root_documents()[0])
    for text in selectors.root_documents()[1:]:
        trusted = rootdoc.verify_next(trusted, text)
    assert trusted.version == 3


def test_retiring_moves_the_key_file_out_of_the_signing_directory(rotated, signing_key):
    old, _ = rotated
    ledger_roots.retire_key(old.key_id)
    assert not (signing_key / f"{old.key_id:08x}.key").exists()
    assert (signing_key / "retired" / f"{old.key_id:08x}.key").exists()
    assert old.key_id not in {s.key_id for s in key_files.all_signers()}


def test_after_retirement_checkpoints_verify_with_the_remaining_key_only(rotated, publish_signals):
    old, new = rotated
    ledger_roots.retire_key(old.key_id)
    publish_signals(1)
    signed = selectors.latest_checkpoint().note
    assert signer_ids(signed) == {new.key_id}
    assert note.open_note(signed, [new])[1] == [new]
    with pytest.raises(note.NoteError, match="no signature by a trusted key"):
        note.open_note(signed, [old])


def test_the_last_key_cannot_be_retired(signing_key):
    (only,) = roots()[0].keys
    with pytest.raises(Exception, match="last key"):
        ledger_roots.retire_key(only.key_id)


def test_keys_commands_rotate_and_retire_by_hex_id(signing_key, publish_signals):
    publish_signals(1)
    (old,) = roots()[0].keys
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "root document version 2" in out.getvalue()
    call_command("keys", "retire", f"{old.key_id:08x}", stdout=out)
    assert roots()[-1].version == 3 and old not in roots()[-1].keys
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    assert "version 3" in status.getvalue() and "loaded" in status.getvalue()


def test_the_health_check_reports_a_loaded_key(signing_key):
    from hashbank.ledger.health import check_signing_key

    ok, detail = check_signing_key()
    assert ok and "root version 1" in detail
