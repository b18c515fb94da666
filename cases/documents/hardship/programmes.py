"""The receipt (领款凭证) of an aid programme's payment: 送温暖, 金秋助学, 医疗救助, 临时救助.

The same template as an aid plan's receipt (documents/hardship/aid_receipt.html), with the
programme in place of the plan: its application number, what it was for, the amount approved
and who approved it, and the programme's fund line; the title names the programme
(金秋助学领款凭证). The payment is the Disbursement the door journalled as the disburse
transition's "created" record; rendered without an event, the application's latest payment.
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cases.documents.dispute.intake import _in_document_language, cn_money
from cases.documents.dispute.mediation import _created_pk
from cases.documents.hardship.identification import _label
from cases.documents.registry import Context, DocumentKind, cn_date, person_name, register
from cases.models import AidProgramme, AidProgrammeApplication, AuditEvent, Disbursement, SchoolingStage, SchoolTerm
from cases.rules.eligibility import Category
from cases.rules.money import rmb_capitals

P = AidProgramme


def _amount(value: Decimal) -> Context:
    return {"figures": cn_money(value), "capitals": rmb_capitals(value)}


def _payment(application: AidProgrammeApplication, event: AuditEvent | None) -> Disbursement:
    payments = Disbursement.objects.filter(application=application).select_related("disbursed_by")
    if (pk := _created_pk(event)) is not None:
        return payments.get(pk=pk)
    latest = payments.order_by("-paid_on", "-pk").first()
    if latest is None:
        raise ValueError(f"programme application {application.pk}: nothing has been paid")
    return latest


def programme_detail(application: AidProgrammeApplication) -> str:
    """What the grant was for, in the receipt's words."""
    if application.programme == P.SPRING_FESTIVAL:
        return f"{application.year}年度春节送温暖慰问金"
    if application.programme == P.AUTUMN_SCHOOLING:
        return (f"{application.beneficiary}，{application.school}（{_label(SchoolingStage, application.schooling)}），"
                f"{application.year}年{_label(SchoolTerm, application.term)}助学金")
    if application.programme == P.MEDICAL_RELIEF:
        return (f"{application.beneficiary}医疗费用{cn_money(application.bills_total)}，"
                f"医保报销及保险赔付{cn_money(application.insurance_paid)}")
    return f"{cn_date(application.event_on)}遭遇意外，临时救助" if application.event_on else "临时救助"


@_in_document_language
def _programme_receipt_from_db(application: AidProgrammeApplication, transition_event: AuditEvent | None, *,
                               variant: str = "") -> Context:
    payment = _payment(application, transition_event)
    approvers = [person_name(user) for user in (application.first_approved_by, application.second_approved_by) if user]
    file = application.file
    name = _label(P, application.programme)
    return {
        "title": f"{name}领款凭证",
        "file_number": file.number if file is not None else "",
        "category": _label(Category, file.category) if file is not None and file.category else "未建档",
        "head": {"name": application.household.head.name},
        "receipt_number": payment.receipt_number,
        "recipient": payment.recipient,
        "amount": _amount(payment.amount),
        "paid_on": cn_date(payment.paid_on),
        "date": cn_date(payment.paid_on),
        "programme": {
            "number": application.number, "name": name, "detail": programme_detail(application),
            "amount": _amount(application.amount), "approvers": "、".join(approvers), "fund": application.fund.name,
        },
        "disbursed_by": person_name(payment.disbursed_by),
        "payer": application.fund.organisation.name,  # headed and sealed by the fund's organisation
    }


@_in_document_language
def _programme_receipt_sample() -> Context:
    return {
        "title": "金秋助学领款凭证",
        "file_number": "BJ-HD-KN-2026-0007",
        "category": "深度困难",
        "head": {"name": "王建国"},
        "receipt_number": "BJ-HD-LK-2026-000032",
        "recipient": "王建国",
        "amount": _amount(Decimal("3000.00")),
        "paid_on": cn_date(date(2026, 9, 10)),
        "date": cn_date(date(2026, 9, 10)),
        "programme": {
            "number": "BJ-HD-JQZX-2026-0003", "name": "金秋助学",
            "detail": "王小明，北京工业大学（大学/高职），2026年秋季学期助学金",
            "amount": _amount(Decimal("3000.00")), "approvers": "钱立新", "fund": "海淀区总工会2026年金秋助学专项资金",
        },
        "disbursed_by": "赵敏",
        "payer": "海淀区总工会",
    }


# The aid plan's receipt template, with the programme in place of the plan.
register(DocumentKind(code="programme_receipt", title=_("帮扶项目领款凭证"), template="documents/hardship/aid_receipt.html",
                      sample_context=_programme_receipt_sample, build_context=_programme_receipt_from_db))
