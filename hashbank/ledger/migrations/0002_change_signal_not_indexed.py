"""The change queue is read in id order only: its foreign-key index was one more write per change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("signals", "0004_signal_add_seq"),
    ]

    operations = [
        migrations.AlterField(
            model_name="change",
            name="signal",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="signals.signal",
            ),
        ),
    ]
