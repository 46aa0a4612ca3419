from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_member_named_publicly"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="kind",
            field=models.CharField(
                choices=[("platform", "Platform"), ("peer", "Peer")],
                default="platform",
                max_length=16,
            ),
        ),
    ]
