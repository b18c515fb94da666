"""Case search at scale (issue 18): an index for its default order, and on PostgreSQL trigram
indexes for the parts of a case number or a party's name that people type (pg_trgm, when the
server offers it; without it search still works, through the other indexes and a scan).

The trigram indexes are on UPPER(column), the expression Django's `icontains` compares on
PostgreSQL. They are not in the models' Meta: SQLite has no GIN indexes."""

from django.db import DatabaseError, migrations, models, transaction

TRIGRAM_INDEXES = [  # (index, model, column)
    ("dispute_number_trgm", "disputecase", "number"),
    ("worker_name_trgm", "worker", "name"),
    ("employer_name_trgm", "employer", "name"),
]


def _trigrams_available(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return False
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:  # offered by the server but not ours to create: search scans instead
        return False
    return True


def create_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not _trigrams_available(connection):
        return
    quote = schema_editor.quote_name
    for index, model, column in TRIGRAM_INDEXES:
        table = apps.get_model("cases", model)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} USING gin (UPPER({quote(column)}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0026_household_amounts_encrypted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="disputecase",
            index=models.Index(fields=["-received_on", "-id"], name="dispute_received_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
