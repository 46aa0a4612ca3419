"""The change queue: no index on signal (read in id order only). The queue and the entries: no
database foreign-key constraint on signal, which cost an index probe per row at every seal;
`manage.py ledger verify` checks that every entry names an existing signal."""

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
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="signals.signal",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="signal",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="signals.signal",
            ),
        ),
    ]
