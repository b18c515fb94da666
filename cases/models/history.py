"""simple-history's HistoricalRecords, with the history manager class built once and the
many-to-many snapshot taken only when there is something to snapshot.

simple-history's HistoryDescriptor calls `HistoryManager.from_queryset(...)` on every access
to `instance.history`, and it accesses that for every historical record it writes: a new
class each time, built with inspect.getmembers, about 0.7 ms per saved row. The class is the
same every time, so it is built once per queryset class here.

For a model with tracked many-to-many fields it also reads the through rows, joined to both
ends, after every save: the most expensive query of a case's save. A row just inserted has no
through rows yet, and a cheap existence check tells when an updated row has none either."""

import functools

from simple_history import models as simple_history
from simple_history import utils
from simple_history.manager import HistoryManager


class HistoryManagerBuiltOnce(HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(simple_history.HistoricalRecords):
    def __init__(self, *args, history_manager=HistoryManagerBuiltOnce, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)

    def create_historical_record_m2ms(self, history_instance, instance):
        if history_instance.history_type == "+" or not _has_through_rows(history_instance, instance):
            return
        super().create_historical_record_m2ms(history_instance, instance)


def _has_through_rows(history_instance, instance) -> bool:
    for field in history_instance._history_m2m_fields:
        through = getattr(instance, field.name).through
        if through.objects.filter(**{utils.get_m2m_field_name(field): instance}).exists():
            return True
    return False
