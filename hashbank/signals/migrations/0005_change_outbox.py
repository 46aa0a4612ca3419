"""The change queue moves from the ledger to signals, its one writer (the outbox). Queued rows are
copied over in id order, so the next seal takes them in the order they were queued."""

import django.db.models.deletion
from django.db import migrations, models


def copy_queue(apps, schema_editor):
    old = apps.get_model("ledger", "Change")
    new = apps.get_model("signals", "Change")
    batch = []
    for row in old.objects.order_by("id").iterator(chunk_size=5000):
        batch.append(
            new(signal_id=row.signal_id, kind=row.kind, reason=row.reason, created_at=row.created_at)
        )
        if len(batch) == 5000:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0004_signal_add_seq"),
        ("ledger", "0002_change_and_entry_signal_unconstrained"),
    ]

    operations = [
        migrations.CreateModel(
            name="Change",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("add", "Add"), ("remove", "Remove")], max_length=6)),
                ("reason", models.CharField(blank=True, max_length=20)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "signal",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="signals.signal",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_queue, migrations.RunPython.noop),
    ]
