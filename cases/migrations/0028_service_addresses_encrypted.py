import importlib

import cases.models.encrypted
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0027_case_search_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='electronicserviceconsent',
            name='address',
            field=cases.models.encrypted.EncryptedCharField(help_text='接收电子送达的手机号码或电子邮箱。', max_length=200, verbose_name='电子送达地址'),
        ),
        migrations.AlterField(
            model_name='historicalelectronicserviceconsent',
            name='address',
            field=cases.models.encrypted.EncryptedCharField(help_text='接收电子送达的手机号码或电子邮箱。', max_length=200, verbose_name='电子送达地址'),
        ),
        migrations.AlterField(
            model_name='historicalservicerecord',
            name='electronic_address',
            field=cases.models.encrypted.EncryptedCharField(blank=True, max_length=200, verbose_name='电子送达地址'),
        ),
        migrations.AlterField(
            model_name='servicerecord',
            name='electronic_address',
            field=cases.models.encrypted.EncryptedCharField(blank=True, max_length=200, verbose_name='电子送达地址'),
        ),
    ]


# The electronic-service addresses (phones, emails), written in clear since 0020, sealed like
# 0024 sealed the parties' (its batch reader and writer are reused).
_SEALING = importlib.import_module("cases.migrations.0024_field_encryption")
ADDRESS_COLUMNS = (
    ("cases_electronicserviceconsent", "id", "address"),
    ("cases_historicalelectronicserviceconsent", "history_id", "address"),
    ("cases_servicerecord", "id", "electronic_address"),
    ("cases_historicalservicerecord", "history_id", "electronic_address"),
)


def _rewrite(schema_editor, change):
    connection = schema_editor.connection
    for table, pk, column in ADDRESS_COLUMNS:
        with connection.cursor() as cursor:
            rows = list(_SEALING._rows(cursor, table, pk, [column]))
        changed = [(key, value, change(value)) for key, value in rows if value]
        _SEALING._update(connection, table, pk, [(key, {column: new}) for key, old, new in changed if new != old])


def seal_addresses(apps, schema_editor):
    from cases.models.encrypted import encrypt

    _rewrite(schema_editor, lambda value: value if _SEALING._is_sealed(value) else encrypt(value))


def open_addresses(apps, schema_editor):
    from cases.models.encrypted import open_value

    _rewrite(schema_editor, lambda value: open_value(value) if _SEALING._is_sealed(value) else value)


Migration.operations.append(migrations.RunPython(seal_addresses, open_addresses))
