"""The change queue now belongs to signals (signals 0005 copied its rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_change_and_entry_signal_unconstrained"),
        ("signals", "0005_change_outbox"),
    ]

    operations = [migrations.DeleteModel(name="Change")]
