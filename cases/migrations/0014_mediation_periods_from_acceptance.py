"""Open cases' clocks under the two mediation periods (issue 16).

Before: one "dispute.mediation" clock ran 15 calendar days from receipt and deemed mediation
failed at its end. Now the organisation's mediation period runs from acceptance (企业劳动争议
协商调解规定 Art.26) and Art.14's fifteen days from receipt are a right of the parties
("dispute.arbitration_right"), both ending on a working day (民法典 Art.203). For each open
case this migration:
- cancels the mediation clock of a case not yet accepted (it opens at acceptance);
- recomputes it from acceptance, extensions kept, for an accepted case, and meets it where
  both parties have already signed the agreement;
- opens Art.14's clock where the agreement is not reached: already met (without a message)
  when its fifteen days ran out before this migration, open otherwise.
Clocks that already ended are history and stay as they are.
"""

from django.db import migrations
from django.utils import timezone

ACTIVE = ("open", "extended")
OPEN_CASE_STATES = ("registered", "accepted", "in_mediation", "agreement_signing")


def _reached(case) -> bool:
    agreement = getattr(case, "agreement", None)
    return agreement is not None and agreement.worker_signed_at is not None and agreement.employer_signed_at is not None


def forwards(apps, schema_editor):
    from cases.rules.deadlines import clock

    Deadline = apps.get_model("cases", "Deadline")
    DisputeCase = apps.get_model("cases", "DisputeCase")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="cases", model="disputecase").first()
    if case_type is None:  # a fresh database: nothing was ever opened
        return
    mediation, art14 = clock("dispute.mediation"), clock("dispute.arbitration_right")
    now, today = timezone.now(), timezone.localdate()
    cases = DisputeCase.objects.filter(status__in=OPEN_CASE_STATES).select_related("agreement")
    for case in cases.iterator():
        clocks = Deadline.objects.filter(subject_type=case_type, subject_id=str(case.pk))
        for deadline in clocks.filter(clock=mediation.code, state__in=ACTIVE):
            if case.accepted_on is None:
                deadline.state, deadline.closed_at = "cancelled", now
                deadline.note = "调解期限改为自受理之日起计算（企业劳动争议协商调解规定第二十六条），受理时重新起算"
            else:
                due = mediation.due_date(case.accepted_on, mediation.days + deadline.extended_days)
                deadline.starts_on, deadline.due_on, deadline.provisional = case.accepted_on, due.date, due.provisional
                if _reached(case):
                    deadline.state, deadline.closed_at = "met", now
            deadline.save()
        if _reached(case) or clocks.filter(clock=art14.code).exists():
            continue
        due = art14.due_date(case.received_on)
        elapsed = due.date < today
        Deadline.objects.create(
            clock=art14.code, subject_type=case_type, subject_id=str(case.pk), organisation_id=case.organisation_id,
            assignee_id=case.mediator_id, starts_on=case.received_on, due_on=due.date, provisional=due.provisional,
            state="met" if elapsed else "open", closed_at=now if elapsed else None,
            note="迁移时补建（第十四条期间已届满）" if elapsed else "",
        )


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0013_mediation_extension_consents"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
