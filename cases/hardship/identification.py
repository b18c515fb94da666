"""Hardship files from identification to yearly review: opening a file for a household,
file numbers, the yearly-review clock, the review itself and re-entry after exit.

Status changes go through the door (cases.platform.transitions.apply); the functions named
in the file's transitions (`effects`, or called from a transition method) run inside it.
Civil-affairs imports are in cases.hardship.civil_affairs.imports, their links in
cases.hardship.civil_affairs.links.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AuditAction, Deadline, HardshipFile, Household, Role
from cases.models.access import require_can_act
from cases.models.actors import is_system, person
from cases.models.hardship.household import assess_household
from cases.models.hardship.records import YearlyReview
from cases.models.hardship.states import ENDED_STATES, IdentificationSource
from cases.platform import deadlines
from cases.platform.audit.journal import append_event
from cases.platform.effects import effect
from cases.rules import deadlines as clocks

# Registered by the hardship flow: starts a newly identified file's work (its application task).
START_HARDSHIP_FLOW = "hardship_flow.start"


def open_hardship_file(*, household: Household, by, source: str, year: int | None = None,
                       civil_record=None, referred_by: str = "", previous_file=None) -> HardshipFile:
    """A new file for `household` in the identified state, journalled. The caller starts its
    flow (effects.run(START_HARDSHIP_FLOW, file, by=by)) in the same transaction."""
    if not is_system(by):
        require_can_act(by, household.organisation, [Role.HARDSHIP_CASEWORKER])
    if source not in IdentificationSource.values:
        raise ValidationError({"source": _("请选择认定来源。")})
    if source == IdentificationSource.REFERRAL and not referred_by.strip():
        raise ValidationError({"referred_by": _("基层工会推荐的，请填写推荐单位。")})
    active = HardshipFile.objects.filter(household=household).exclude(status__in=ENDED_STATES).first()
    if active is not None:
        raise ValidationError(_("该家庭已有未结束的困难职工档案（%(file)s），不能重复建立。") % {"file": active})
    file = HardshipFile(
        organisation=household.organisation, household=household, source=source,
        year=year or timezone.localdate().year, civil_record=civil_record, referred_by=referred_by.strip(),
        prepared_by=None if is_system(by) else by, previous_file=previous_file,
    )
    file.full_clean()
    file.save()
    append_event(action=AuditAction.TRANSITION, actor=by, subject=file, organisation=file.organisation,
                 name="created", to_state=file.status,
                 data={"source": source, "household": household.pk, "year": file.year,
                       "civil_record": getattr(civil_record, "pk", None),
                       "previous_file": getattr(previous_file, "pk", None)})
    return file


def anniversary(day: date, years: int = 1) -> date:
    """The same day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@effect("identification.open_yearly_review_clock")
def open_yearly_review_clock(file: HardshipFile, *, by=None, today: date | None = None) -> Deadline | None:
    """Door effect of open_file and complete_yearly_review: the next review falls due on the
    anniversary of the opening (then of each review). Idempotent: one active clock at most."""
    rule = clocks.clock("hardship.yearly_review")
    previous = Deadline.objects.for_subject(file).filter(clock=rule.code).order_by("-pk").first()
    if previous is not None and previous.is_active:
        return None
    start = today or timezone.localdate()
    # Anniversaries of the opening, whenever within the reminder window the review was done.
    due = anniversary(previous.due_on if previous else (file.opened_on or start))
    while due <= start:
        due = anniversary(due)
    deadline = deadlines.open_deadline(rule=rule, subject=file, organisation=file.organisation, starts_on=start,
                                       due_on=due, assignee=file.prepared_by)
    HardshipFile.objects.filter(pk=file.pk).update(next_review_due=due)
    file.next_review_due = due
    return deadline


def check_review_year(file: HardshipFile, year: int) -> None:
    """A review year is a past or current year, not before the identification's, whose income
    the household has on file: a year with nothing entered would compute ¥0.00 (深度困难)."""
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("核算年度%(year)s年尚未到来，不能按该年度复核。") % {"year": year}})
    if year < file.year:
        raise ValidationError({"year": _("核算年度%(year)s年早于认定年度%(identified)s年，请选择认定年度以后的年度。")
                               % {"year": year, "identified": file.year}})
    if not file.household.income_items.filter(year=year).exists():
        raise ValidationError({"year": _(
            "该家庭尚未录入%(year)s年的收入，不能按该年度复核；请先在“维护家庭信息”中录入%(year)s年的家庭收入和支出"
            "（确无收入的，请录入一项金额为0的收入）。") % {"year": year}})


def record_yearly_review(file: HardshipFile, *, by, year: int | None, findings: str) -> YearlyReview:
    """Re-verify an open file on the household's figures for `year`; the category may change.
    A household no longer in hardship keeps its file until it exits with publicity.

    The review's assessment is kept on the review; the identification's (认定年度, its
    computation) stays on the file as it was. The file's current category is the review's."""
    year = year or timezone.localdate().year - 1
    if not (findings or "").strip():
        raise ValidationError({"findings": _("请填写复核情况（入户核实、收入和支出变化）。")})
    if file.yearly_reviews.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s年度已经复核过。") % {"year": year}})
    check_review_year(file, year)
    assessment = assess_household(file.household, year=year)
    review = YearlyReview(
        file=file, year=year, reviewed_on=timezone.localdate(), reviewed_by=person(by),
        previous_category=file.category, category=assessment.category,
        per_capita_monthly=assessment.per_capita_monthly, steps=list(assessment.steps),
        parameters=assessment.rules.as_record(), findings=findings.strip(),
    )
    review.full_clean()
    review.save()
    file.category = assessment.category
    return review


def re_entry_file(file: HardshipFile, *, by, reason: str) -> HardshipFile:
    """A new file for the household of an exited file; its identification starts afresh."""
    return open_hardship_file(household=file.household, by=by, source=IdentificationSource.APPLICATION,
                              previous_file=file)


# -- the file's transitions whose work is done here (custom "performed_by"; the door calls them) --

@effect("identification.record_yearly_review")
def _complete_yearly_review(file: HardshipFile, *, by, reason: str = "", year: int | None = None, findings: str = "",
                            **data) -> YearlyReview:
    return record_yearly_review(file, by=by, year=year, findings=findings)


@effect("identification.re_entry_file")
def _re_enter(file: HardshipFile, *, by, reason: str = "", **data) -> HardshipFile:
    return re_entry_file(file, by=by, reason=reason)

