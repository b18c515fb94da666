"""simple-history's HistoricalRecords, with the history manager class built once and the
many-to-many snapshot taken only when there is something to snapshot.

simple-history's HistoryDescriptor calls `HistoryManager.from_queryset(...)` on every access
to `instance.history`, and it accesses that for every historical record it writes: a new
class each time, built with inspect.getmembers, about 0.7 ms per saved row. The class is the
same every time, so it is built once per queryset class here.

For a model with tracked many-to-many fields it also reads the through rows, joined to both
ends, after every save: the most expensive query of a case's save. A row just inserted has no
through rows yet, and a cheap existence check tells when an updated row has none either.

`bulk_update_with_history` here is simple-history's, with the many-to-many snapshot its bulk
path leaves out, so rows saved in bulk get the same history as rows saved one by one;
`bulk_create_with_history` inserts new rows and their history in two queries."""

import functools
import operator

from django.db import router, transaction
from django.db.models import Exists, OuterRef, signals
from simple_history import models as simple_history, utils
from simple_history.manager import HistoryManager

_RECORDS_OF_MODEL: dict[type, "HistoricalRecords"] = {}


class HistoryManagerBuiltOnce(HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(simple_history.HistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManagerBuiltOnce, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        _RECORDS_OF_MODEL[cls] = self

    def create_historical_record_m2ms(self, history_instance, instance):
        if history_instance.history_type == "+" or not _has_through_rows(history_instance, instance):
            return
        super().create_historical_record_m2ms(history_instance, instance)


# Whether a row read by through_rows_read_along had through rows then (see below).
THROUGH_ROWS_WHEN_READ = "_history_through_rows_when_read"


def through_rows_read_along(model) -> dict:
    """Annotations for reading rows of `model` that are saved again later in the same
    transaction, under their lock (the transition door's read): whether each has through rows
    in the tracked many-to-many fields, so the history row of its next save need not ask.
    Empty for a model that tracks none."""
    records = _RECORDS_OF_MODEL.get(model)
    fields = records.get_m2m_fields_from_model(model) if records is not None else []
    if not fields:
        return {}
    return {THROUGH_ROWS_WHEN_READ: functools.reduce(operator.or_, (
        Exists(getattr(model, field.name).through.objects.filter(
            **{utils.get_m2m_field_name(field): OuterRef("pk")}))
        for field in fields))}


def _has_through_rows(history_instance, instance) -> bool:
    when_read = instance.__dict__.pop(THROUGH_ROWS_WHEN_READ, None)  # good for the one save after the read
    if when_read is not None:
        return when_read
    for field in history_instance._history_m2m_fields:
        through = getattr(instance, field.name).through
        if through.objects.filter(**{utils.get_m2m_field_name(field): instance}).exists():
            return True
    return False


def bulk_update_with_history(objs: list, model, fields: list[str]) -> None:
    """Update `fields` of `objs` in one query, with what save() does around it: pre_save and
    post_save for each (their receivers see an ordinary update), and historical records by the
    request's user with the many-to-many snapshot for those that have through rows."""
    if not objs:
        return
    records, using = _RECORDS_OF_MODEL[model], router.db_for_write(model)
    update_fields = frozenset(fields)
    with transaction.atomic(using=using, savepoint=False):
        for obj in objs:
            signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=update_fields)
        if fields:
            model._default_manager.db_manager(using).bulk_update(objs, fields)
        history_rows = utils.get_history_manager_for_model(model).bulk_history_create(
            objs, update=True, default_user=records.get_history_user(objs[0]))
        with_through_rows = _with_through_rows(history_rows[0], objs)
        for history_row, obj in zip(history_rows, objs, strict=True):
            if obj.pk in with_through_rows:
                records.create_historical_record_m2ms(history_row, obj)
        for obj in objs:
            _post_save_without_history(model, obj, using, update_fields)


def bulk_create_with_history(objs: list, model) -> None:
    """Insert `objs` in one query, with what save() does around it: pre_save and post_save for
    each, and their historical records by the request's user, in one more query. New rows have
    no many-to-many rows to snapshot."""
    if not objs:
        return
    records, using = _RECORDS_OF_MODEL[model], router.db_for_write(model)
    with transaction.atomic(using=using, savepoint=False):
        for obj in objs:
            signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
        model._default_manager.db_manager(using).bulk_create(objs)
        utils.get_history_manager_for_model(model).bulk_history_create(
            objs, default_user=records.get_history_user(objs[0]))
        for obj in objs:
            _post_save_without_history(model, obj, using, None, created=True)


def _post_save_without_history(model, obj, using: str, update_fields: frozenset | None, *,
                               created: bool = False) -> None:
    obj.skip_history_when_saving = True  # simple-history's own switch: the record is written already
    try:
        signals.post_save.send(sender=model, instance=obj, created=created, update_fields=update_fields, raw=False,
                               using=using)
    finally:
        del obj.skip_history_when_saving


def _with_through_rows(history_instance, objs: list) -> set:
    """The primary keys of `objs` that have a through row in any tracked many-to-many field."""
    when_read = [obj.__dict__.pop(THROUGH_ROWS_WHEN_READ, None) for obj in objs]
    if None not in when_read:
        return {obj.pk for obj, had_rows in zip(objs, when_read, strict=True) if had_rows}
    found = set()
    for field in history_instance._history_m2m_fields:
        through, name = getattr(objs[0], field.name).through, utils.get_m2m_field_name(field)
        found.update(through.objects.filter(**{f"{name}__in": objs}).values_list(f"{name}_id", flat=True))
    return found
