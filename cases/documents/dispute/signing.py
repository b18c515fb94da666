"""调解协议书（签署稿）: the agreement as printed for signing on paper (Art.14).

Issued when the agreement is drafted (draft_agreement). It says what the effective agreement
will say (cases.documents.dispute.agreement.agreement_content: parties, matters, terms,
amounts, instalments, copies, the Art.16 notice) and leaves blank lines for each party's
signature or seal and its date, the mediator's signature and the organisation's seal. It
has no effective date: the agreement takes effect once the signed paper's scan is on file
and the mediator confirms it (make_agreement_effective), and the effective copy then records
the scan.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.agreement import (
    _agreement,
    agreement_content,
    review_period,
    sample_agreement_content,
)
from cases.documents.dispute.intake import _case_context, _in_document_language, _issued_on, _title
from cases.documents.registry import Context, DocumentKind, cn_date, register
from cases.models import AuditEvent, DisputeCase, Signatory

# The lines of the paper, in Art.14's order: who signs, and whether the line takes a seal. The
# parties' lines are labelled by who applied (parties.py: 申请人（签名）, 被申请人（签名或盖章）,
# 申请人（代表人签名） for a workers' side with representatives).
SIGNING_LINES = (
    {"signatory": str(Signatory.WORKER), "line": "申请人（签名）", "seal": False},
    {"signatory": str(Signatory.EMPLOYER), "line": "被申请人（签名或盖章）", "seal": False},
    {"signatory": str(Signatory.MEDIATOR), "line": "调解员（签名）", "seal": False},
    {"signatory": str(Signatory.SEAL), "line": "调解组织（印章）", "seal": True},
)
HEADING = "调解协议书"  # what the paper says: the signed paper is the agreement itself


def signing_lines(context: Context) -> list[Context]:
    """The lines of the paper, the parties' labelled as `context` (parties.py) labels them."""
    labels = context["signature_lines"]
    return [{**line, "line": labels.get(line["signatory"], line["line"])} for line in SIGNING_LINES]


@_in_document_language
def _draft_from_db(case: DisputeCase, transition_event: AuditEvent | None, *, variant: str = "") -> Context:
    agreement = _agreement(case)
    drafted_on = _issued_on(transition_event)
    context = _case_context(case, drafted_on, full_particulars=True)
    return {
        **context,
        **agreement_content(case, agreement),
        "heading": HEADING,
        "signing_lines": signing_lines(context),
        "review": review_period(),
        "drafted_on": cn_date(drafted_on),
    }


def _draft_sample() -> Context:
    """A collective dispute: twelve workers, two elected representatives (Art.7)."""
    drafted = date(2026, 10, 13)
    content = sample_agreement_content(collective=True)
    return {
        "title": _title("mediation_agreement_draft"),
        **content,
        "heading": HEADING,
        "signing_lines": signing_lines(content),
        "review": review_period(),
        "drafted_on": cn_date(drafted),
        "date": cn_date(drafted),
    }


register(DocumentKind(
    code="mediation_agreement_draft",
    title=_("调解协议书（签署稿）"),
    template="documents/dispute/mediation_agreement_draft.html",
    sample_context=_draft_sample,
    build_context=_draft_from_db,
))
