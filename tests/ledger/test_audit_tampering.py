"""`manage.py ledger verify` on a ledger tampered with raw SQL: it exits non-zero and names the
entry or checkpoint where the stored data stops matching."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hashbank.ledger import services
from hashbank.signals import services as signals

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(publish_signals):
    """Checkpoints at sizes 5, 8 and 10 (every seal ends with a state entry; the last seal is a
    removal)."""
    held = publish_signals(4)
    publish_signals(2)
    signals.release(signal=held[1], reason="withdrawn")
    services.seal()


def failing_verify() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="ledger verification failed"):
        call_command("ledger", "verify", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def leaf_of(seq: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT leaf FROM ledger_entry WHERE seq = %s", [seq])
        return bytes(cursor.fetchone()[0])


def test_an_untouched_ledger_verifies_with_exit_status_0(ledger):
    out, err = io.StringIO(), io.StringIO()
    call_command("ledger", "verify", stdout=out, stderr=err)
    assert "ledger verified" in out.getvalue() and "checked 10 entries" in out.getvalue()
    assert err.getvalue() == ""


def test_a_flipped_byte_in_a_stored_leaf_is_reported_at_the_first_checkpoint_covering_it(ledger):
    leaf = bytearray(leaf_of(2))
    leaf[20] ^= 0x01
    sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", [bytes(leaf), 2])
    err = failing_verify()
    assert "entry 4: state entry differs from the active set before it" in err
    assert "checkpoint 5: stored root differs" in err
    assert "checkpoint 5: active-set count or digest differs" in err


def test_a_leaf_that_no_longer_decodes_is_reported_by_its_seq(ledger):
    leaf = bytearray(leaf_of(5))
    leaf[1] = 9
    sql("UPDATE ledger_entry SET leaf = %s WHERE seq = %s", [bytes(leaf), 5])
    assert "entry 5: unknown leaf kind 9" in failing_verify()


def test_an_edited_checkpoint_note_is_reported_by_its_size(ledger):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM ledger_checkpoint WHERE size = 8")
        (text,) = cursor.fetchone()
    lines = text.split("\n")
    lines[3] = "time 1"
    sql("UPDATE ledger_checkpoint SET note = %s WHERE size = 8", ["\n".join(lines)])
    err = failing_verify()
    assert "checkpoint 8: signature or format" in err and "invalid signature" in err


def test_a_replaced_stored_root_is_reported_by_its_size(ledger):
    sql("UPDATE ledger_checkpoint SET root = %s WHERE size = 10", [bytes(32)])
    assert "checkpoint 10: stored root differs" in failing_verify()


def test_a_deleted_entry_row_is_reported_as_missing(ledger):
    sql("DELETE FROM ledger_entry WHERE seq = %s", [3])
    assert "entry 3: missing (next stored entry is 4)" in failing_verify()


def test_two_swapped_leaves_are_reported(ledger):
    first, second = leaf_of(0), leaf_of(1)
    sql("UPDATE ledger_entry SET leaf = %s WHERE seq = 0", [second])
    sql("UPDATE ledger_entry SET leaf = %s WHERE seq = 1", [first])
    assert "checkpoint 5: stored root differs" in failing_verify()


def test_a_tampered_root_document_is_reported(ledger):
    sql(
        "UPDATE ledger_rootdocument SET note = replace(note, 'version 1', 'version 9') WHERE version = 1",
        [],
    )
    assert "root documents:" in failing_verify()
