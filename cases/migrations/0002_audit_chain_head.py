from django.db import migrations

GENESIS_HASH = "0" * 64


def create_chain_head(apps, schema_editor):
    AuditChainHead = apps.get_model("cases", "AuditChainHead")
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH})


class Migration(migrations.Migration):
    """The chain head row exists from the start, so concurrent first appends lock it
    instead of racing to create it."""

    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_chain_head, migrations.RunPython.noop)]
