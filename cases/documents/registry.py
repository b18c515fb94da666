"""The registry of document kinds: every kind of PDF the system issues, declared once.

A kind names its template under templates/documents/, a Chinese title, a realistic
`sample_context()` (used by `manage.py render_sample_documents`, the benchmark and the
tests), and, when its content lives in the database, a `build_context(subject,
transition_event, *, variant)` that rebuilds the context on the Celery worker.

Documents are always Chinese (legal form), so the wording inside contexts is Chinese
literal text, not translatable UI text. Contexts are plain JSON-serialisable data with dates already written the Chinese way
(`cn_date`), so a context can also travel through the broker unchanged. The issuing
organisation's name (`organisation_name`) is added by the service from the Document's
organisation; every other key is the kind's own.

Adding a kind: write `templates/documents/<code>.html` extending `documents/base.html`, then
declare it with `register(DocumentKind(code=..., ...))` in the module of its stage
(cases/documents/dispute/, cases/documents/hardship/, or general.py for the platform's own);
the package's __init__ imports every module, so a kind is registered whenever any part of
cases.documents is imported. Transitions name the kinds they produce in
`custom={"documents": [...]}`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise

Context = dict[str, Any]
ContextBuilder = Callable[..., Context]

_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: Promise | str
    template: str
    sample_context: Callable[[], Context]
    # build_context(subject, transition_event, *, variant) -> context, read from the DB.
    build_context: ContextBuilder | None = None
    # One document per variant for each transition that issues this kind, e.g. one
    # acceptance notice for the worker and one for the employer: ("worker", "employer").
    variants: tuple[str, ...] = ("",)
    # applies(subject) -> bool: whether a transition that lists this kind issues it for this
    # subject (the payment-order guide only for Art.16 claims, say). None: always.
    applies: Callable[[Any], bool] | None = None
    # append_pdfs(subject) -> [PDF bytes]: files appended, page by page, after the kind's own
    # rendered pages (the case file: cover and contents, then every document of the case).
    # The service passes their page ranges to the template (cases/platform/documents.py).
    append_pdfs: Callable[[Any], list[bytes]] | None = None


_REGISTRY: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Add `kind`; registering a second kind under the same code is a programming error."""
    if kind.code in _REGISTRY and _REGISTRY[kind.code] != kind:
        raise ValueError(f"document kind {kind.code!r} is already registered")
    _REGISTRY[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"unknown document kind {code!r}") from None


def all_kinds() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda kind: kind.code)


# -- Formatting shared by the kinds -------------------------------------------------------

def cn_date(day: date) -> str:
    """2026年2月14日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month_day(day: date) -> str:
    """2月14日, where the year is plain from the document."""
    return f"{day.month}月{day.day}日"


def cn_weekday(day: date) -> str:
    return "星期" + _WEEKDAYS[day.weekday()]


def person_name(user) -> str:
    """A Chinese name is family name first, without a space; fall back to the username."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()
