"""网上调解申请书: a worker's written application made on the public pages (/public/apply/),
kept as a PDF the moment it is registered (channel 网上申请), as the oral record is for an
application made in person.

It carries what the worker wrote (particulars, the employer, the claims, the facts and the
dates of Art.27), how the mobile number was confirmed (a one-time SMS code), whether the worker
consented to electronic service and at which number, and each attachment with its size and
SHA-256, so the papers that came with the application can be proved to be those kept.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import (
    _case_context,
    _in_document_language,
    _local_date,
    _paragraphs,
    _sample_case,
    _title,
    cn_minute,
)
from cases.documents.registry import Context, DocumentKind, cn_date, register
from cases.models import AuditEvent, DisputeCase
from cases.models.dispute.service import ElectronicChannel, ServiceParty
from cases.platform.uploads import size_text

ONLINE_APPLICATION = "online_application"


def _dates(case: DisputeCase) -> Context:
    return {name: cn_date(value) if value else "" for name, value in (
        ("employment_start", case.employment_start), ("employment_end", case.employment_end),
        ("infringement_known_on", case.infringement_known_on))}


def _electronic_service(case: DisputeCase) -> Context | None:
    consent = (case.electronic_service_consents.filter(party=ServiceParty.WORKER, channel=ElectronicChannel.SMS)
               .order_by("pk").first())
    if consent is None:
        return None
    return {"address": consent.address, "on": cn_date(consent.given_on)}


def _attachments(case: DisputeCase) -> list[Context]:
    return [{"name": attachment.original_name, "size": size_text(attachment.size), "sha256": attachment.sha256,
             "type": attachment.get_content_type_display()}
            for attachment in case.application_attachments.order_by("pk")]


@_in_document_language
def _online_application_from_db(case: DisputeCase, transition_event: AuditEvent | None, *,
                                variant: str = "") -> Context:
    return {
        **_case_context(case, _local_date(case.received_at), full_particulars=True),
        **_dates(case),
        "received_at": cn_minute(case.received_at),
        "facts": _paragraphs(case.facts),
        "electronic_service": _electronic_service(case),
        "attachments": _attachments(case),
    }


def _online_application_sample() -> Context:
    return {
        "title": _title(ONLINE_APPLICATION),
        **_sample_case(),
        "received_at": f"{cn_date(date(2026, 9, 30))}21时17分",
        "employment_start": cn_date(date(2024, 3, 1)),
        "employment_end": cn_date(date(2026, 8, 31)),
        "infringement_known_on": cn_date(date(2026, 8, 31)),
        "facts": [
            "我于2024年3月1日入职被申请人处任厨师，月工资8000元。2026年7月起公司未按时发工资，我多次催要未果，"
            "于2026年8月31日书面通知解除劳动合同。",
            "在职期间每周工作六天、每天工作十小时，公司未支付加班费。",
        ],
        "electronic_service": {"address": "13801234567", "on": cn_date(date(2026, 9, 30))},
        "attachments": [
            {"name": "劳动合同.pdf", "size": size_text(482_113), "type": "PDF",
             "sha256": "9f2c4e1d0b7a6c5e8d3f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d"},
            {"name": "工资条2026年6月.jpg", "size": size_text(1_204_331), "type": "JPEG图像",
             "sha256": "0d8c6b4a2f0e8d6c4b2a0f9e7d5c3b1a9f7e5d3c1b0a8f6e4d2c0b9a7f5e3d1c"},
        ],
        "date": cn_date(date(2026, 9, 30)),
    }


register(DocumentKind(
    code=ONLINE_APPLICATION,
    title=_("网上调解申请书"),
    template="documents/dispute/online_application.html",
    sample_context=_online_application_sample,
    build_context=_online_application_from_db,
))
