"""Applying to an aid programme: who may, for whom, how much, from which fund line.

`apply_for_programme` checks the programme's eligibility, reads the region's rule for the year
(AidProgrammeRule: a missing row is a Chinese error naming what to enter, never a fallback to
another year), computes the amount with its steps (cases.hardship.programmes.amounts), checks
the fund line and records the application in its first state (待审批), journalled. Approval,
refusal and payment are the application's transitions through the door; the payment's work
is `disburse_application` (registered as the effect "programmes.disburse").

Eligibility:
- 送温暖, 金秋助学, 医疗救助 are for households on file (a file in ON_FILE_STATES): 送温暖 once
  per household and year; 金秋助学 once per child, year and term, for a child (子女) at a stage
  the rule funds; 医疗救助 for a member's illness, within the household's yearly cap.
- 临时救助 is for a household not on file (none yet, or in identification, or exited), once per
  household and year, for an accident or sudden event on a past date.
An application that was refused does not count against these.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.hardship.aid import _amount, pay_from_fund
from cases.hardship.programmes.amounts import (
    Grant,
    ProgrammeTerms,
    emergency_grant,
    medical_grant,
    schooling_grant,
    spring_festival_grant,
)
from cases.models import (
    AidProgramme,
    AidProgrammeApplication,
    AidProgrammeRule,
    AuditAction,
    Disbursement,
    Fund,
    HardshipFile,
    Household,
    HouseholdMember,
    Organisation,
    Relation,
    Role,
    SchoolingStage,
    SchoolTerm,
)
from cases.models.access import require_can_act
from cases.models.actors import is_system, person
from cases.models.hardship.programmes import LIVE_STATES, ApplicationStatus
from cases.models.hardship.states import ON_FILE_STATES, PROGRAMME_AID_TYPES
from cases.platform.audit.journal import append_event
from cases.platform.effects import effect

P = AidProgramme
ON_FILE_PROGRAMMES = (P.SPRING_FESTIVAL, P.AUTUMN_SCHOOLING, P.MEDICAL_RELIEF)
# Application numbers: <org code>-<prefix>-<year>-<NNNN>, one series per organisation, programme and year.
NUMBER_PREFIXES = {P.SPRING_FESTIVAL: "SNW", P.AUTUMN_SCHOOLING: "JQZX", P.MEDICAL_RELIEF: "YLJZ", P.EMERGENCY: "LSJZ"}


# -- the rule ---------------------------------------------------------------------------------

def rule_for(*, region_code: str, year: int, programme: str) -> AidProgrammeRule:
    rule = AidProgrammeRule.objects.filter(region_code=region_code, year=year, programme=programme).first()
    if rule is None:
        raise ValidationError(_(
            "缺少%(region)s地区%(year)s年%(programme)s的金额标准，请先由管理员在“帮扶项目金额标准”中录入。")
            % {"region": region_code, "year": year, "programme": P(programme).label},
            code="missing_programme_rule")
    return rule


def terms_of(rule: AidProgrammeRule) -> ProgrammeTerms:
    return ProgrammeTerms(
        programme=rule.programme, programme_label=str(P(rule.programme).label), region_code=rule.region_code,
        year=rule.year, second_approval_above=rule.second_approval_above, document_number=rule.document_number,
        document_date=rule.document_date, standard_amount=rule.standard_amount,
        schooling_amounts={stage: Decimal(amount) for stage, amount in (rule.schooling_amounts or {}).items()},
        share_percent=rule.share_percent, deductible=rule.deductible, maximum_amount=rule.maximum_amount,
        rule_id=rule.pk,
    )


# -- who is eligible ----------------------------------------------------------------------------

def file_on_file(household: Household) -> HardshipFile | None:
    """The household's file on file (在档), if any."""
    return (HardshipFile.objects.filter(household=household, status__in=ON_FILE_STATES)
            .select_related("organisation").order_by("-pk").first())


def _live(programme: str, **lookup):
    return AidProgrammeApplication.objects.filter(programme=programme, status__in=LIVE_STATES, **lookup)


def _refuse_repeat(existing, message: str, field: str = "household") -> None:
    first = existing.order_by("pk").first()
    if first is not None:
        raise ValidationError({field: message % {"number": first.number}})


def _member(household: Household, member, *, label: str) -> HouseholdMember:
    if not isinstance(member, HouseholdMember) or member.household_id != household.pk:
        raise ValidationError({"member": _("请选择本家庭的%(label)s。") % {"label": label}})
    return member


