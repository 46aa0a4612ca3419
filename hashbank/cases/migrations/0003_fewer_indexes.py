"""Drop indexes nothing reads: the LIKE index that unique=True adds on PostgreSQL, and the
single-column foreign-key indexes that CaseSignal's composite indexes already serve."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_case_created_at_index"),
        ("signals", "0004_signal_add_seq"),
    ]

    operations = [
        # The new unique constraint first, so the number is never without one.
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("number",), name="one_case_per_number"),
        ),
        migrations.AlterField(
            model_name="case",
            name="number",
            field=models.CharField(max_length=16),
        ),
        migrations.AlterField(
            model_name="casesignal",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_signals",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="casesignal",
            name="signal",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_signals",
                to="signals.signal",
            ),
        ),
    ]
