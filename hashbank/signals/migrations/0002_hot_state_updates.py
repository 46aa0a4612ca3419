"""Let the seal's state updates be HOT on PostgreSQL: drop the index on `state` and leave free
space in each page (fillfactor 50: a row is rewritten when published and when removed), so
publishing a batch touches no index."""

from django.db import migrations


def set_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE signals_signal SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE signals_signal RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="signal", name="signals_sig_state_f4d159_idx"),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]
