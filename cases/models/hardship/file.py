"""A hardship file (困难职工档案) and its legal status, from identification to approval.

Identification: application (申请表) → home visit with the household's signed authorisation
(入户调查表) → civil-affairs check (民政核对) → democratic review (民主评议记录) → publicity
(公示, objections may be lodged) → approval by a reviewer who did not prepare the file, and a
second approval above UNIONCASE["HARDSHIP_SECOND_APPROVAL_ABOVE"] (审批表) → file opened with
a number (建档). What follows (aid plans, disbursements, yearly review, exit and re-entry) is
in hardship_care.py. Every change goes through the transition door.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from cases.models.actors import person
from cases.models.bounds import BoundedFields
from cases.models.fsm import StatusModel
from cases.models.hardship.care import HardshipCareTransitions
from cases.models.hardship.civil_affairs import CivilAffairsRecord
from cases.models.hardship.household import Household
from cases.models.hardship.records import FileNumberCounter
from cases.models.hardship.states import (
    CORRECTABLE_STATES,
    HOME_VISIT_CHECKLIST,
    IDENTIFICATION_STATES,
    ON_FILE_STATES,
    PUBLICITY_STATES,
    CivilCheckResult,
    ExitReason,
    H,
    HardshipStatus,
    IdentificationSource,
    may_handle_objection,
    may_prepare,
    may_review,
)
from cases.models.history import HistoricalRecords
from cases.models.orgs import Organisation, Role
from cases.rules.eligibility import Category
from cases.rules.validators import as_past_date

ZERO = Decimal("0.00")


def visit_staff(organisation):
    """Who may make a home visit for `organisation`'s files: its caseworkers and reviewers (or above it)."""
    from cases.models.access import holders

    return holders(organisation, [Role.HARDSHIP_CASEWORKER, Role.REVIEWER])


def publicity_end(deadline) -> datetime:
    """Midnight (in the federation's time zone) after the last day of a publicity clock."""
    return timezone.make_aware(datetime.combine(deadline.due_on + timedelta(days=1), time.min),
                               timezone.get_default_timezone())


def second_approval_threshold() -> Decimal:
    return Decimal(str(settings.UNIONCASE["HARDSHIP_SECOND_APPROVAL_ABOVE"]))


def authorisation_on_file(file) -> bool:
    return file.authorisation_signed_on is not None


def publicity_window_open(file) -> bool:
    return file.publicity_window_open()


def publicity_period_over(file) -> bool:
    return file.publicity_period_over()


def no_objection_pending(file) -> bool:
    return not file.objections_pending()


def no_objection_upheld(file) -> bool:
    return not file.objections_upheld()


authorisation_on_file.message = _("家庭尚未签署信息核对授权书（个人信息保护法第十三条）")
publicity_window_open.message = _("不在公示期内，不能登记异议")
publicity_period_over.message = _("公示期尚未届满")
no_objection_pending.message = _("尚有未处理的公示异议")
no_objection_upheld.message = _("有成立的公示异议，应不予认定或退档中止")


PREPARER_MAY_NOT_REVIEW_OBJECTION = _(
    "您参与了本档案的申请、入户调查或民主评议，不能核查对本档案的公示异议，请由其他工作人员办理。")


class HardshipFileQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=H.OPEN)


