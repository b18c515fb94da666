"""送达回证 (certificate of service): printed for one notice and one addressee, signed at
service, then scanned and kept with the service record (cases/models/dispute/service.py).

Generated on request (cases.disputes.service.issue_certificate), not by a transition: its
variant names what it certifies, "<party>:<document id>:<method>" (method "direct" or
"left"), and `build_context` reads the served notice back from it. It carries the case
number, the notice served (title, version, the day it was made), the addressee and the
address on file, the method, blank lines for the recipient's signature and date, for a
person receiving on the addressee's behalf, for the server's (送达人) signature, and remarks
with blank lines for 留置送达 (the refusal, where the notice was left, the witnesses).
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import _in_document_language, _sample_case, _title, self_reference
from cases.documents.registry import Context, DocumentKind, addressees_of, cn_date, register
from cases.models import AuditEvent, DisputeCase, Document
from cases.models.dispute.representation import party_role
from cases.models.dispute.service import CERTIFICATE_METHODS, ServiceMethod, ServiceParty

CERTIFICATE = "service_certificate"

# How the certificate names each party when the worker applied (party_role: by who applied).
PARTY_ROLES = {ServiceParty.WORKER: "申请人", ServiceParty.EMPLOYER: "被申请人"}

# What the server writes on the certificate when the addressee refuses it: common practice of
# service, after the civil-procedure rule on 留置送达 (民事诉讼法, applied by analogy: a mediation
# organisation is no court, and no mediation rule lays down its own).
LEFT_REMARK = ("受送达人拒绝签收的，送达人应当在本回证上记明拒收事由和日期，由送达人、见证人签名或者盖章，"
               "把文书留在受送达人的住所，即视为送达。")


def certificate_variant(*, party: str, document: Document, method: str) -> str:
    return f"{party}:{document.pk}:{method}"


def parse_variant(variant: str) -> tuple[str, int, str]:
    """(party, document id, method) from a certificate's variant; ValueError if malformed."""
    try:
        party, document_pk, method = variant.split(":")
        document_pk = int(document_pk)
    except ValueError:
        raise ValueError(f"a service certificate's variant is party:document:method, not {variant!r}") from None
    if party not in ServiceParty.values or method not in CERTIFICATE_METHODS:
        raise ValueError(f"a service certificate is for a party by 直接送达 or 留置送达, not {variant!r}")
    return party, document_pk, method


def _addressee(case: DisputeCase, party: str) -> Context:
    if party == ServiceParty.WORKER:
        name, address = case.workers_label, case.worker.address
    else:
        name, address = case.employer.name, case.employer.address
    return {"name": name, "role": party_role(case, party), "address": address}


def _methods(chosen: str) -> list[Context]:
    return [{"label": str(ServiceMethod(method).label), "chosen": method == chosen} for method in CERTIFICATE_METHODS]


@_in_document_language
def _certificate_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str) -> Context:
    party, document_pk, method = parse_variant(variant)
    served = Document.objects.filter(pk=document_pk, subject_id=str(case.pk)).first()
    if served is None or served.subject_type.model_class() is not DisputeCase:
        raise ValueError(f"document {document_pk} is not a document of case {case.number}")
    if party not in addressees_of(served.kind, served.variant):
        raise ValueError(f"{served.title} (v{served.version}) is not addressed to the {party}")
    return {
        "case_number": case.number,
        "self_ref": self_reference(case.organisation),
        "served": {"title": served.title, "version": served.version,
                   "made_on": cn_date(timezone.localdate(served.created_at))},
        "addressee": _addressee(case, party),
        "method": str(ServiceMethod(method).label),
        "methods": _methods(method),
        "left": method == ServiceMethod.LEFT,
        "left_remark": LEFT_REMARK,
        "date": cn_date(timezone.localdate()),
    }


def _certificate_sample() -> Context:
    case = _sample_case()
    return {
        "title": _title(CERTIFICATE),
        "organisation_name": case["organisation_name"],
        "case_number": case["case_number"],
        "self_ref": "本中心",
        "served": {"title": "受理通知书", "version": 1, "made_on": cn_date(date(2026, 10, 9))},
        "addressee": {"name": case["employer"]["name"], "role": PARTY_ROLES[ServiceParty.EMPLOYER],
                      "address": case["employer"]["address"]},
        "method": str(ServiceMethod.DIRECT.label),
        "methods": _methods(ServiceMethod.DIRECT),
        "left": False,
        "left_remark": LEFT_REMARK,
        "date": cn_date(date(2026, 10, 9)),
    }


register(DocumentKind(
    code=CERTIFICATE,
    title=_("送达回证"),
    template="documents/dispute/service_certificate.html",
    sample_context=_certificate_sample,
    build_context=_certificate_from_db,
))
