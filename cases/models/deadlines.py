"""Open legal clocks: one row per clock per subject (a case, a file, a schedule).

What each clock means (length, unit, warnings, breach, citation) is declared once in
cases/rules/deadlines.py; rows only hold the state of one running clock.

A clock opened by importing a pending historical case is flagged `imported`; one already past
its due date then is breached at once and stays unclosed (`closed_at` empty) while the step it
timed is still to be taken: it shows, as 历史导入, where the case waits (`awaiting()`).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .history import HistoricalRecords
from .orgs import Organisation


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    MET = "met", _("已按期完成")
    EXTENDED = "extended", _("已延期")
    BREACHED = "breached", _("已超期")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_STATES = (DeadlineState.OPEN, DeadlineState.EXTENDED)


class DeadlineQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def awaiting(self):
        """Running clocks, and clocks breached at import whose step is still to be taken."""
        return self.filter(models.Q(state__in=ACTIVE_STATES)
                           | models.Q(state=DeadlineState.BREACHED, imported=True, closed_at__isnull=True))

    def for_subject(self, subject):
        return self.filter(
            subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
            subject_id=str(subject.pk),
        )

    def by_urgency(self):
        return self.order_by("due_on", "pk")


class Deadline(models.Model):
    clock = models.CharField(_("时限"), max_length=64, db_index=True)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="deadlines",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="deadlines",
    )
    starts_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    state = models.CharField(
        _("状态"), max_length=16, choices=DeadlineState.choices, default=DeadlineState.OPEN,
        db_index=True,
    )
    # Computed with a provisional calendar year (no official schedule loaded yet).
    provisional = models.BooleanField(_("暂定"), default=False, db_index=True)
    # Warning offsets (days before due) already sent: firing twice changes nothing.
    warnings_sent = models.JSONField(default=list, blank=True)
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extended_days = models.PositiveSmallIntegerField(_("累计延期天数"), default=0)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Opened by importing a pending historical case (import_disputes), from its recorded dates.
    imported = models.BooleanField(_("历史导入"), default=False)
    note = models.TextField(_("说明"), blank=True)
    # The dispute case whose urgency this clock counts in: the subject itself, or the case of the
    # agreement an instalment belongs to; empty for other subjects. Set on save (case_of_clock),
    # so a case's nearest clock is one indexed lookup (cases.disputes.urgency).
    dispute_case = models.ForeignKey(
        "cases.DisputeCase", verbose_name=_("所属争议案件"), null=True, blank=True, editable=False,
        on_delete=models.CASCADE, related_name="clocks", db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("法定时限")
        verbose_name_plural = _("法定时限")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["state", "due_on"], name="deadline_urgency_idx"),
            models.Index(fields=["dispute_case", "due_on"], name="deadline_dispute_case_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "subject_type", "subject_id"],
                condition=models.Q(state__in=["open", "extended"]),
                name="one_active_clock_per_subject",
                violation_error_message=_("该事项已有同一种进行中的时限，不能重复开启。"),
            ),
        ]

    def __str__(self):
        return f"{self.rule.name} → {self.due_on:%Y-%m-%d}（{self.get_state_display()}）"

    def save(self, *args, **kwargs):
        if self.dispute_case_id is None and self.subject_id:
            self.dispute_case_id = case_of_clock(self.subject_type_id, self.subject_id)
        super().save(*args, **kwargs)

    @property
    def rule(self):
        from cases.rules.deadlines import clock

        return clock(self.clock)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


def case_of_clock(subject_type_id: int, subject_id: str, *, subject=None) -> int | None:
    """The id of the dispute case a clock on this subject counts in (Deadline.dispute_case):
    the case itself, or an instalment's agreement's case (from `subject`, the instalment, when
    its agreement is in hand, else asked)."""
    from .dispute.agreement import Instalment
    from .dispute.case import DisputeCase

    model = ContentType.objects.get_for_id(subject_type_id).model_class()
    if model is DisputeCase:
        return int(subject_id)
    if model is Instalment:
        if isinstance(subject, Instalment) and Instalment.agreement.is_cached(subject):
            return subject.agreement.case_id
        return Instalment.objects.filter(pk=int(subject_id)).values_list("agreement__case_id", flat=True).first()
    return None
