"""A removal's portable proof (C2SP tlog-proof): the remove entry's inclusion proof with the
checkpoint and the receipts that cover it, checked offline by `python -m member_portal.verify
proof` and by the independent implementation in tests/verify/independent.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hashbank.cases import services as cases
from hashbank.ledger import selectors as ledger
from hashbank.receipts import selectors as receipts
from hashbank.signals.models import Signal
from member_portal import verify
from member_portal.feed import cosignature, rootdoc
from member_portal.members import services as members
from tests.fixtures.values import MD5_VALUE
from tests.receipts.conftest import pull, sign_receipt
from tests.verify import independent

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def removal(publish, member, other_member, api, other_api, settings):
    """An MD5 value published and withdrawn; both members receipt the removal's checkpoint."""
    publish()
    case, _ = publish([("md5", MD5_VALUE)])
    cases.withdraw(case=case)
    checkpoint = publish.seal()
    keys = []
    for who, client, name in (
        (member, api, "acme.example/r"),
        (other_member, other_api, "globex.example/r"),
    ):
        key = cosignature.Cosigner.generate(name)
        members.register_receipt_key(member=who, vkey=str(key.verifier))
        pull(client, checkpoint.size)
        members.post_receipt(member=who, receipt=sign_receipt(checkpoint.note, key))
        keys.append(str(key.verifier))
    return Signal.objects.get(value=MD5_VALUE), keys


def _root() -> rootdoc.RootDocument:
    return verify.trust_root(ledger.root_documents()[0])


def test_the_proof_verifies_offline_with_both_receipts(removal):
    signal, keys = removal
    text = receipts.removal_proof(signal)

    done = verify.verify_removal_proof(text, _root(), keys)

    assert done.target == signal.add_seq
    assert done.receipts == ["acme.example/r", "globex.example/r"]


def test_the_independent_implementation_agrees(removal, settings):
    signal, keys = removal
    text = receipts.removal_proof(signal)
    (log_vkey,) = [str(k) for k in _root().keys]

    checked = independent.verify_tlog_proof(text, log_vkey, settings.HASHBANK_ORIGIN, keys)

    assert checked["leaf"]["kind"] == 2 and checked["leaf"]["target"] == signal.add_seq
    assert sorted(checked["receipts"]) == ["acme.example/r", "globex.example/r"]


def test_the_command_line_checks_a_proof_file(removal, tmp_path):
    signal, keys = removal
    proof_file = tmp_path / "removal.tlog-proof"
    proof_file.write_text(receipts.removal_proof(signal))
    root_file = tmp_path / "root.note"
    root_file.write_text(ledger.root_documents()[0])
    args = [sys.executable, "-m", "member_portal.verify", "proof", "--root", str(root_file)]
    for key in keys:
        args += ["--receipt-key", key]

    done = subprocess.run([*args, str(proof_file)], cwd=ROOT, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert "applied by: acme.example/r, globex.example/r" in done.stdout


def test_a_tampered_proof_fails_in_both_implementations(removal, settings):
    signal, keys = removal
    lines = receipts.removal_proof(signal).split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("index "))
    lines[index] = f"index {int(lines[index][6:]) - 1}"
    tampered = "\n".join(lines)
    with pytest.raises(verify.VerificationError):
        verify.verify_removal_proof(tampered, _root(), keys)
    (log_vkey,) = [str(k) for k in _root().keys]
    with pytest.raises(AssertionError):
        independent.verify_tlog_proof(tampered, log_vkey, settings.HASHBANK_ORIGIN, keys)


def test_without_receipts_the_proof_still_shows_the_removal_is_in_the_log(publish, db):
    case, _ = publish([("md5", MD5_VALUE)])
    cases.withdraw(case=case)
    publish.seal()
    signal = Signal.objects.get(value=MD5_VALUE)

    done = verify.verify_removal_proof(receipts.removal_proof(signal), _root())

    assert (done.target, done.receipts) == (signal.add_seq, [])


def test_a_hash_never_removed_has_no_removal_proof(published):
    signal = Signal.objects.filter(state="active").first()
    assert receipts.removal_proof(signal) is None
