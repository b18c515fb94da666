"""Official holiday schedules entered or imported by an admin, for years the
`chinesecalendar` library does not know yet. A schedule counts only once an
organisation admin has approved it through the transition door."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cases.rules.calendar import DayKind

from .fsm import StatusModel
from .history import HistoricalRecords
from .orgs import Organisation, Role


class ScheduleStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已生效")
    REJECTED = "rejected", _("已驳回")


def _may_decide_schedule(schedule, user) -> bool:
    from cases.models.access import can_act
    from cases.models.actors import is_system

    if is_system(user):
        return True
    if schedule.proposed_by_id and schedule.proposed_by_id == getattr(user, "pk", None):
        return False
    return can_act(user, schedule.organisation, [Role.ORG_ADMIN])


def _no_other_approved_schedule(schedule) -> bool:
    return not HolidaySchedule.objects.filter(
        year=schedule.year, status=ScheduleStatus.APPROVED
    ).exclude(pk=schedule.pk).exists()


_no_other_approved_schedule.message = _("该年度已有生效的节假日安排。")
_may_decide_schedule.message = _("只有组织管理员可以审批节假日安排，且不能审批自己录入的安排。")


class HolidaySchedule(StatusModel):
    year = models.PositiveSmallIntegerField(_("年度"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("录入组织"), on_delete=models.PROTECT,
        related_name="holiday_schedules",
    )
    source = models.CharField(_("依据文件"), max_length=200, blank=True)
    status = FSMField(
        _("状态"), max_length=16, choices=ScheduleStatus.choices,
        default=ScheduleStatus.PROPOSED, protected=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    proposed_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year", "-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(status="approved"),
                name="one_approved_schedule_per_year",
                violation_error_message=_("该年度已有生效的节假日安排。"),
            ),
        ]

    def __str__(self):
        return _("%(year)s年节假日安排（%(status)s）") % {
            "year": self.year, "status": self.get_status_display(),
        }

    @transition(
        field=status, source=ScheduleStatus.PROPOSED, target=ScheduleStatus.APPROVED,
        conditions=[_no_other_approved_schedule], permission=_may_decide_schedule,
        custom={"label": _("批准"), "documents": ["holiday_schedule_decision"],
                "notifications": ["holiday_schedule_decided"],
                "effects": ["deadlines.recompute_after_schedule_approval"]},
    )
    def approve(self, *, by, reason="", **_data):
        self._record_decision(by, reason)

    @transition(
        field=status, source=ScheduleStatus.PROPOSED, target=ScheduleStatus.REJECTED,
        permission=_may_decide_schedule,
        custom={"label": _("驳回"), "documents": ["holiday_schedule_decision"],
                "notifications": ["holiday_schedule_decided"], "reason_required": True},
    )
    def reject(self, *, by, reason="", **_data):
        self._record_decision(by, reason)

    def _record_decision(self, by, reason):
        from django.utils import timezone

        from cases.models.actors import is_system

        self.decided_by = None if is_system(by) else by
        self.decided_at = timezone.now()
        self.decision_reason = reason


class HolidayScheduleDay(models.Model):
    schedule = models.ForeignKey(
        HolidaySchedule, verbose_name=_("节假日安排"), on_delete=models.CASCADE, related_name="days",
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排日")
        verbose_name_plural = _("节假日安排日")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "date"], name="one_entry_per_day",
                violation_error_message=_("同一天在节假日安排中只能出现一次。"),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
