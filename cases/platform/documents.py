"""Documents: template + context → PDF (WeasyPrint) → a stored, fingerprinted, journalled
`Document`. A document is immutable; a correction is a new version that supersedes it.

Speed: each thread keeps one WeasyPrint `FontConfiguration` (Pango font map, strut and
feature caches), one parsed base stylesheet and one URL fetcher, and reuses them for
every render; Django's cached template loader keeps parsed templates. A
`FontConfiguration` wraps Pango objects that are not thread-safe, hence per thread
rather than per process. Fonts are subset by libharfbuzz-subset (see cases/checks.py).
"""

import hashlib
import io
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.template import Context as TemplateContext
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from cases.documents.registry import DocumentKind, cn_date, get_kind
from cases.models import AuditAction, AuditEvent, Document, Organisation
from cases.models.actors import SystemActor, person, system
from cases.models.bounds import related_rows_in_hand
from cases.platform.audit.journal import append_event

# A person, the system (a beat task, an import), or None for "the document service".
Actor = AbstractBaseUser | SystemActor | None

BASE_TEMPLATE = "documents/base.html"
BASE_STYLESHEET = "base.css"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


# -- Rendering ----------------------------------------------------------------------------

@cache
def templates_dir() -> Path:
    """templates/documents/, found through the template loaders; the base URL of every PDF."""
    return Path(get_template(BASE_TEMPLATE).origin.name).resolve().parent


def _seal_font_family() -> str:
    family = settings.UNIONCASE.get("DOCUMENT_FONT_FAMILY", "Noto Serif CJK SC")
    return "".join(ch for ch in family if ch not in '"\\;{}')


@cache
def _stylesheet_source(root: Path, seal_family: str) -> str:
    base = (root / BASE_STYLESHEET).read_text(encoding="utf-8")
    return f'{base}\n.seal {{ font-family: "{seal_family}", "Noto Serif CJK SC", serif; }}\n'


def stylesheet_source() -> str:
    """base.css plus the seal block's font family from settings (read once per process)."""
    return _stylesheet_source(templates_dir(), _seal_font_family())


