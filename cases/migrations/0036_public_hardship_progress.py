# 帮扶申请进度查询 (/public/hardship/progress/, issue 21): a code sent for a hardship application's
# progress lookup names the file it opens, as a dispute's names its case.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0035_aid_programmes"),
    ]

    operations = [
        migrations.AddField(
            model_name="phonecode",
            name="hardship_file",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="cases.hardshipfile", verbose_name="困难职工档案"),
        ),
        migrations.AlterField(
            model_name="phonecode",
            name="purpose",
            field=models.CharField(choices=[("dispute_application", "在线申请调解"),
                                            ("hardship_application", "困难职工帮扶申请"),
                                            ("progress", "案件进度查询"),
                                            ("hardship_progress", "帮扶申请进度查询")],
                                   max_length=32, verbose_name="用途"),
        ),
    ]
