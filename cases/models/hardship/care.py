"""What happens to an open hardship file: aid plans and disbursements, the yearly review,
exit (脱困/退档, with its own publicity) and re-entry. Mixed into HardshipFile; every
transition goes through the door. Money moves only in cases.hardship.aid."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.hardship.states import ExitReason, H, may_prepare, may_review


def _exit_period_over(file) -> bool:
    return file.publicity_period_over()


def _no_exit_objection_pending(file) -> bool:
    return not file.objections_pending()


def _no_exit_objection_upheld(file) -> bool:
    return not file.objections_upheld()


def _not_re_entered(file) -> bool:
    """Re-entry starts from the household's latest file: once it has been re-entered (or the
    household has a newer file), the new file is where the household's hardship work goes on."""
    return not type(file).objects.filter(household_id=file.household_id, pk__gt=file.pk).exists()


_exit_period_over.message = _("退档公示期尚未届满")
_not_re_entered.message = _("该家庭已重新纳入帮扶（或已有更新的档案），请在最新的档案中办理。")
_no_exit_objection_pending.message = _("尚有未处理的退档公示异议")
_no_exit_objection_upheld.message = _("退档公示异议成立，应中止退档")


class HardshipCareTransitions(models.Model):
    class Meta:
        abstract = True

    # -- aid ---------------------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("制定帮扶计划"), "notifications": ["approval_needed"],
                        "performed_by": "aid.propose_plan"})
    def propose_aid_plan(self, *, by, reason="", **plan):
        """The plan is written by cases.hardship.aid (performed_by)."""

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_review,
                custom={"label": _("审批帮扶计划"), "documents": ["aid_decision_notice"],
                        "notifications": ["approval_decided"], "performed_by": "aid.approve_plan"})
    def approve_aid_plan(self, *, by, reason="", plan=None, **data):
        """Four eyes and the approval are cases.hardship.aid's (performed_by)."""

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("发放帮扶资金"), "documents": ["aid_receipt"], "performed_by": "aid.disburse"})
    def disburse(self, *, by, reason="", **payment):
        """The ledger entry and the receipt are written by cases.hardship.aid (performed_by)."""

    # -- yearly review -------------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("年度复核"), "documents": ["yearly_review_record"],
                        "performed_by": "identification.record_yearly_review",
                        "effects": ["identification.open_yearly_review_clock"]})
    def complete_yearly_review(self, *, by, reason="", year=None, findings="", **data):
        """The review is recorded by cases.hardship.identification (performed_by)."""

    # -- exit and re-entry ---------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.EXIT_PUBLICITY, permission=may_prepare,
                custom={"label": _("退档公示"), "documents": ["exit_publicity_notice"], "reason_required": True,
                        "effects": ["hardship_flow.follow_file"], "notifications": ["publicity_started"]})
    def begin_exit(self, *, by, reason="", exit_reason="", place="", **data):
        if exit_reason not in ExitReason.values:
            raise ValidationError({"exit_reason": _("请选择退档原因（脱困、退休、转出、去世）。")})
        if not place.strip():
            raise ValidationError({"place": _("请填写公示地点。")})
        self.exit_reason, self.exit_note = exit_reason, reason.strip()
        self.exit_publicity_started_on, self.publicity_place = timezone.localdate(), place.strip()

    @transition(field="status", source=H.EXIT_PUBLICITY, target=H.OPEN, permission=may_prepare,
                custom={"label": _("中止退档"), "reason_required": True, "effects": ["hardship_flow.follow_file", "hardship_flow.close_objection_reviews"]})
    def cancel_exit(self, *, by, reason="", **data):
        self.exit_reason, self.exit_publicity_started_on = "", None

    @transition(field="status", source=H.EXIT_PUBLICITY, target=H.EXITED, permission=may_prepare,
                conditions=[_exit_period_over, _no_exit_objection_pending, _no_exit_objection_upheld],
                custom={"label": _("退档"), "documents": ["exit_notice"]})
    def exit_file(self, *, by, reason="", **data):
        self.exited_on = timezone.localdate()
        self.next_review_due = None  # its yearly-review clock is cancelled: an exited file has no next review

    @transition(field="status", source=H.EXITED, target=H.EXITED, permission=may_prepare,
                conditions=[_not_re_entered],
                custom={"label": _("重新纳入帮扶"), "reason_required": True,
                        "performed_by": "identification.re_entry_file",
                        "effects": ["hardship_flow.start_re_entry_flow"]})
    def re_enter(self, *, by, reason="", **data):
        """A household that exited falls into hardship again: a new file, identified afresh
        (opened by cases.hardship.identification, performed_by)."""
