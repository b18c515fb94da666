"""Rotating the keys of the personal data at rest (issue 17, point 4; cases/models/encrypted.py).

`rotate_field_keys` walks every table with an encrypted column — the main tables and their
`historical*` mirrors — in batches by primary key, and in each row
- re-encrypts every value not under the current key (the first of FIELD_ENCRYPTION_KEYS);
- recomputes every blind index from the decrypted value under the current BLIND_INDEX_KEY
  (so the old index key is not needed: the clear value is), and the civil-affairs record keys;
- rewrites a column that ends with a blind index (a model's KEYED_BY_INDEX: a party's
  notification delivery key, ":<index of its address>") to end with the recomputed index.
Each batch is its own transaction and only rows that change are written, so an interrupted run
is resumed by running it again. The run is journalled as an audit event.

Raw SQL reads the stored ciphertext as it is (the models would decrypt it) and writes it back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import IntegrityError, connection, transaction

from cases.models import AuditAction, CivilAffairsRecord
from cases.models.encrypted import (
    SealedField,
    blind_index,
    current_key_id,
    encrypt,
    key_id_of,
    open_value,
)
from cases.platform.audit.journal import append_event

BATCH_SIZE = 1000


@dataclass
class SealedTable:
    label: str
    table: str
    pk: str
    encrypted: list[str]
    # index column -> (source column, purpose, null when empty)
    indexes: dict[str, tuple[str, str, bool]]
    record_key: bool = False  # the civil-affairs record key, recomputed from name, ID, birth date, region
    # column ending with ":<index>" -> that index column (a model's KEYED_BY_INDEX)
    keyed: dict[str, str] = field(default_factory=dict)


@dataclass
class Rotation:
    tables: dict[str, int] = field(default_factory=dict)  # label -> rows rewritten
    re_encrypted: int = 0
    reindexed: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def sealed_tables() -> list[SealedTable]:
    """Every installed model with an encrypted field (text or amount), historical models included."""
    found = []
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]
        if not encrypted:
            continue
        indexes = {}
        for source in encrypted:
            if getattr(source, "blind_index", ""):
                index = model._meta.get_field(source.blind_index)
                indexes[index.column] = (source.column, source.purpose, index.null)
        keyed = {model._meta.get_field(column).column: model._meta.get_field(index).column
                 for column, index in getattr(model, "KEYED_BY_INDEX", {}).items()}
        found.append(SealedTable(model._meta.label, model._meta.db_table, model._meta.pk.column,
                                 [f.column for f in encrypted], indexes, record_key=model is CivilAffairsRecord,
                                 keyed=keyed))
    return sorted(found, key=lambda table: table.label)


def _batches(table: SealedTable, columns: list[str], batch_size: int):
    last = None
    while True:
        where, params = (f"WHERE {table.pk} > %s ", [last]) if last is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {table.pk}, {', '.join(columns)} FROM {table.table} {where}"
                           f"ORDER BY {table.pk} LIMIT {int(batch_size)}", params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _row_changes(table: SealedTable, columns: list[str], row: tuple, current: str) -> tuple[dict, int, int]:
    values = dict(zip(columns, row[1:], strict=True))
    update, re_encrypted, reindexed = {}, 0, 0
    plain = {column: open_value(values[column]) for column in table.encrypted}
    for column in table.encrypted:
        if values[column] and key_id_of(values[column]) != current:
            update[column] = encrypt(plain[column])
            re_encrypted += 1
    for index, (source, purpose, nullable) in table.indexes.items():
        wanted = blind_index(purpose, plain[source]) or (None if nullable else "")
        if values[index] != wanted:
            update[index] = wanted
            reindexed += 1
            update |= _rekeyed(table, values, index, wanted)
    if table.record_key:
        birth = values["birth_date"]
        if isinstance(birth, str):
            from django.utils.dateparse import parse_date

            birth = parse_date(birth)
        wanted = CivilAffairsRecord.key_for(name=values["name"], id_number=plain["id_number"] or "",
                                            birth_date=birth, region=values["region"] or "")
        if values["record_key"] != wanted:
            update["record_key"] = wanted
            reindexed += 1
    return update, re_encrypted, reindexed


def _rekeyed(table: SealedTable, values: dict, index: str, wanted: str | None) -> dict:
    """The columns that ended with the old value of `index`, ending with `wanted` instead."""
    old, changes = values[index], {}
    for column, source in table.keyed.items():
        if source == index and old and wanted and values[column].endswith(f":{old}"):
            changes[column] = values[column][: -len(old)] + wanted
    return changes


def _write(cursor, table: SealedTable, pk, update: dict) -> None:
    def execute(values: dict):
        sets = ", ".join(f"{column} = %s" for column in values)
        cursor.execute(f"UPDATE {table.table} SET {sets} WHERE {table.pk} = %s", [*values.values(), pk])

    if not update.keys() & table.keyed.keys():
        return execute(update)
    try:
        with transaction.atomic():
            return execute(update)
    except IntegrityError:
        # A delivery made since the index key changed already holds the rewritten key: this one keeps its own.
        return execute({column: value for column, value in update.items() if column not in table.keyed})


def rotate(*, by, batch_size: int = BATCH_SIZE, progress: Callable[[str], None] = lambda line: None) -> Rotation:
    """Bring every encrypted value and blind index under the current keys; see the module doc."""
    current, result = current_key_id(), Rotation()
    for table in sealed_tables():
        columns = [*table.encrypted, *table.indexes, *table.keyed]
        if table.record_key:
            columns += ["record_key", "name", "birth_date", "region"]
        seen = rewritten = 0
        for rows in _batches(table, columns, batch_size):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for row in rows:
                        update, re_encrypted, reindexed = _row_changes(table, columns, row, current)
                        if update:
                            _write(cursor, table, row[0], update)
                            rewritten += 1
                            result.re_encrypted += re_encrypted
                            result.reindexed += reindexed
            seen += len(rows)
            progress(f"{table.label}: 已检查 {seen} 行，改写 {rewritten} 行")
        result.tables[table.label] = rewritten
    append_event(
        action=AuditAction.VERIFY, actor=by, name="rotate_field_keys",
        reason="个人信息字段改用当前密钥（FIELD_ENCRYPTION_KEYS 第一个）加密，盲索引按当前 BLIND_INDEX_KEY 重算",
        data={"key_id": current, "rows": result.rows, "re_encrypted": result.re_encrypted,
              "reindexed": result.reindexed, "tables": result.tables},
    )
    return result
