# The workers' pages (/public/, issue 21 point 2): one-time SMS codes and the attachments of
# an online application.

import django.db.models.deletion
from django.db import migrations, models

import cases.models.dispute.attachments
import cases.models.encrypted


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0033_org_admin"),
        ("cases", "0032_calendar_feed"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(max_length=255, upload_to=cases.models.dispute.attachments.attachment_upload_to,
                                          verbose_name="文件")),
                ("original_name", models.CharField(max_length=255, verbose_name="原文件名")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveIntegerField(verbose_name="大小（字节）")),
                ("content_type", models.CharField(choices=[("application/pdf", "PDF"), ("image/jpeg", "JPEG图像"),
                                                           ("image/png", "PNG图像")],
                                                  max_length=32, verbose_name="文件类型")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name="application_attachments", to="cases.disputecase",
                                           verbose_name="案件")),
            ],
            options={
                "verbose_name": "申请附件",
                "verbose_name_plural": "申请附件",
                "ordering": ["case", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PhoneCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("purpose", models.CharField(choices=[("dispute_application", "在线申请调解"),
                                                      ("hardship_application", "困难职工帮扶申请"),
                                                      ("progress", "案件进度查询")],
                                             max_length=32, verbose_name="用途")),
                ("phone", cases.models.encrypted.EncryptedCharField(blank=True, blind_index="phone_index",
                                                                    max_length=20, purpose="phone",
                                                                    verbose_name="手机号码")),
                ("phone_index", models.CharField(blank=True, db_index=True, editable=False, max_length=64,
                                                 verbose_name="手机号码索引")),
                ("client_index", models.CharField(db_index=True, max_length=64, verbose_name="来源地址索引")),
                ("party", models.CharField(blank=True, max_length=16, verbose_name="当事人")),
                ("salt", models.CharField(max_length=32)),
                ("code_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="发送时间")),
                ("expires_at", models.DateTimeField(verbose_name="失效时间")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="已尝试次数")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="验证时间")),
                ("spent_at", models.DateTimeField(blank=True, null=True, verbose_name="使用时间")),
                ("case", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                           related_name="+", to="cases.disputecase", verbose_name="案件")),
            ],
            options={
                "verbose_name": "短信验证码",
                "verbose_name_plural": "短信验证码",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
