"""Move what members acknowledged before receipts existed (members_syncposition.last_acked_*)
into the domain's applied positions; members 0003 then drops those columns."""

from django.db import migrations


def copy_acks(apps, schema_editor):
    SyncPosition = apps.get_model("members", "SyncPosition")
    AppliedPosition = apps.get_model("receipts", "AppliedPosition")
    Acknowledgement = apps.get_model("receipts", "Acknowledgement")
    for row in SyncPosition.objects.filter(last_acked_size__isnull=False).iterator():
        at = row.last_acked_at or row.last_pulled_at
        AppliedPosition.objects.update_or_create(
            member_id=row.member_id, defaults={"size": row.last_acked_size, "at": at}
        )
        Acknowledgement.objects.create(member_id=row.member_id, size=row.last_acked_size, at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("receipts", "0001_receipt_keys_and_applied_positions"),
        ("members", "0002_member_named_publicly"),
    ]

    operations = [migrations.RunPython(copy_acks, migrations.RunPython.noop)]