class _LocalFetcher(URLFetcher):
    """Documents may load files from templates/documents/ and data: URLs, nothing else:
    no network, no other file on the server, whatever a context contains."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file", "data"))
        self._root = root

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(self._root):
                raise ValueError(f"documents may only load files under {self._root}: {url}")
        return super().fetch(url, headers)


class _Renderer:
    def __init__(self, root: Path, stylesheet: str):
        self.key = (root, stylesheet)
        self.base_url = root.as_uri() + "/"
        self.font_config = FontConfiguration()
        self.fetcher = _LocalFetcher(root)
        self.stylesheet = CSS(
            string=stylesheet, base_url=self.base_url, font_config=self.font_config,
            url_fetcher=self.fetcher,
        )


_local = threading.local()


def _renderer() -> _Renderer:
    key = (templates_dir(), stylesheet_source())
    renderer = getattr(_local, "renderer", None)
    if renderer is None or renderer.key != key:
        renderer = _local.renderer = _Renderer(*key)
    return renderer


def html_to_pdf(html: str) -> RenderedPdf:
    renderer = _renderer()
    document = HTML(string=html, base_url=renderer.base_url, url_fetcher=renderer.fetcher).render(
        font_config=renderer.font_config, stylesheets=[renderer.stylesheet],
    )
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


def render_html(*, template: str, context: Mapping[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, dict(context))


def render_pdf(*, template: str, context: Mapping[str, Any]) -> RenderedPdf:
    return html_to_pdf(render_html(template=template, context=context))


# -- Assembling: a kind's own pages followed by other PDFs --------------------------------
#
# A kind with `append_pdfs` (the case file) renders its own pages (cover, contents), then
# the PDFs it names are appended page by page, each keeping its own embedded fonts. The
# template learns where each appended file lands in the final one: the context gains
# `front_pages` (how many pages the kind's own part has) and `appended`, one entry per
# appended file with `pages`, `first_page` and `last_page` (1-based, in the final file);
# if the context has a list `contents` of the same length, its entries gain those keys too.
# The own part is rendered until its page count agrees with the numbers printed in it.

MAX_FRONT_RENDERS = 4


def pdf_page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def _paginated(context: Mapping[str, Any], counts: list[int], front_pages: int) -> dict[str, Any]:
    appended, first = [], front_pages + 1
    for pages in counts:
        appended.append({"pages": pages, "first_page": first, "last_page": first + pages - 1})
        first += pages
    paged = {**context, "front_pages": front_pages, "appended": appended}
    contents = context.get("contents")
    if contents is not None:
        if len(contents) != len(appended):
            raise ValueError(f"the contents list has {len(contents)} entries but {len(appended)} files are appended")
        paged["contents"] = [{**entry, **place} for entry, place in zip(contents, appended, strict=True)]
    return paged


def concatenate_pdfs(parts: list[bytes]) -> bytes:
    """The pages of `parts`, in order, in one PDF; each page keeps its resources (fonts)."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    metadata = PdfReader(io.BytesIO(parts[0])).metadata
    if metadata:
        writer.add_metadata({key: value for key, value in metadata.items() if isinstance(value, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def assemble_pdf(*, template: str, context: Mapping[str, Any], appended: list[bytes]) -> RenderedPdf:
    """Render `template` with the page ranges of `appended`, then append those PDFs."""
    counts = [pdf_page_count(content) for content in appended]
    front_pages = 1
    for _attempt in range(MAX_FRONT_RENDERS):
        front = render_pdf(template=template, context=_paginated(context, counts, front_pages))
        if front.pages == front_pages:
            break
        front_pages = front.pages
    else:
        raise RuntimeError(f"{template}: the page count of the front part does not settle")
    if not appended:
        return front
    return RenderedPdf(content=concatenate_pdfs([front.content, *appended]), pages=front.pages + sum(counts))


def render_kind(kind: DocumentKind, context: Mapping[str, Any], subject: models.Model | None) -> RenderedPdf:
    """The kind's template rendered, with its appended PDFs when it has any."""
    if kind.append_pdfs is None:
        return render_pdf(template=kind.template, context=context)
    if subject is None:
        raise ValueError(f"document kind {kind.code!r} appends the subject's files: it needs a subject")
    return assemble_pdf(template=kind.template, context=context, appended=kind.append_pdfs(subject))


# -- Template version ---------------------------------------------------------------------

def _template_sources(name: str, seen: set[str]) -> Iterator[str]:
    if name in seen:
        return
    seen.add(name)
    template = get_template(name).template
    yield template.source
    for node in template.nodelist.get_nodes_by_type((ExtendsNode, IncludeNode)):
        reference = node.parent_name if isinstance(node, ExtendsNode) else node.template
        parent = reference.resolve(TemplateContext())
        if isinstance(parent, str) and parent:
            yield from _template_sources(parent, seen)


@cache
def _template_version(template: str, stylesheet: str) -> str:
    digest = hashlib.sha256()
    for source in [*_template_sources(template, set()), stylesheet]:
        digest.update(source.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def template_version(template: str) -> str:
    """sha256 (16 hex) of the template, those it extends or includes, and the stylesheet."""
    return _template_version(template, stylesheet_source())


# -- Issuing ------------------------------------------------------------------------------

def issued_document(*, transition_event: AuditEvent | None, kind: str, variant: str = "") -> Document | None:
    """The first version already issued for this transition, kind and variant, if any."""
    if transition_event is None:
        return None
    return _first_versions(kind, variant).filter(transition_event=transition_event).first()


def _first_versions(kind: str, variant: str):
    return Document.objects.filter(kind=kind, variant=variant, version=1)


def with_issued_document_id(events, *, kind: str, variant: str = ""):
    """`events` (AuditEvents) each with `issued_document_id`: the id of the first version of `kind`
    and `variant` it already issued, or None; issued_document's answer read along with the event."""
    issued = _first_versions(kind, variant).filter(transition_event=OuterRef("pk")).order_by("pk").values("pk")[:1]
    return events.annotate(issued_document_id=Subquery(issued))


def _document_context(kind: DocumentKind, organisation: Organisation, context: Mapping[str, Any]) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        title = str(context.get("title") or kind.title)
    return {**context, "title": title, "organisation_name": organisation.name}


def _new_document(
    *, kind: DocumentKind, rendered: RenderedPdf, title: str, subject: models.Model | None, by: Actor,
    **fields: Any,
) -> Document:
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    return Document(
        kind=kind.code, title=title, subject_type=subject_type,
        subject_id=str(subject.pk) if subject is not None else "",
        sha256=hashlib.sha256(rendered.content).hexdigest(), size=len(rendered.content),
        pages=rendered.pages, template_name=kind.template,
        template_version=template_version(kind.template),
        created_at=timezone.now(), created_by=person(by), **fields,
    )


def _journal(document: Document, *, subject: models.Model | None, by: Actor) -> AuditEvent:
    return append_event(
        action=AuditAction.DOCUMENT_ISSUED,
        actor=by if by is not None else system("documents"),
        subject=subject if subject is not None else document,
        organisation=document.organisation,
        name=document.kind,
        data={
            "document_id": document.pk, "sha256": document.sha256, "kind": document.kind,
            "variant": document.variant, "version": document.version, "pages": document.pages,
            "template_version": document.template_version,
            "supersedes_id": document.supersedes_id,
            "transition_event_id": document.transition_event_id,
        },
    )


def _store(document: Document, content: bytes, *, subject: models.Model | None, by: Actor,
           looked_up: bool = False) -> Document:
    """Write the file, then the row and its journal event in one transaction; if the
    transaction fails, the file goes too. `looked_up`: the caller has just found no document
    for this transition, kind, variant and version (the unique constraint still guards a race)."""
    document.file.save(f"{document.kind}-{document.sha256[:12]}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            # The related rows are objects in hand: full_clean would only read each again.
            document.full_clean(exclude=related_rows_in_hand(document), validate_constraints=False)
            if not looked_up:
                document.validate_constraints()
            document.save()
            _journal(document, subject=subject, by=by)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def issue_document(
    *, kind: str, organisation: Organisation, subject: models.Model | None = None,
    context: Mapping[str, Any], transition_event: AuditEvent | None = None,
    variant: str = "", by: Actor = None, looked_up: bool = False,
) -> Document:
    """Render, fingerprint, store and journal version 1 of a document.

    Idempotent per (transition_event, kind, variant): a retried task gets the document
    the first attempt made, unchanged. `looked_up`: the caller has just called issued_document
    and found none (it is not asked again before rendering)."""
    if not looked_up and (existing := issued_document(transition_event=transition_event, kind=kind,
                                                      variant=variant)):
        return existing
    document_kind = get_kind(kind)
    full_context = _document_context(document_kind, organisation, context)
    rendered = render_kind(document_kind, full_context, subject)
    document = _new_document(
        kind=document_kind, rendered=rendered, title=full_context["title"], subject=subject, by=by,
        organisation=organisation, transition_event=transition_event, variant=variant,
    )
    try:
        return _store(document, rendered.content, subject=subject, by=by, looked_up=True)
    except (IntegrityError, ValidationError):
        # Another worker may have issued it between our look-up and our insert.
        if existing := issued_document(transition_event=transition_event, kind=kind, variant=variant):
            return existing
        raise


def _correction_note(document: Document) -> dict[str, Any]:
    return {
        "version": document.version + 1,
        "supersedes_version": document.version,
        "supersedes_sha256": document.sha256[:16],
        "supersedes_date": cn_date(timezone.localdate(document.created_at)),
    }


def issue_correction(*, document: Document, context: Mapping[str, Any], by: Actor) -> Document:
    """Issue version n+1 of `document` from a corrected context; the original stays."""
    newer = Document.objects.filter(supersedes=document).first()
    if newer is not None:
        raise ValidationError({"supersedes": _(
            "该文书已由第%(version)s版更正，请更正最新版本。") % {"version": newer.version}})
    document_kind = get_kind(document.kind)
    full_context = {
        **_document_context(document_kind, document.organisation, {"title": document.title, **context}),
        "correction": _correction_note(document),
    }
    subject = document.subject
    rendered = render_kind(document_kind, full_context, subject)
    correction = _new_document(
        kind=document_kind, rendered=rendered, title=full_context["title"], subject=subject, by=by,
        organisation=document.organisation, transition_event=document.transition_event,
        variant=document.variant, version=document.version + 1, supersedes=document,
    )
    return _store(correction, rendered.content, subject=subject, by=by)