def _text(value, field: str, message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({field: message})
    return text


def _grant(programme: str, terms: ProgrammeTerms, *, household: Household, file: HardshipFile | None, year: int,
           member, term: str, school: str, bills_total, insurance_paid, event_on, requested_amount,
           applied_on: date) -> tuple[Grant, dict]:
    """The programme's eligibility and amount; with the fields it records."""
    if programme == P.SPRING_FESTIVAL:
        _refuse_repeat(_live(programme, household=household, year=year),
                       _("该家庭%(year)s年已有送温暖申请（%%(number)s），每户每年一次。") % {"year": year})
        label = f"{file.number}，{file.get_category_display()}" if file.category else file.number
        return spring_festival_grant(terms, file_label=label), {"beneficiary": household.head.name}
    if programme == P.AUTUMN_SCHOOLING:
        child = _member(household, member, label=_("在读子女"))
        if child.relation != Relation.CHILD:
            raise ValidationError({"member": _("金秋助学资助困难职工家庭的在读子女；%(name)s是户主的%(relation)s。")
                                   % {"name": child.name, "relation": child.get_relation_display()}})
        if term not in SchoolTerm.values:
            raise ValidationError({"term": _("请选择学期（春季学期或秋季学期）。")})
        school = _text(school, "school", _("请填写就读学校。"))
        _refuse_repeat(_live(programme, member=child, year=year, term=term),
                       _("%(name)s%(year)s年%(term)s已有金秋助学申请（%%(number)s），每学期一次。")
                       % {"name": child.name, "year": year, "term": SchoolTerm(term).label}, field="term")
        grant = schooling_grant(terms, stage=child.schooling, term_label=f"{year}年{SchoolTerm(term).label}",
                                child=child.name, stage_labels=dict(SchoolingStage.choices))
        return grant, {"member": child, "beneficiary": child.name, "term": term, "school": school,
                       "schooling": child.schooling}
    if programme == P.MEDICAL_RELIEF:
        patient = _member(household, member, label=_("患病的家庭成员"))
        bills = _amount(bills_total, "bills_total", label=_("医疗费用总额"))
        insurance = _amount(insurance_paid, "insurance_paid", label=_("医保报销及保险赔付"), zero_allowed=True)
        granted = _live(programme, household=household, year=year).aggregate(total=Sum("amount"))["total"]
        grant = medical_grant(terms, bills_total=bills, insurance_paid=insurance,
                              granted_this_year=granted or Decimal("0.00"))
        return grant, {"member": patient, "beneficiary": patient.name, "bills_total": bills,
                       "insurance_paid": insurance}
    # 临时救助
    if not isinstance(event_on, date):
        raise ValidationError({"event_on": _("请填写事故或突发事件发生的日期。")})
    if event_on > applied_on:
        raise ValidationError({"event_on": _("事故发生日期不能晚于申请日期。")})
    _refuse_repeat(_live(programme, household=household, year=year),
                   _("该家庭%(year)s年已获临时救助（%%(number)s），临时救助每户每年一次；仍有困难的，请按困难职工认定程序申请建档。")
                   % {"year": year})
    requested = _amount(requested_amount, "requested_amount", label=_("申请金额"))
    return emergency_grant(terms, requested=requested), {"beneficiary": household.head.name, "event_on": event_on,
                                                         "requested_amount": requested}


def _check_fund(fund, *, programme: str, organisation: Organisation, year: int) -> Fund:
    if not isinstance(fund, Fund):
        raise ValidationError({"fund": _("请选择%(programme)s专项资金。") % {"programme": P(programme).label}})
    if fund.programme != programme:
        raise ValidationError({"fund": _("“%(fund)s”不是%(programme)s专项资金，请选择该项目的资金。")
                               % {"fund": fund, "programme": P(programme).label}})
    if fund.organisation_id not in organisation.lineage_ids:
        raise ValidationError({"fund": _("“%(fund)s”属于%(org)s，不是%(own)s或其上级组织的资金。")
                               % {"fund": fund, "org": fund.organisation, "own": organisation.name}})
    if fund.year != year:
        raise ValidationError({"fund": _("“%(fund)s”是%(fund_year)s年度的资金，本申请为%(year)s年度，请选择当年度的资金。")
                               % {"fund": fund, "fund_year": fund.year, "year": year}})
    return fund


def _organisation_for(programme: str, household: Household, file: HardshipFile | None,
                      organisation: Organisation | None) -> Organisation:
    if programme in ON_FILE_PROGRAMMES:
        return file.organisation  # the file's organisation answers for its household
    organisation = organisation or household.organisation
    if not organisation.does_hardship_work:
        raise ValidationError({"organisation": _("%(org)s不承担困难职工帮扶工作，请选择市、区总工会。")
                               % {"org": organisation.name}})
    return organisation


def _next_number(organisation: Organisation, programme: str, year: int) -> str:
    """The next number of the organisation's series, under the organisation's row lock."""
    Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
    prefix = f"{organisation.code}-{NUMBER_PREFIXES[programme]}-{year}-"
    numbers = AidProgrammeApplication.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(number.rsplit("-", 1)[1]) for number in numbers), default=0)
    return f"{prefix}{last + 1:04d}"


# -- applying ------------------------------------------------------------------------------------

