"""The change queue now belongs to signals (its table is signals 0005's). Queued rows move over in
id order, with their times, and the old table goes, in this one migration's transaction; on
PostgreSQL the old table is locked first, so a process still running the previous release
cannot queue a change that the copy misses (it waits, then fails loudly on the dropped table).
Stop the web and worker processes for this upgrade's `migrate` (docs/operations.md)."""

from django.db import migrations


def move_queue(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE ledger_change IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "INSERT INTO signals_change (signal_id, kind, reason, created_at)"
            " SELECT signal_id, kind, reason, created_at FROM ledger_change ORDER BY id"
        )


def move_queue_back(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_change (signal_id, kind, reason, created_at)"
            " SELECT signal_id, kind, reason, created_at FROM signals_change ORDER BY id"
        )
        cursor.execute("DELETE FROM signals_change")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_change_and_entry_signal_unconstrained"),
        ("signals", "0005_change_outbox"),
    ]

    operations = [
        migrations.RunPython(move_queue, move_queue_back),
        migrations.DeleteModel(name="Change"),
    ]
