"""Helpers of the at-rest tests: what the database holds, read past the models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def raw(table: str, columns: str, where: str = "", params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} {where}", list(params))
        return cursor.fetchall()


def everything_in(table: str) -> str:
    """Every value of every row of `table`, as one text: to look for a number in clear."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


@pytest.fixture
def keys(settings):
    """Known keys for the test (the development ones otherwise)."""
    settings.FIELD_ENCRYPTION_KEYS = "first-field-key-for-the-at-rest-tests-0001"
    settings.BLIND_INDEX_KEY = "first-blind-index-key-for-the-at-rest-tests-01"
    return settings


def migrate(target):
    """Move the test database to `target` ([(app, migration)]), as `manage.py migrate` would."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def execute(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