@transaction.atomic
def apply_for_programme(*, programme: str, by, household: Household, fund: Fund | None, reason: str,
                        organisation: Organisation | None = None, member: HouseholdMember | None = None,
                        term: str = "", school: str = "", bills_total=None, insurance_paid=None,
                        event_on: date | None = None, requested_amount=None) -> AidProgrammeApplication:
    """Record an application to `programme` for `household`, prepared by caseworker `by`.

    `organisation`: for 临时救助 only, the federation that answers for it (default the
    household's); the other programmes belong to the household's file's organisation. The
    fields a programme needs: 金秋助学 `member` (the child), `term`, `school`; 医疗救助 `member`
    (the patient), `bills_total`, `insurance_paid`; 临时救助 `event_on`, `requested_amount`.
    Raises ValidationError (keyed by field, in Chinese) or PermissionDenied; nothing is written then."""
    if programme not in P.values:
        raise ValidationError({"programme": _("请选择帮扶项目（送温暖、金秋助学、医疗救助、临时救助）。")})
    if not isinstance(household, Household):
        raise ValidationError({"household": _("请选择申请的家庭。")})
    file = file_on_file(household)
    if programme in ON_FILE_PROGRAMMES and file is None:
        raise ValidationError({"household": _(
            "%(head)s家庭没有在档的困难职工档案；%(programme)s只面向在档困难职工家庭，"
            "未建档家庭遭遇意外的，可申请临时救助。") % {"head": household.head.name, "programme": P(programme).label}})
    if programme == P.EMERGENCY and file is not None:
        raise ValidationError({"household": _(
            "%(head)s家庭已在档（%(file)s），不适用临时救助；请通过医疗救助或该档案的帮扶计划给予帮扶。")
            % {"head": household.head.name, "file": file.number}})
    organisation = _organisation_for(programme, household, file, organisation)
    if not is_system(by):
        require_can_act(by, organisation, [Role.HARDSHIP_CASEWORKER])
    reason = _text(reason, "reason", _("请填写申请事由（致困情况、事故经过或就学情况）。"))
    applied_on = timezone.localdate()
    year = applied_on.year
    rule = rule_for(region_code=household.region_code, year=year, programme=programme)
    terms = terms_of(rule)
    grant, fields = _grant(programme, terms, household=household, file=file, year=year, member=member, term=term,
                           school=school, bills_total=bills_total, insurance_paid=insurance_paid, event_on=event_on,
                           requested_amount=requested_amount, applied_on=applied_on)
    fund = _check_fund(fund, programme=programme, organisation=organisation, year=year)
    application = AidProgrammeApplication(
        organisation=organisation, programme=programme, number=_next_number(organisation, programme, year),
        household=household, file=file if programme in ON_FILE_PROGRAMMES else None, year=year, reason=reason,
        amount=grant.amount, steps=grant.steps, rule_record=terms.as_record(), fund=fund, applied_on=applied_on,
        prepared_by=person(by), **fields,
    )
    application.full_clean()
    application.save()
    append_event(action=AuditAction.TRANSITION, actor=by, subject=application, organisation=organisation,
                 name="created", to_state=application.status,
                 data={"programme": programme, "number": application.number, "household": household.pk,
                       "amount": grant.amount, "fund": fund.pk, "rule": rule.pk,
                       "aid_type": PROGRAMME_AID_TYPES[programme]})
    return application


# -- paying ------------------------------------------------------------------------------------

def disburse_application(application: AidProgrammeApplication, *, by, paid_on: date, recipient: str
                         ) -> Disbursement:
    """Pay an approved application's amount from its fund line (the door has locked the application's
    row and checked that it is approved): a ledger entry, a Disbursement and its receipt number."""
    if application.status != ApplicationStatus.PAID:  # the transition has just moved it
        raise ValidationError({"__all__": _("该申请尚未批准，不能发放。")})
    if not isinstance(paid_on, date):
        raise ValidationError({"paid_on": _("请填写发放日期。")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("发放日期不能晚于今天。")})
    approved_on = application.approved_on()
    if approved_on is None or paid_on < approved_on:
        raise ValidationError({"paid_on": _("发放日期不能早于批准日期（%(day)s）。") % {"day": approved_on}})
    recipient = _text(recipient, "recipient", _("请填写领款人姓名。"))
    if application.disbursements.exists():
        raise ValidationError({"__all__": _("该申请已经发放，不能重复发放。")})
    note = _("%(number)s %(programme)s 领款人%(recipient)s") % {
        "number": application.number, "programme": application.get_programme_display(), "recipient": recipient}
    return pay_from_fund(fund=application.fund, amount=application.amount, paid_on=paid_on, recipient=recipient,
                         note=note, by=by, application=application)


@effect("programmes.disburse")
def _disburse(application: AidProgrammeApplication, *, by, reason: str = "", paid_on=None, recipient: str = "",
              **data) -> Disbursement:
    return disburse_application(application, by=by, paid_on=paid_on, recipient=recipient)
