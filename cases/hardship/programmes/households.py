"""The household of a 临时救助 application (one not on file, perhaps not yet registered at all), and
the cause of hardship (致困原因) a household records, by which the reports count aid.

An accident does not wait for the identification procedure: the caseworker types the head's
particulars, and the household is found by the head's resident ID (a household already
registered, in identification, or exited) or registered with the head as its only member so
far, with its region (whose rule applies), address, work unit and cause of hardship. The head
becomes a worker as in registration (cases.hardship.intake). Checked before anything is
written; errors keyed like the page's fields ("head-name", "region_code", ...), in Chinese.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.disputes.intake import _save_worker
from cases.hardship.intake import Errors, _check_head, add_error, member_row
from cases.models import AuditAction, HardshipCause, Household, Organisation, Relation, Role
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.platform.audit.journal import append_event


def _region(errors: Errors, organisation: Organisation, region_code: str, address: str) -> tuple[str, str]:
    region_code, address = (region_code or "").strip(), (address or "").strip()
    if not region_code:
        add_error(errors, "region_code", _("请填写家庭所在地的行政区划代码（6位数字），例如海淀区 110108。"))
        return region_code, address
    probe = Household(organisation=organisation, region_code=region_code, address=address)
    try:
        probe.full_clean(exclude=["head", "organisation"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                add_error(errors, field, message)
    return region_code, address


def emergency_household(*, organisation: Organisation, head: dict, region_code: str, address: str = "",
                        work_unit: str = "", cause: str = "") -> Household:
    """The household headed by the worker `head` names (name, resident_id, phone, employment): the
    one already registered with `organisation` or below it, or a new one of `organisation` with the
    head as its member. Another federation's household is not found, as a foreign record is found
    nowhere: neither its cause nor its applications (whose numbers a refusal would name) are reached
    from here. Call it inside the transaction that records the application (nothing stays if that is refused)."""
    errors: Errors = {}
    worker_input, found, birth_date = _check_head(errors, head, address)
    existing = (Household.objects.filter(head=found, organisation__in=Organisation.objects.subtree_of([organisation]))
                .select_related("head").order_by("-pk").first() if found is not None else None)
    if existing is not None and not errors:
        if cause in HardshipCause.values and not existing.cause:
            existing.cause = cause
            existing.save(update_fields=["cause"])
        return existing
    if cause not in HardshipCause.values:
        add_error(errors, "cause", _("请选择致困原因。"))
    region_code, address = _region(errors, organisation, region_code, address)
    head_member = member_row(errors, "head", {**head, "resident_id": worker_input.resident_id,
                                              "name": worker_input.name, "birth_date": birth_date},
                             relation=Relation.SELF, check_id=False)
    if errors:
        raise ValidationError(errors)
    worker, _notes = _save_worker(worker_input)
    household = Household(organisation=organisation, head=worker, region_code=region_code, address=address,
                          work_unit=(work_unit or "").strip(), cause=cause)
    household.full_clean()
    household.save()
    head_member.household, head_member.worker, head_member.name = household, worker, worker.name
    head_member.full_clean()
    head_member.save()
    return household


@transaction.atomic
def record_cause(*, file, by, cause: str) -> Household:
    """Record (or correct) the cause of hardship of `file`'s household: a caseworker of the file's
    organisation, journalled on the file with the cause before and after. The cause is no figure
    of the assessment, so it may be recorded at any stage of the file."""
    if not is_system(by):
        require_can_act(by, file.organisation, [Role.HARDSHIP_CASEWORKER])
    if cause not in HardshipCause.values:
        raise ValidationError({"cause": _("请从列表中选择致困原因。")})
    household = Household.objects.select_for_update().get(pk=file.household_id)
    before = household.cause
    if before != cause:
        household.cause = cause
        household.save(update_fields=["cause"])
        append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=file, organisation=file.organisation,
                     name="record_hardship_cause", data={"household": household.pk, "before": before, "after": cause})
    return household
