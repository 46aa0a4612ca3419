"""`manage.py ledger verify` recomputes the tree and checks every checkpoint; it says where."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hashbank.ledger import services
from hashbank.ledger.models import Checkpoint, Entry
from tests.fixtures.ledger import hold_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(signing_key) -> None:
    hold_many(4)
    services.seal()
    hold_many(3)
    services.seal()


def test_clean_ledger_verifies(sealed, capsys) -> None:
    call_command("ledger", "verify")
    assert "ledger verified" in capsys.readouterr().out


def test_flipped_bit_in_a_stored_leaf_is_reported_with_its_place(sealed, capsys) -> None:
    entry = Entry.objects.get(seq=2)
    leaf = bytearray(entry.leaf)
    leaf[20] ^= 1
    Entry.objects.filter(seq=2).update(leaf=bytes(leaf))
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert "checkpoint 5" in capsys.readouterr().err


def test_missing_entry_is_reported(sealed, capsys) -> None:
    Entry.objects.filter(seq=5).delete()
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert "entry 5: missing" in capsys.readouterr().err


def test_forged_checkpoint_signature_is_reported(sealed, capsys) -> None:
    cp = Checkpoint.objects.get(size=9)
    text, sig = cp.note.rsplit(" ", 1)
    forged = text + " " + sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    Checkpoint.objects.filter(pk=cp.pk).update(note=forged)
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert "checkpoint 9" in capsys.readouterr().err


def test_an_entry_naming_a_missing_signal_is_reported(sealed, capsys) -> None:
    Entry.objects.filter(seq=3).update(signal_id=10**9)
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert f"entry 3: names signal {10**9}, which does not exist" in capsys.readouterr().err
