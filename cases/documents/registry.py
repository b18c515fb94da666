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

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

Context = dict[str, Any]
ContextBuilder = Callable[..., Context]

_WEEKDAYS = "一二三四五六日"
_CN_DIGITS = "零一二三四五六七八九"


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
    # variants_for(subject) -> the variants a transition issues for this subject, among `variants`
    # (the non-acceptance notice: one, to whichever party applied). None: all of `variants`.
    variants_for: Callable[[Any], tuple[str, ...]] | None = None
    # applies(subject) -> bool: whether a transition that lists this kind issues it for this
    # subject (the payment-order guide only for Art.16 claims, say). None: always.
    applies: Callable[[Any], bool] | None = None
    # append_pdfs(subject) -> [PDF bytes]: files appended, page by page, after the kind's own
    # rendered pages (the case file: cover and contents, then every document of the case).
    # The service passes their page ranges to the template (cases/platform/documents.py).
    append_pdfs: Callable[[Any], list[bytes]] | None = None
    # addressees(variant) -> the parties ("worker", "employer") a notice of this kind is
    # addressed to, each of whom must be served (送达) and the service recorded
    # (cases/disputes/service.py). None: not addressed to a party (a record, the case file).
    addressees: Callable[[str], tuple[str, ...]] | None = None


_REGISTRY: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Add `kind`; registering a second kind under the same code is a programming error."""
    if kind.code in _REGISTRY and _REGISTRY[kind.code] != kind:
        raise ValueError(f"document kind {kind.code!r} is already registered")
    _REGISTRY[kind.code] = kind
    return kind


# -- Addressees: whom a notice is served on ------------------------------------------------

WORKER, EMPLOYER = "worker", "employer"


def to_the_variant(variant: str) -> tuple[str, ...]:
    """One document per party (variants "worker" and "employer"): each to the party it names."""
    if variant not in (WORKER, EMPLOYER):
        raise ValueError(f"a notice per party is the worker's or the employer's, not {variant!r}")
    return (variant,)


def to_the_worker(variant: str) -> tuple[str, ...]:
    """To the applicant (the worker) only."""
    return (WORKER,)


def to_both_parties(variant: str) -> tuple[str, ...]:
    """One document with a copy for each party (the agreement, the extension confirmation)."""
    return (WORKER, EMPLOYER)


def addressees_of(code: str, variant: str) -> tuple[str, ...]:
    """The parties a document of kind `code` and `variant` is served on; () if none or unknown."""
    kind = _REGISTRY.get(code)
    if kind is None or kind.addressees is None:
        return ()
    return kind.addressees(variant)


def shown_title(document) -> str:
    """A document's title as a page names it, in the reader's language: its kind's title (受理通知书,
    "Notice of acceptance" in English) when it was issued under that title, else the title it bears
    (a title its context set). The PDF keeps the Chinese title it was issued with."""
    kind = _REGISTRY.get(document.kind)
    if kind is None or not isinstance(kind.title, Promise):
        return document.title
    with translation.override(settings.LANGUAGE_CODE):
        issued_as = str(kind.title)
    return str(kind.title) if document.title == issued_as else document.title


def served_kinds() -> list[DocumentKind]:
    """The kinds addressed to a party: notices whose service is recorded."""
    return [kind for kind in all_kinds() if kind.addressees is not None]


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


def cn_numeral(number: int) -> str:
    """一 … 九十九: a count written in the fixed wording of a document (一式三份, 十五日内,
    （二）), as legal texts write it; figures in tables and dates stay Arabic (GB/T 9704)."""
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 99:
        raise ValueError(f"cn_numeral writes 1 to 99, not {number!r}")
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("十" if tens == 1 else _CN_DIGITS[tens] + "十") + (_CN_DIGITS[ones] if ones else "")


def person_name(user) -> str:
    """A Chinese name is family name first, without a space; fall back to the username."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()
