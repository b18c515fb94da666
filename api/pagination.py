"""Cursor pagination that keeps a list's own order and its index: the next page starts after the
last row's sort key (keyset), so a deep page costs what the first does and rows added meanwhile
are neither skipped nor shown twice.

A list names its sort keys in order, each ascending, a nullable one with its empty values last
(how the queues sort by legal deadline: cases without a running clock last). The cursor is the
last row's key values, encoded; a client passes back the `next` address as it is.
"""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.problems import Problem

MAX_LIMIT = 200


@dataclass(frozen=True)
class Key:
    lookup: str  # the queryset's field path
    attribute: str  # where the row object carries its value
    kind: str = "int"  # "int", "date" or "datetime"
    nullable: bool = False  # empty values sort last

    def dump(self, value):
        return value.isoformat() if isinstance(value, date | datetime) else value

    def load(self, value):
        if value is None:
            if not self.nullable:
                raise ValueError("empty key")
            return None
        if self.kind == "date":
            return date.fromisoformat(value)
        if self.kind == "datetime":
            parsed = parse_datetime(value)
            if parsed is None:
                raise ValueError(value)
            return parsed
        return int(value)


def _equal(key: Key, value) -> Q:
    return Q(**{f"{key.lookup}__isnull": True}) if value is None else Q(**{key.lookup: value})


def _after(key: Key, value, *, nulls: bool) -> Q | None:
    if value is None:
        return None  # nothing sorts after an empty value among empty values
    later = Q(**{f"{key.lookup}__gt": value})
    return later | Q(**{f"{key.lookup}__isnull": True}) if key.nullable and nulls else later


def after(keys: tuple[Key, ...], values: list, *, nulls: bool = True) -> Q:
    """Rows that sort after `values` in the order of `keys` (`nulls=False`: leaving out the rows
    whose nullable keys are empty, which sort after every value)."""
    condition = Q(pk__in=[])
    for position, key in enumerate(keys):
        later = _after(key, values[position], nulls=nulls)
        if later is None:
            continue
        same = Q()
        for earlier, value in zip(keys[:position], values[:position], strict=True):
            same &= _equal(earlier, value)
        condition |= same & later
    return condition


def rows_after(queryset, keys: tuple[Key, ...], values: list, count: int) -> list:
    """The first `count` rows of `queryset` (ordered by `keys`) after `values`, each part read as a
    range of the list's index: the rows whose first key is at or after the cursor's, then — the
    first key being nullable and the cursor's not empty — the rows without it, which sort last."""
    first = keys[0]
    if not first.nullable or values[0] is None:
        return list(queryset.filter(after(keys, values))[:count])
    valued = queryset.filter(Q(**{f"{first.lookup}__gte": values[0]}), after(keys, values, nulls=False))
    rows = list(valued[:count])
    if len(rows) < count:
        rows += list(queryset.filter(**{f"{first.lookup}__isnull": True})[:count - len(rows)])
    return rows


class KeysetPagination(BasePagination):
    """Pages of a queryset ordered by `keys` (the view's `cursor_keys`): `?limit=` rows (at most
    200) after `?cursor=`."""

    cursor_param, limit_param = "cursor", "limit"

    def paginate_queryset(self, queryset, request, view=None):
        self.keys, self.request = view.cursor_keys, request
        self.limit = self._limit(request)
        cursor = request.query_params.get(self.cursor_param)
        if cursor:
            rows = rows_after(queryset, self.keys, self._decode(cursor), self.limit + 1)
        else:
            rows = list(queryset[: self.limit + 1])
        self.has_next = len(rows) > self.limit
        self.rows = rows[: self.limit]
        return self.rows

    def _limit(self, request) -> int:
        text = request.query_params.get(self.limit_param)
        if text is None:
            return settings.API_PAGE_SIZE
        try:
            limit = int(text)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise Problem("invalid", _("limit 须为1至%(max)s之间的整数。") % {"max": MAX_LIMIT},
                          errors={self.limit_param: [_("请填写1至%(max)s之间的整数。") % {"max": MAX_LIMIT}]})
        return limit

    def _encode(self, row) -> str:
        values = [key.dump(getattr(row, key.attribute)) for key in self.keys]
        return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")

    def _decode(self, cursor: str) -> list:
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError(cursor)
            return [key.load(value) for key, value in zip(self.keys, raw, strict=True)]
        except (ValueError, TypeError, UnicodeDecodeError):
            raise Problem("invalid", _("分页游标无效：请使用上一页应答中的 next 地址。"),
                          errors={self.cursor_param: [_("游标无效。")]}) from None

    def next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_param, self._encode(self.rows[-1]))

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object", "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True,
                         "description": str(_("下一页的地址；没有下一页时为 null。")),
                         "example": "https://unioncase.example/api/v1/disputes/tasks/queue?cursor=WyIyMDI2LTExLTA1Il0"},
                "results": {**schema, "description": str(_("本页的条目"))} if isinstance(schema, dict) else schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_param, "in": "query", "required": False,
             "description": str(_("分页游标：取自上一页应答的 next 地址，原样使用。")), "schema": {"type": "string"}},
            {"name": self.limit_param, "in": "query", "required": False,
             "description": str(_("每页条数，1至200，默认50。")),
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
        ]

