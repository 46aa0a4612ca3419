"""The audit chain: entries link by hash, and tampering of any kind is detected."""

from __future__ import annotations

import pytest
from django.db import connection

from hashbank.audit.models import AppendOnlyError, AuditEntry
from hashbank.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db


def tamper(sql: str, params: list | None = None) -> None:
    """Change the table behind the application's back, as someone with database access could
    (on PostgreSQL they must first disable the append-only trigger)."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params or [])
        if postgres:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.fixture
def three_entries(django_user_model):
    user = django_user_model.objects.create_user("alice", password="x" * 16)
    first = record_event(actor=user, action="case.note_added", target="case:AB12", after={"n": 1})
    second = record_event(actor=None, action="key.rotated", after={"key": "abcd"})
    third = record_event(actor="bob", action="auth.login_failed", member="acme")
    return first, second, third


def test_entries_are_chained_from_genesis(three_entries):
    first, second, third = three_entries
    assert [e.seq for e in three_entries] == [0, 1, 2]
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert third.member == "acme" and first.actor_name == "alice"
    assert verify_chain().ok and verify_chain().checked == 3


def test_modified_entry_is_detected(three_entries):
    tamper("UPDATE audit_auditentry SET after = %s WHERE seq = 1", ['{"key": "ffff"}'])
    report = verify_chain()
    assert not report.ok
    assert report.first_bad_seq == 1
    assert "modified" in report.problem


def test_modified_actor_is_detected(three_entries):
    tamper("UPDATE audit_auditentry SET actor_name = 'mallory' WHERE seq = 0")
    assert verify_chain().first_bad_seq == 0


def test_deleted_entry_in_the_middle_is_detected(three_entries):
    tamper("DELETE FROM audit_auditentry WHERE seq = 1")
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == 1 and "missing" in report.problem


def test_deleted_last_entry_is_detected(three_entries):
    tamper("DELETE FROM audit_auditentry WHERE seq = 2")
    report = verify_chain()
    assert not report.ok and report.first_bad_seq == 2 and "deleted" in report.problem


def test_model_refuses_update_and_delete(three_entries):
    entry = three_entries[0]
    entry.action = "other"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=0).update(action="x")
    assert verify_chain().ok


def test_record_event_rolls_back_with_the_callers_transaction(django_user_model):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action="x.y")
        raise RuntimeError("the action failed")
    assert AuditEntry.objects.count() == 0
    assert verify_chain().ok
    assert record_event(actor=None, action="x.z").seq == 0


def test_verify_command_fails_on_a_modified_entry(three_entries):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact: 3 entries" in out.getvalue()
    tamper("UPDATE audit_auditentry SET target = 'case:ZZ' WHERE seq = 0")
    with pytest.raises(CommandError, match="entry 0: the entry was modified"):
        call_command("audit", "verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_updates_on_postgresql(three_entries):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'x' WHERE seq = 0")
