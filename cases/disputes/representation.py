"""Representation's services: the work of the door's transitions record_agent and record_workers.

- `record_agent` (performer `representation.record_agent`): a party's agent under a power of
  attorney whose scan is told by its content (cases/platform/uploads.py) and kept with its
  SHA-256 (Agent.attach_scan); the model checks the rest (authority and its listed powers,
  dates, the worker who gave the power).
- `record_workers` (performer `representation.record_workers`): the workers of a case whose
  workers' side has several — new ones found by resident ID or created, as registration finds
  them (cases/disputes/intake.py) — the representatives they elected and whether it is a
  collective dispute (Art.7); the model settles the list (DisputeCase.settle_workers).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.disputes.intake import _save_worker
from cases.disputes.intake_review import WorkerInput, normalised_worker, worker_values
from cases.models import Agent, DisputeCase, Worker
from cases.models.actors import person
from cases.models.dispute.representation import PartySide
from cases.platform.effects import effect
from cases.platform.uploads import SCANS, validate_upload
from cases.rules.validators import as_date


@dataclass(frozen=True)
class NewWorker:
    """One worker joining the case, as a line of the workers' form gives it."""

    name: str
    resident_id: str = ""
    phone: str = ""
    representative: bool = False


@effect("representation.record_agent")
def record_agent(case: DisputeCase, *, by, reason: str = "", side: str = "", worker=None, agent_name: str = "",
                 id_number: str = "", phone: str = "", kind: str = "", workplace: str = "", authority: str = "",
                 special_powers=None, scan=None, valid_from=None, **data) -> Agent:
    """Performer of record_agent: the agent, with the power of attorney's scan kept as it came
    ("agent_name", not "name": the effects runner takes an argument of that name)."""
    errors = {}
    if not (agent_name or "").strip():
        errors["name"] = [_("请填写委托代理人的姓名。")]
    if not (phone or "").strip():
        errors["phone"] = [_("请填写委托代理人的联系电话。")]
    try:
        valid_from = as_date(valid_from, "valid_from")
    except ValidationError as error:
        errors.update(error.message_dict)
    kind_of_scan = None
    if scan is None:
        errors["scan"] = [_("请上传授权委托书扫描件（PDF、JPEG或PNG）：委托代理人参加调解须提交载明委托事项和权限的授权委托书。")]
    else:
        try:
            kind_of_scan = validate_upload(scan, allowed=SCANS)
        except ValidationError as error:
            errors["scan"] = error.messages
    if worker is not None and not isinstance(worker, Worker):
        errors["worker"] = [_("委托的劳动者不是本案的劳动者。")]
    if errors:
        raise ValidationError(errors)
    agent = Agent(
        case=case, side=side, worker=worker if side == PartySide.WORKER else None, name=agent_name.strip(),
        id_number=(id_number or "").strip().upper(), phone=phone.strip(), kind=kind,
        workplace=(workplace or "").strip(), authority=authority, special_powers=list(special_powers or []),
        valid_from=valid_from, recorded_by=person(by),
    )
    agent.attach_scan(scan, kind_of_scan)
    agent.full_clean(exclude=["scan"])  # the file was checked above; it is saved under its fingerprint
    agent.save()
    return agent


def _new_worker_errors(number: int, worker: WorkerInput) -> list[str]:
    """What is wrong with the worker on line `number`: its name, and its fields as Worker checks them."""
    if not worker.name:
        return [_("第%(n)s行：请填写劳动者姓名。") % {"n": number}]
    try:
        Worker(**worker_values(worker)).clean_fields(exclude=["created_at"])
    except ValidationError as error:
        return [_("第%(n)s行：%(message)s") % {"n": number, "message": message}
                for messages in error.message_dict.values() for message in messages]
    return []


@effect("representation.record_workers")
def record_workers(case: DisputeCase, *, by, reason: str = "", workers=(), removed=(), representatives=(),
                   collective: bool = False, **data) -> None:
    """Performer of record_workers. `workers`: the new workers, as dicts of NewWorker's fields (so
    the journal keeps them as typed); `removed`, `representatives`: worker keys; `collective`:
    whether the case is a collective dispute (Art.7)."""
    new = [item if isinstance(item, NewWorker) else NewWorker(**item) for item in workers or ()]
    inputs = [normalised_worker(WorkerInput(name=item.name, resident_id=item.resident_id, phone=item.phone))
              for item in new]
    errors = [message for number, worker in enumerate(inputs, start=1) for message in _new_worker_errors(number, worker)]
    ids = [worker.resident_id for worker in inputs if worker.resident_id]
    repeated = sorted({number for number in ids if ids.count(number) > 1})
    if repeated:
        errors.append(_("公民身份号码%(ids)s重复填写。") % {"ids": "、".join(repeated)})
    if errors:
        raise ValidationError({"workers": errors})
    added = [_save_worker(worker)[0] for worker in inputs]
    elected = {int(pk) for pk in representatives or ()}
    elected |= {worker.pk for worker, item in zip(added, new, strict=True) if item.representative}
    case.settle_workers(by=by, added=added, removed={int(pk) for pk in removed or ()}, representative_ids=elected,
                        collective=bool(collective))
