"""Effects of mediation transitions that reach beyond the case row."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Deadline
from cases.platform.deadlines import extend_deadline
from cases.platform.effects import effect


@effect("mediation.extend_mediation_clock")
def extend_mediation_clock(case, *, by, today: date | None = None) -> Deadline:
    """Door effect of extend_mediation: the recorded extension moves the mediation period
    (any length, as often as both parties agree: cases/rules/deadlines.py)."""
    extension = case.extensions.latest("created_at", "pk")
    clock = Deadline.objects.for_subject(case).active().select_for_update().filter(clock="dispute.mediation").first()
    if clock is None:
        raise ValidationError(_("调解期限已经结束，不能再延期。"))
    with translation.override(settings.LANGUAGE_CODE):  # the clock's record, kept in Chinese
        reason = (f"双方当事人分别于{extension.worker_consented_on:%Y-%m-%d}"
                  f"（{extension.get_worker_consent_method_display()}，{extension.worker_consent_by}）、"
                  f"{extension.employer_consented_on:%Y-%m-%d}"
                  f"（{extension.get_employer_consent_method_display()}，{extension.employer_consent_by}）同意延期调解")
    extend_deadline(deadline=clock, days=extension.days, by=by, reason=reason)
    extension.new_due_on = clock.due_on
    extension.save(update_fields=["new_due_on"])
    return clock
