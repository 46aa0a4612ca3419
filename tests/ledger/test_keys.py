"""Keys live in files; root documents chain; rotation overlaps; retired keys stop signing."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command

from hashbank.core.errors import Conflict
from hashbank.ledger import health, roots, selectors, services
from hashbank.ledger.models import RootDocument
from member_portal import verify
from member_portal.feed import note
from tests.fixtures.ledger import hold_many
from tests.verify import independent

pytestmark = pytest.mark.django_db


def signed_by(checkpoint_note: str) -> set[int]:
    return {sig.key_id for sig in note.split(checkpoint_note)[1] if not note.is_grease(sig)}


def test_init_writes_a_private_key_file_and_a_self_signed_root(signing_key) -> None:
    (path,) = list(signing_key.glob("*.key"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("PRIVATE+KEY+")
    (root_note,) = selectors.root_documents()
    assert "PRIVATE" not in root_note
    root = verify.trust_root(root_note)
    assert root.version == 1 and [f"{k.key_id:08x}.key" for k in root.keys] == [path.name]


def test_init_is_idempotent(signing_key) -> None:
    assert roots.init_keys() is None
    call_command("keys", "init")
    assert RootDocument.objects.count() == 1 and len(list(signing_key.glob("*.key"))) == 1


def test_public_key_string_is_accepted_by_an_independent_signed_note_parser(signing_key) -> None:
    (vkey,) = selectors.public_keys()
    name, keyhash, pub = independent.parse_vkey(vkey)
    assert keyhash == independent.note_key_hash(name, b"\x01" + pub)


def test_rotation_overlaps_then_retirement_drops_the_old_key(signing_key) -> None:
    old_id = verify.trust_root(selectors.root_documents()[0]).keys[0].key_id
    new, doc = roots.rotate_keys()
    assert doc.version == 2
    hold_many(1)
    during = services.seal()
    assert signed_by(during.note) == {old_id, new.key_id}

    roots.retire_key(old_id)
    hold_many(1)
    after = services.seal()
    assert signed_by(after.note) == {new.key_id}
    assert (signing_key / "retired" / f"{old_id:08x}.key").exists()

    first, *later = selectors.root_documents()
    root = verify.trust_root(first, later)
    assert root.version == 3 and [k.key_id for k in root.keys] == [new.key_id]
    verify.verify_checkpoint(after.note, root)
    with pytest.raises(verify.VerificationError):
        verify.verify_checkpoint(after.note, verify.trust_root(first))


def test_retiring_the_last_key_is_refused(signing_key) -> None:
    (key,) = verify.trust_root(selectors.root_documents()[0]).keys
    with pytest.raises(Conflict):
        roots.retire_key(key.key_id)


def test_keys_commands_rotate_and_retire(signing_key, capsys) -> None:
    call_command("keys", "rotate")
    root = selectors.current_root()
    old = root.keys[0]
    call_command("keys", "retire", f"{old.key_id:08x}")
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "root document version 3" in out.lower()


def test_health_check_reports_a_loaded_key(signing_key, settings, tmp_path) -> None:
    assert health.check_signing_key()[0] is True
    settings.HASHBANK_KEY_DIR = tmp_path / "elsewhere"
    assert health.check_signing_key()[0] is False


def test_keys_can_come_from_the_environment_instead_of_files(
    signing_key, settings, tmp_path
) -> None:
    key_text = next(signing_key.glob("*.key")).read_text()
    settings.HASHBANK_KEY_DIR = tmp_path / "empty"
    settings.HASHBANK_SIGNING_KEYS = key_text
    hold_many(1)
    assert services.seal().size == 2  # the signal and the state entry
