"""An index on Case.created_at: the staff dashboard counts submissions per day over two weeks."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["created_at"], name="case_created_at"),
        ),
    ]
