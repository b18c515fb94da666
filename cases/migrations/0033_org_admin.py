# Organisation admins' pages (issue 20): organisations can be deactivated and carry the region
# they serve; an account whose password an admin set must replace it at the next sign-in.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REGION = dict(
    blank=True, max_length=6,
    help_text="本组织服务地区的6位行政区划代码（GB/T 2260），例如海淀区为 110108。",
    validators=[django.core.validators.RegexValidator("^[0-9]{6}\\Z", "行政区划代码应为6位数字（GB/T 2260），例如 110108。")],
    verbose_name="行政区划代码",
)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0032_calendar_feed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation", name="region_code", field=models.CharField(**REGION),
        ),
        migrations.AddField(
            model_name="historicalorganisation", name="region_code", field=models.CharField(**REGION),
        ),
        migrations.AddField(
            model_name="organisation", name="is_active",
            field=models.BooleanField(default=True, verbose_name="在用"),
        ),
        migrations.AddField(
            model_name="historicalorganisation", name="is_active",
            field=models.BooleanField(default=True, verbose_name="在用"),
        ),
        migrations.CreateModel(
            name="TemporaryPassword",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issued_at", models.DateTimeField(auto_now_add=True, verbose_name="设置时间")),
                ("issued_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL, verbose_name="设置人")),
                ("user", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, related_name="temporary_password",
                    to=settings.AUTH_USER_MODEL, verbose_name="用户")),
            ],
            options={"verbose_name": "临时密码", "verbose_name_plural": "临时密码"},
        ),
    ]
