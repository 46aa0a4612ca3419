"""Snapshots of mirrored origins beside the bank's own: (origin, size, basis) is unique, no
longer the size alone. The existing rows are the bank's own (origin_id empty)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="origin_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="snapshot",
            name="basis",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AlterField(
            model_name="snapshot",
            name="size",
            field=models.BigIntegerField(help_text="tree size of the checkpoint it matches"),
        ),
        migrations.AddConstraint(
            model_name="snapshot",
            constraint=models.UniqueConstraint(
                fields=("origin_id", "size", "basis"), name="api_snapshot_unique_origin_size"
            ),
        ),
    ]
