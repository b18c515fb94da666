# Written by hand (issue 16, point 14): only the imported flag of legal clocks.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0020_service_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="imported",
            field=models.BooleanField(default=False, verbose_name="历史导入"),
        ),
        migrations.AddField(
            model_name="historicaldeadline",
            name="imported",
            field=models.BooleanField(default=False, verbose_name="历史导入"),
        ),
    ]
