"""The case file (卷宗) issued when a case is archived: a cover, a table of contents, then
every earlier document of the case, page by page, in one PDF.

The kind renders the cover and the contents; `append_pdfs` hands the service the stored
files of the case's documents (the latest version of each, in the order they were first
issued), and the service appends them and tells the template where each one starts and
ends in the final file (cases/platform/documents.py, "Assembling"). A stored file whose
fingerprint no longer matches its Document row stops the case file: an archive must not
hold an altered document.
"""

import hashlib
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    _case_context,
    _in_document_language,
    _issued_on,
    _local_date,
    _sample_case,
    _title,
)
from cases.documents.registry import Context, DocumentKind, cn_date, person_name, register
from cases.models import AuditAction, AuditEvent, DisputeCase, DisputeStatus, Document
from cases.rules.claims import ClaimType

CASE_FILE = "case_file"

# 保管期限 of the case file. Whether dispute files are kept 永久 or 长期 (or for a number of
# years) is for the organisation's archive rules to decide; until it does, "长期".
RETENTION_PERIOD = "长期"

VARIANT_LABELS = {"": "", "worker": "致劳动者", "employer": "致用人单位"}


def _first_issued(document: Document) -> tuple:
    """Where a document stands in the file: when its first version was issued."""
    original = document
    while original.supersedes_id is not None:
        original = original.supersedes
    return (original.created_at, original.pk)


def filed_documents(case: DisputeCase) -> list[Document]:
    """Every document of the case but case files: the latest version of each, in the
    order their first versions were issued."""
    latest = (Document.objects
              .filter(subject_type=ContentType.objects.get_for_model(case), subject_id=str(case.pk),
                      superseded_by__isnull=True)
              .exclude(kind=CASE_FILE)
              .select_related("supersedes"))
    return sorted(latest, key=_first_issued)


def _stored_pdf(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise ValueError(f"document {document.pk} ({document.title}): the stored file does not match its fingerprint")
    return content


def case_file_pdfs(case: DisputeCase) -> list[bytes]:
    return [_stored_pdf(document) for document in filed_documents(case)]


def _closing_event(case: DisputeCase) -> AuditEvent | None:
    return (AuditEvent.objects.for_subject(case)
            .filter(action=AuditAction.TRANSITION, name="close").order_by("-seq").first())


@_in_document_language
def _case_file_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    closing = _closing_event(case)
    outcome = closing.from_state if closing is not None else case.status
    closed_on = _local_date(closing.occurred_at) if closing is not None else case.ended_on
    archivist = transition_event.actor if transition_event is not None else None
    claim_types = dict.fromkeys(str(ClaimType(t).label) for t in case.claims.values_list("claim_type", flat=True))
    return {
        **_case_context(case, _issued_on(transition_event)),
        "claim_types": "、".join(claim_types),
        "accepted_on": cn_date(case.accepted_on) if case.accepted_on else "",
        "closed_on": cn_date(closed_on) if closed_on else "",
        "outcome": str(DisputeStatus(outcome).label),
        "retention_period": RETENTION_PERIOD,
        "archivist": person_name(archivist) or (transition_event.actor_label if transition_event else ""),
        "contents": [
            {"title": document.title, "variant": VARIANT_LABELS.get(document.variant, document.variant),
             "date": cn_date(_local_date(document.created_at)), "version": document.version}
            for document in filed_documents(case)
        ],
    }


def _case_file_sample() -> Context:
    contents, first = [], 3
    for title, variant, day, pages in [
        ("口头申请记录", "", date(2026, 9, 30), 2), ("受理通知书", "致劳动者", date(2026, 10, 9), 3),
        ("受理通知书", "致用人单位", date(2026, 10, 9), 3), ("调解通知书", "致劳动者", date(2026, 10, 9), 2),
        ("调解通知书", "致用人单位", date(2026, 10, 9), 2), ("调解笔录", "", date(2026, 10, 12), 2),
        ("调解协议书", "", date(2026, 10, 14), 4), ("履行情况登记表", "", date(2026, 10, 30), 2),
        ("履行完毕确认书", "", date(2026, 11, 30), 2),
    ]:
        contents.append({"title": title, "variant": variant, "date": cn_date(day), "version": 1, "pages": pages,
                         "first_page": first, "last_page": first + pages - 1})
        first += pages
    return {
        "title": _title(CASE_FILE),
        **_sample_case(),
        "claim_types": "拖欠劳动报酬、加班费、经济补偿",
        "accepted_on": cn_date(date(2026, 10, 9)),
        "closed_on": cn_date(date(2026, 12, 1)),
        "outcome": "已履行",
        "retention_period": RETENTION_PERIOD,
        "archivist": "李明",
        "contents": contents,
        "front_pages": 2,
        "date": cn_date(date(2026, 12, 2)),
    }


register(DocumentKind(
    code=CASE_FILE,
    title=_("卷宗"),
    template="documents/dispute/case_file.html",
    sample_context=_case_file_sample,
    build_context=_case_file_from_db,
    append_pdfs=case_file_pdfs,
))
