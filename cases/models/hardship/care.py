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


_exit_period_over.message = _("退档公示期尚未届满")
_no_exit_objection_pending.message = _("尚有未处理的退档公示异议")
_no_exit_objection_upheld.message = _("退档公示异议成立，应中止退档")


class HardshipCareTransitions(models.Model):
    class Meta:
        abstract = True

    # -- aid ---------------------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("制定帮扶计划"), "notifications": ["approval_needed"]})
    def propose_aid_plan(self, *, by, reason="", **plan):
        from cases.hardship import aid

        return aid.propose_plan(file=self, by=by, **plan)

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_review,
                custom={"label": _("审批帮扶计划"), "documents": ["aid_decision_notice"],
                        "notifications": ["approval_decided"]})
    def approve_aid_plan(self, *, by, reason="", plan=None, **data):
        from cases.hardship import aid

        return aid.approve_plan(file=self, plan=plan, by=by)

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("发放帮扶资金"), "documents": ["aid_receipt"]})
    def disburse(self, *, by, reason="", **payment):
        from cases.hardship import aid

        return aid.disburse(file=self, by=by, **payment)

    # -- yearly review -------------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.OPEN, permission=may_prepare,
                custom={"label": _("年度复核"), "documents": ["yearly_review_record"],
                        "effects": ["cases.hardship.identification.open_yearly_review_clock"]})
    def complete_yearly_review(self, *, by, reason="", year=None, findings="", **data):
        from cases.hardship.identification import record_yearly_review

        return record_yearly_review(self, by=by, year=year, findings=findings)

    # -- exit and re-entry ---------------------------------------------------------------

    @transition(field="status", source=H.OPEN, target=H.EXIT_PUBLICITY, permission=may_prepare,
                custom={"label": _("退档公示"), "documents": ["exit_publicity_notice"], "reason_required": True,
                        "effects": ["workflows.hardship.flow.follow_file"], "notifications": ["publicity_started"]})
    def begin_exit(self, *, by, reason="", exit_reason="", place="", **data):
        if exit_reason not in ExitReason.values:
            raise ValidationError({"exit_reason": _("请选择退档原因（脱困、退休、转出、去世）。")})
        if not place.strip():
            raise ValidationError({"place": _("请填写公示地点。")})
        self.exit_reason, self.exit_note = exit_reason, reason.strip()
        self.exit_publicity_started_on, self.publicity_place = timezone.localdate(), place.strip()

    @transition(field="status", source=H.EXIT_PUBLICITY, target=H.OPEN, permission=may_prepare,
                custom={"label": _("中止退档"), "reason_required": True, "effects": ["workflows.hardship.flow.follow_file", "workflows.hardship.flow.close_objection_reviews"]})
    def cancel_exit(self, *, by, reason="", **data):
        self.exit_reason, self.exit_publicity_started_on = "", None

    @transition(field="status", source=H.EXIT_PUBLICITY, target=H.EXITED, permission=may_prepare,
                conditions=[_exit_period_over, _no_exit_objection_pending, _no_exit_objection_upheld],
                custom={"label": _("退档"), "documents": ["exit_notice"]})
    def exit_file(self, *, by, reason="", **data):
        self.exited_on = timezone.localdate()

    @transition(field="status", source=H.EXITED, target=H.EXITED, permission=may_prepare,
                custom={"label": _("重新纳入帮扶"), "reason_required": True,
                        "effects": ["workflows.hardship.flow.start_re_entry_flow"]})
    def re_enter(self, *, by, reason="", **data):
        """A household that exited falls into hardship again: a new file, identified afresh."""
        from cases.hardship.identification import re_entry_file

        return re_entry_file(self, by=by, reason=reason)
