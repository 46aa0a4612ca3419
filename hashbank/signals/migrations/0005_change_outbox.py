"""The change queue moves from the ledger to signals, its one writer (the outbox). This creates
the new table; ledger 0003 moves the queued rows into it and drops the old one, in one
transaction."""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
