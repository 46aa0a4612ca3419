"""manage.py witness init | show | add-log | remove-key | remove-log | list, each change audited;
and firststart makes the witness key."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from hashbank import settings as project_settings
from hashbank.audit.models import AuditEntry
from hashbank.ledger import keys as ledger_keys
from hashbank.witness import keys
from hashbank.witness.models import LogKey, WitnessedLog
from member_portal.feed import cosignature, note
from tests.witness.peer import PeerLog

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("witness", *args, stdout=out)
    return out.getvalue()


def actions() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.order_by("seq").values_list("actor_name", "action"))


def test_init_creates_a_witness_key_file_once(key_dir, settings):
    settings.HASHBANK_WITNESS_NAME = "bank.example.org/witness"
    assert "Created witness key" in run("init")
    assert "exists: no key created" in run("init")
    (path,) = (key_dir / "witness").glob("*.key")
    assert path.stat().st_mode & 0o777 == 0o600
    assert cosignature.Cosigner.parse(path.read_text()).name == "bank.example.org/witness"
    assert actions() == [("manage.py", "witness.key_created")]


def test_the_witness_key_is_not_the_log_key_and_the_ledger_does_not_load_it(signing_key):
    run("init")
    log_keys = ledger_keys.all_signers()
    assert len(log_keys) == 1
    assert keys.load_cosigner().seed != log_keys[0].seed


def test_the_witness_name_defaults_to_the_origin_and_witness():
    assert project_settings.HASHBANK_WITNESS_NAME == f"{project_settings.HASHBANK_ORIGIN}/witness"


def test_show_prints_the_name_and_the_verifier_key_on_the_last_line(key_dir):
    run("init")
    out = run("show")
    vkey = out.splitlines()[-1]
    assert cosignature.CosignatureVerifier.parse(vkey) == keys.load_cosigner().verifier
    assert keys.witness_name() in out.splitlines()[0]


def test_show_without_a_key_says_to_run_init(key_dir):
    with pytest.raises(CommandError, match="witness init"):
        run("show")


def test_add_log_trusts_its_keys_and_list_shows_them(witness_key):
    peer = PeerLog()
    second = note.Signer.from_seed(peer.origin, hashlib.sha256(b"second").digest())
    run("add-log", peer.origin, peer.vkey, str(second.verifier))
    listing = run("list")
    assert f"{peer.origin}  never cosigned" in listing
    assert peer.vkey in listing and str(second.verifier) in listing
    assert "trusted already" in run("add-log", peer.origin, peer.vkey)
    assert actions()[-1] == ("manage.py", "witness.log_added")


def test_add_log_refuses_a_key_that_is_not_an_ed25519_log_key(witness_key):
    with pytest.raises(CommandError):
        run("add-log", "peer.example/log", "peer.example/log+00000000+AAAA")
    with pytest.raises(CommandError):
        run("add-log", "peer.example/log", str(witness_key.verifier))  # a cosigner key
    assert not WitnessedLog.objects.exists()


def test_remove_key_keeps_the_key_as_history(peer):
    kid = f"{peer.signer.key_id:08x}"
    assert peer.vkey in run("remove-key", peer.origin, kid)
    key = LogKey.objects.get()
    assert key.removed_at is not None
    assert f"removed  {peer.vkey}" in run("list")
    assert actions()[-1] == ("manage.py", "witness.key_removed")
    with pytest.raises(CommandError, match="no trusted key"):
        run("remove-key", peer.origin, kid)


def test_adding_a_removed_key_again_trusts_it_again(peer):
    run("remove-key", peer.origin, f"{peer.signer.key_id:08x}")
    assert "trusting" in run("add-log", peer.origin, peer.vkey)
    assert LogKey.objects.get().removed_at is None
    assert actions()[-1] == ("manage.py", "witness.keys_added")


def test_remove_log_forgets_a_log_never_cosigned(peer):
    run("remove-log", peer.origin)
    assert not WitnessedLog.objects.exists()
    assert actions()[-1] == ("manage.py", "witness.log_removed")


def test_remove_log_is_refused_once_the_log_was_cosigned(peer, submit):
    assert submit.post(peer.request(0, 3)).status_code == 200
    with pytest.raises(CommandError, match="cosigned at size 3"):
        run("remove-log", peer.origin)
    assert WitnessedLog.objects.filter(origin=peer.origin).exists()


def test_commands_on_an_unknown_log_fail(witness_key):
    with pytest.raises(CommandError):
        run("remove-log", "nobody.example/log")
    with pytest.raises(CommandError):
        run("remove-key", "nobody.example/log", "00000000")


def test_list_without_logs_says_how_to_add_one(db):
    assert "add-log" in run("list")


def test_firststart_creates_the_witness_key(key_dir):
    call_command("firststart", "--admin", "ops-lead", "--no-demo-member", stdout=io.StringIO())
    assert keys.load_cosigner() is not None
    call_command("firststart", "--admin", "ops-lead", "--no-demo-member", stdout=io.StringIO())
    assert len(list((key_dir / "witness").glob("*.key"))) == 1