class HardshipFile(BoundedFields, HardshipCareTransitions, StatusModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("负责工会组织"), on_delete=models.PROTECT, related_name="hardship_files",
    )
    household = models.ForeignKey(Household, verbose_name=_("家庭"), on_delete=models.PROTECT,
                                  related_name="hardship_files")
    source = models.CharField(_("认定来源"), max_length=16, choices=IdentificationSource.choices)
    civil_record = models.ForeignKey(
        CivilAffairsRecord, verbose_name=_("民政记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="hardship_files",
    )
    referred_by = models.CharField(_("推荐单位"), max_length=120, blank=True)
    status = FSMField(_("状态"), max_length=32, choices=HardshipStatus.choices, default=H.IDENTIFIED,
                      protected=True)
    # The year whose income and expenses the category is computed from.
    year = models.PositiveSmallIntegerField(_("认定年度"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="prepared_hardship_files",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # 申请
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    application_reason = models.TextField(_("申请理由"), blank=True)
    # 入户调查
    visited_on = models.DateField(_("入户调查日期"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调查人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Home visits are made by two staff; both sign the 入户调查表.
    second_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("共同调查人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    visit_checklist = models.JSONField(_("入户调查核查项"), default=dict, blank=True)
    visit_findings = models.TextField(_("调查情况"), blank=True)
    authorisation_signed_on = models.DateField(_("家庭授权核对签署日期"), null=True, blank=True)
    # The separate consent to sensitive personal information (health, minors): 个人信息保护法第二十九条、第三十一条.
    sensitive_consent_signed_on = models.DateField(_("敏感个人信息单独同意签署日期"), null=True, blank=True)
    # 民政核对
    civil_check_result = models.CharField(_("民政核对结果"), max_length=16, choices=CivilCheckResult.choices,
                                          blank=True)
    civil_check_note = models.TextField(_("核对说明"), blank=True)
    civil_checked_on = models.DateField(_("核对日期"), null=True, blank=True)
    # 民主评议
    review_held_on = models.DateField(_("评议日期"), null=True, blank=True)
    review_participants = models.TextField(_("参加人员"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("同意票"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("反对票"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权票"), default=0)
    review_opinion = models.TextField(_("评议意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评议记录人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    proposed_aid_amount = models.DecimalField(
        _("拟年度帮扶金额（元）"), max_digits=12, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    # The computation at the democratic review, shown to the reviewer (cases.rules.eligibility).
    # `category` is the file's category now (a yearly review may change it; the register counts
    # it); `per_capita_monthly`, `assessment_steps` and `year` are the identification's and stay
    # as they were (a review keeps its own beside them; see identification_category).
    category = models.CharField(_("困难类别"), max_length=16, choices=Category.choices, blank=True)
    per_capita_monthly = models.DecimalField(_("月人均可支配收入（元）"), max_digits=12, decimal_places=2,
                                             null=True, blank=True)
    assessment_steps = models.JSONField(_("计算过程"), default=list, blank=True)
    # The region's parameters as the assessment used them (cases.rules.eligibility.Rules.as_record):
    # a later change of HardshipParameters never rewrites this assessment.
    assessment_parameters = models.JSONField(_("认定参数"), default=dict, blank=True)
    # 公示
    publicity_started_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_place = models.CharField(_("公示地点"), max_length=200, blank=True)
    # 审批
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    first_approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    second_approved_at = models.DateTimeField(_("复审批时间"), null=True, blank=True)
    # 建档
    number = models.CharField(_("档案编号"), max_length=48, blank=True)
    opened_on = models.DateField(_("建档日期"), null=True, blank=True)
    next_review_due = models.DateField(_("下次复核日期"), null=True, blank=True)
    # 退档
    exit_reason = models.CharField(_("退档原因"), max_length=16, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("退档说明"), blank=True)
    exit_publicity_started_on = models.DateField(_("退档公示开始日期"), null=True, blank=True)
    exited_on = models.DateField(_("退档日期"), null=True, blank=True)
    # 未予认定
    closed_reason = models.TextField(_("未予认定原因"), blank=True)
    # A re-entry starts a new file pointing at the one that exited.
    previous_file = models.ForeignKey(
        "self", verbose_name=_("原档案"), null=True, blank=True, on_delete=models.PROTECT, related_name="re_entries",
    )
    history = HistoricalRecords()

    objects = HardshipFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""), name="unique_hardship_file_number"),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="hardship_org_status_idx")]

    def __str__(self):
        return _("%(number)s %(head)s家庭（%(status)s）") % {
            "number": self.number or _("待建档"), "head": self.household.head.name, "status": self.get_status_display()}

    @property
    def deadline_assignee(self):
        return self.prepared_by

    @property
    def worker(self):
        return self.household.head

    def preparers(self) -> set[int]:
        """Everyone who prepared the file: none of them may approve it or review an objection to it (four eyes)."""
        return {pk for pk in (self.prepared_by_id, self.visited_by_id, self.second_visitor_id, self.reviewed_by_id)
                if pk}

    @property
    def identification_category(self) -> str:
        """The category the identification found: the file's, until a yearly review changed it
        (the first review recorded it as its previous category)."""
        first_review = self.yearly_reviews.order_by("reviewed_on", "pk").first()
        return first_review.previous_category if first_review is not None else self.category

    def get_identification_category_display(self) -> str:
        return str(Category(self.identification_category).label) if self.identification_category else ""

    @property
    def review_due_on(self):
        """The next yearly review while the file is on file; an exited (or not yet opened) file has none."""
        return self.next_review_due if self.status in ON_FILE_STATES else None

    def approval_opinions(self) -> list[dict]:
        """The approvals the file holds now, each with its approver's own opinion: the reason of
        the latest approve (approve_second) transition in the journal, the only one that sets
        the approver (a return or a correction clears it). Oldest first:
        [{"stage": "first" | "second", "approver": user, "at": datetime, "comment": str}]."""
        from cases.models.audit import AuditAction, AuditEvent

        opinions = []
        for stage, name, approver, at in (("first", "approve", self.first_approved_by, self.first_approved_at),
                                          ("second", "approve_second", self.second_approved_by,
                                           self.second_approved_at)):
            if approver is None:
                continue
            event = (AuditEvent.objects.for_subject(self).filter(action=AuditAction.TRANSITION, name=name)
                     .order_by("-seq").first())
            comment = event.reason.strip() if event is not None and event.actor_id == approver.pk else ""
            opinions.append({"stage": stage, "approver": approver, "at": at, "comment": comment})
        return opinions

    def needs_second_approval(self) -> bool:
        return self.proposed_aid_amount > second_approval_threshold()

    # -- identification ------------------------------------------------------------------

    @transition(field=status, source=H.IDENTIFIED, target=H.APPLIED, permission=may_prepare,
                custom={"label": _("登记申请"), "documents": ["hardship_application"]})
    def take_application(self, *, by, reason="", applied_on=None, application_reason="", **data):
        self.applied_on = as_past_date(applied_on or timezone.localdate(), "applied_on")
        if not application_reason.strip():
            raise ValidationError({"application_reason": _("请填写申请理由（致困原因及家庭困难情况）。")})
        self.application_reason = application_reason.strip()
        self.prepared_by = self.prepared_by or person(by)

    @transition(field=status, source=H.APPLIED, target=H.HOME_VISITED, permission=may_prepare,
                custom={"label": _("入户调查"), "documents": ["home_visit_record"]})
    def record_home_visit(self, *, by, reason="", visited_on=None, checklist=None, findings="",
                          authorisation_signed_on=None, sensitive_consent_signed_on=None, second_visitor=None,
                          **data):
        checklist = dict(checklist or {})
        unanswered = [str(label) for key, label in HOME_VISIT_CHECKLIST if not isinstance(checklist.get(key), bool)]
        if unanswered:
            raise ValidationError({"checklist": _("请逐项填写入户调查核查项：%(items)s") % {"items": "、".join(unanswered)}})
        if authorisation_signed_on is None:
            raise ValidationError({"authorisation_signed_on": _(
                "家庭未签署信息核对授权书，不能进行民政数据核对（个人信息保护法第十三条、第十四条）。")})
        if sensitive_consent_signed_on is None:
            raise ValidationError({"sensitive_consent_signed_on": _(
                "家庭未就健康状况、未成年人信息等敏感个人信息单独签署同意书，不能记录入户调查"
                "（个人信息保护法第二十八条至第三十一条）。")})
        self.second_visitor = self._check_second_visitor(by, second_visitor)
        self.visited_on = as_past_date(visited_on, "visited_on")
        self.authorisation_signed_on = as_past_date(authorisation_signed_on, "authorisation_signed_on")
        self.sensitive_consent_signed_on = as_past_date(sensitive_consent_signed_on, "sensitive_consent_signed_on")
        if not findings.strip():
            raise ValidationError({"findings": _("请填写调查情况。")})
        self.visit_checklist = {key: checklist[key] for key, _label in HOME_VISIT_CHECKLIST}
        self.visit_findings, self.visited_by = findings.strip(), person(by)

    def _check_second_visitor(self, by, second_visitor):
        """The other of the two staff on the visit: another person, staff of the file's organisation."""
        if second_visitor is None:
            raise ValidationError({"second_visitor": _("入户调查须由两名工作人员进行，请选择共同调查人。")})
        if second_visitor.pk == getattr(by, "pk", None):
            raise ValidationError({"second_visitor": _("共同调查人须为另一名工作人员，不能是本人。")})
        if not second_visitor.is_active or not visit_staff(self.organisation).filter(pk=second_visitor.pk).exists():
            raise ValidationError({"second_visitor": _("共同调查人须为%(org)s的帮扶工作人员或审核人。")
                                   % {"org": self.organisation.name}})
        return second_visitor

    @transition(field=status, source=H.HOME_VISITED, target=H.CIVIL_CHECKED, permission=may_prepare,
                conditions=[authorisation_on_file],
                custom={"label": _("民政核对"), "documents": ["civil_check_record"]})
    def record_civil_check(self, *, by, reason="", result="", note="", checked_on=None, **data):
        if result not in CivilCheckResult.values:
            raise ValidationError({"result": _("请选择民政核对结果。")})
        self.civil_check_result, self.civil_check_note = result, note.strip()
        self.civil_checked_on = as_past_date(checked_on or timezone.localdate(), "checked_on")

    @transition(field=status, source=H.CIVIL_CHECKED, target=H.REVIEWED, permission=may_prepare,
                custom={"label": _("民主评议"), "documents": ["democratic_review_record"]})
    def record_democratic_review(self, *, by, reason="", held_on=None, participants="", votes_for=None,
                                 votes_against=0, votes_abstain=0, opinion="", proposed_aid_amount=None, **data):
        from cases.models.hardship.household import assess_household

        votes = [votes_for, votes_against, votes_abstain]
        if any(not isinstance(v, int) or v < 0 for v in votes):
            raise ValidationError({"votes_for": _("请填写同意、反对、弃权票数（非负整数）。")})
        if votes_for * 2 <= sum(votes):
            raise ValidationError({"votes_for": _("同意票未超过参加评议人数的半数，评议未通过。")})
        if not participants.strip() or not opinion.strip():
            raise ValidationError({"participants": _("请填写参加人员和评议意见。")})
        if proposed_aid_amount is None or Decimal(proposed_aid_amount) < 0:
            raise ValidationError({"proposed_aid_amount": _("请填写拟年度帮扶金额。")})
        assessment = assess_household(self.household, year=self.year)
        if assessment.category == Category.NONE:
            raise ValidationError({"votes_for": _("按%(year)s年家庭收支计算不属于困难职工，不能提交评议结果：%(steps)s")
                                   % {"year": self.year, "steps": "；".join(assessment.steps)}})
        self.review_held_on = as_past_date(held_on, "held_on")
        self.review_participants, self.review_opinion = participants.strip(), opinion.strip()
        self.votes_for, self.votes_against, self.votes_abstain = votes
        self.proposed_aid_amount = Decimal(proposed_aid_amount)
        self.reviewed_by = person(by)
        self.record_assessment(assessment)

    def record_assessment(self, assessment) -> None:
        """The identification's assessment (democratic review, resubmission, correction)."""
        self.category = assessment.category
        self.per_capita_monthly = assessment.per_capita_monthly
        self.assessment_steps = list(assessment.steps)
        self.assessment_parameters = assessment.rules.as_record()

    @transition(field=status, source=list(CORRECTABLE_STATES), target=H.CIVIL_CHECKED, permission=may_prepare,
                custom={"label": _("更正认定数据，退回民主评议"), "reason_required": True, "own_form": True,
                        "effects": ["hardship_flow.close_objection_reviews", "hardship_flow.follow_file"]})
    def correct_assessment(self, *, by, reason="", before=None, after=None, **data):
        """A correction of the figures the identification rests on, once they are frozen (they
        are written by cases.hardship.household.update_household in the same transaction, which
        hands in `before` and `after` for the journal). The category is computed again from the
        corrected figures, and the democratic review, publicity and approvals are done again."""
        from cases.models.hardship.household import assess_household

        self.record_assessment(assess_household(self.household, year=self.year))
        self.review_held_on, self.review_participants, self.review_opinion, self.reviewed_by = None, "", "", None
        self.votes_for = self.votes_against = self.votes_abstain = 0
        self.publicity_started_on, self.publicity_place = None, ""
        self.first_approved_by, self.first_approved_at = None, None
        self.second_approved_by, self.second_approved_at = None, None

    @transition(field=status, source=H.REVIEWED, target=H.IN_PUBLICITY, permission=may_prepare,
                custom={"label": _("开始公示"), "documents": ["publicity_notice"], "notifications": ["publicity_started"]})
    def start_publicity(self, *, by, reason="", place="", **data):
        if not place.strip():
            raise ValidationError({"place": _("请填写公示地点。")})
        self.publicity_started_on, self.publicity_place = timezone.localdate(), place.strip()

    @transition(field=status, source=list(PUBLICITY_STATES),
                target=RETURN_VALUE(H.IN_PUBLICITY, H.EXIT_PUBLICITY), permission=may_handle_objection,
                conditions=[publicity_window_open],
                custom={"label": _("登记公示异议"), "effects": ["hardship_flow.open_objection_review"],
                        "notifications": ["objection_lodged"]})
    def lodge_objection(self, *, by, reason="", lodged_by="", contact="", content="", **data):
        from cases.models.hardship.records import Objection

        objection = Objection(file=self, stage=self.status, lodged_by=lodged_by.strip(), contact=contact.strip(),
                              content=content.strip(), recorded_by=person(by))
        objection.full_clean()
        objection.save()
        self._new_objection = objection
        return self.status

    @transition(field=status, source=list(PUBLICITY_STATES), target=RETURN_VALUE(H.IN_PUBLICITY, H.EXIT_PUBLICITY),
                permission=may_handle_objection, custom={"label": _("处理公示异议"), "reason_required": True})
    def resolve_objection(self, *, by, reason="", objection=None, upheld=None, **data):
        from cases.models.hardship.records import ObjectionStatus

        self._refuse_preparer_of_objection(by)
        if objection is None or objection.file_id != self.pk or objection.status != ObjectionStatus.PENDING:
            raise ValidationError({"objection": _("请选择本档案一条待处理的异议。")})
        if not isinstance(upheld, bool):
            raise ValidationError({"upheld": _("请选择异议是否成立。")})
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.finding, objection.resolved_by, objection.resolved_at = reason.strip(), person(by), timezone.now()
        objection.full_clean()
        objection.save()
        return self.status

    @transition(field=status, source=H.IN_PUBLICITY, target=H.AWAITING_APPROVAL, permission=may_prepare,
                conditions=[publicity_period_over, no_objection_pending, no_objection_upheld],
                custom={"label": _("公示期满，提交审批"), "notifications": ["approval_needed"]})
    def end_publicity(self, *, by, reason="", **data):
        """The publicity ran its days without an objection left pending or upheld."""

    @transition(field=status, source=[H.AWAITING_APPROVAL], permission=may_review,
                target=RETURN_VALUE(H.APPROVED, H.AWAITING_SECOND_APPROVAL),
                custom={"label": _("审批同意"), "documents": ["hardship_approval"],
                        "notifications": ["approval_decided", "approval_needed"]})
    def approve(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        self.first_approved_by, self.first_approved_at = person(by), timezone.now()
        return H.AWAITING_SECOND_APPROVAL if self.needs_second_approval() else H.APPROVED

    @transition(field=status, source=H.AWAITING_SECOND_APPROVAL, target=H.APPROVED, permission=may_review,
                custom={"label": _("复审批同意"), "documents": ["hardship_approval"], "notifications": ["approval_decided"]})
    def approve_second(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        if getattr(by, "pk", None) == self.first_approved_by_id:
            raise PermissionDenied(_("复审批须由另一名审核人办理，第一审批人不能再次审批。"))
        self.second_approved_by, self.second_approved_at = person(by), timezone.now()

    @transition(field=status, source=[H.AWAITING_APPROVAL, H.AWAITING_SECOND_APPROVAL], target=H.RETURNED,
                permission=may_review, custom={"label": _("退回补正"), "reason_required": True,
                                                "notifications": ["approval_decided"]})
    def return_for_revision(self, *, by, reason="", **data):
        self._refuse_preparer(by)
        self.first_approved_by, self.first_approved_at = None, None

    @transition(field=status, source=H.RETURNED, target=H.AWAITING_APPROVAL, permission=may_prepare,
                custom={"label": _("补正后重新提交"), "notifications": ["approval_needed"]})
    def resubmit(self, *, by, reason="", proposed_aid_amount=None, **data):
        from cases.models.hardship.household import assess_household

        if proposed_aid_amount is not None:
            self.proposed_aid_amount = Decimal(proposed_aid_amount)
        self.record_assessment(assess_household(self.household, year=self.year))

    @transition(field=status, source=list(IDENTIFICATION_STATES), target=H.NOT_IDENTIFIED,
                permission=may_handle_objection,
                custom={"label": _("不予认定"), "reason_required": True, "documents": ["not_identified_notice"],
                        "effects": ["hardship_flow.follow_file", "hardship_flow.close_objection_reviews"]})
    def reject(self, *, by, reason="", **data):
        self.closed_reason = reason.strip()

    @transition(field=status, source=H.APPROVED, target=H.OPEN, permission=may_prepare,
                custom={"label": _("建档"), "documents": ["file_opening_record"],
                        "effects": ["identification.open_yearly_review_clock"]})
    def open_file(self, *, by, reason="", **data):
        self.number = FileNumberCounter.next_file_number(self.organisation)
        self.opened_on = timezone.localdate()

    # -- publicity and four-eyes helpers ---------------------------------------------------

    def publicity_deadline(self):
        from cases.models.deadlines import Deadline

        clock = "hardship.exit_publicity" if self.status == H.EXIT_PUBLICITY else "hardship.publicity"
        return Deadline.objects.for_subject(self).filter(clock=clock).order_by("-pk").first()

    def publicity_ends_at(self):
        """The instant the running publicity (identification or exit) is over: midnight after its
        last day, the due date of its clock (counted once in working days by the deadlines
        service, and moved only with it). The flow's timer is set to this instant
        (workflows.hardship.flow.publicity_over_at, which follows the clock if it moves) and the
        objection window and end_publicity / exit_file read it: one clock, so a timer that fired
        is never refused. None before a publicity began."""
        deadline = self.publicity_deadline()
        return publicity_end(deadline) if deadline is not None else None

    def publicity_window_open(self, now=None) -> bool:
        """Objections are taken from the first day of publicity to its last day inclusive."""
        ends_at = self.publicity_ends_at()
        return ends_at is not None and (now or timezone.now()) < ends_at

    def publicity_period_over(self, now=None) -> bool:
        ends_at = self.publicity_ends_at()
        return ends_at is not None and (now or timezone.now()) >= ends_at

    def current_objections(self):
        """The objections lodged in the publicity running now: those of an earlier one (before a
        correction restarted it, or an exit that was cancelled) are its history."""
        objections = self.objections.filter(stage=self.status)
        deadline = self.publicity_deadline()
        return objections.filter(lodged_at__gte=deadline.created_at) if deadline is not None else objections

    def objections_pending(self) -> bool:
        from cases.models.hardship.records import ObjectionStatus

        return self.current_objections().filter(status=ObjectionStatus.PENDING).exists()

    def objections_upheld(self) -> bool:
        from cases.models.hardship.records import ObjectionStatus

        return self.current_objections().filter(status=ObjectionStatus.UPHELD).exists()

    def _refuse_preparer_of_objection(self, by) -> None:
        if getattr(by, "pk", None) in self.preparers():
            raise PermissionDenied(PREPARER_MAY_NOT_REVIEW_OBJECTION)

    def _refuse_preparer(self, by) -> None:
        if getattr(by, "pk", None) in self.preparers():
            raise PermissionDenied(_("您参与了本档案的申请、入户调查或民主评议，不能审批自己经办的档案（双人审核）。"))


