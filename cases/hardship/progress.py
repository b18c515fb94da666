"""帮扶申请进度查询: what the head of a household sees of its own hardship file on the public pages.

- `find_file` answers the file whose 申请编号 (its id: the confirmation page and the union's app
  give it) or 档案编号 (once opened) is `number`, when `identity` is its head's resident ID; None
  otherwise, and the page says the same either way. Only a file with an application is found:
  a household the civil-affairs data pointed at, and nobody has asked yet, has none to follow.
  `head_phone` is where the code goes: the head's mobile number on file.
- `progress` is the household's view: the stage in plain words on a step line (申请已收到,
  入户调查, 民主评议, 公示, 审批, 已建档 — or 未予认定, with the reason the staff recorded), the
  next step and its date where a clock gives one (the last day of a publicity, the yearly
  review). Nothing of the work behind it: no staff names, votes, objections or computations.

No document of a hardship file is served on the household: no hardship kind has addressees in
the document registry, the application asks no consent to electronic service, and service
records belong to a dispute (cases/disputes/service.py). So nothing is opened or served here.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy

from cases.documents.registry import cn_date
from cases.models import HardshipFile, HardshipStatus
from cases.rules.validators import normalise_mobile, normalise_resident_id, validate_mobile
from cases.selectors import mask_resident_id

H = HardshipStatus
# An application's number is the file's id: at most this many digits (a longer one is no id).
APPLICATION_NUMBER = re.compile(r"[0-9]{1,12}")

STEPS = (gettext_lazy("申请已收到"), gettext_lazy("入户调查"), gettext_lazy("民主评议"), gettext_lazy("公示"),
         gettext_lazy("审批"), gettext_lazy("已建档"))
NOT_IDENTIFIED_STEP = gettext_lazy("未予认定")
# Where each status stands on the step line: the step being worked on (入户调查 covers the
# civil-affairs check the home visit's authorisation allows).
STEP_OF = {H.IDENTIFIED: 0, H.APPLIED: 1, H.HOME_VISITED: 1, H.CIVIL_CHECKED: 2, H.REVIEWED: 3, H.IN_PUBLICITY: 3,
           H.AWAITING_APPROVAL: 4, H.AWAITING_SECOND_APPROVAL: 4, H.RETURNED: 4, H.APPROVED: 5, H.OPEN: 5,
           H.EXIT_PUBLICITY: 5, H.EXITED: 5}
STAGE_LABELS = {
    H.IDENTIFIED: gettext_lazy("申请已收到，等待工作人员登记"),
    H.APPLIED: gettext_lazy("申请已登记，等待入户调查"),
    H.HOME_VISITED: gettext_lazy("入户调查已完成，正在核对家庭经济状况"),
    H.CIVIL_CHECKED: gettext_lazy("家庭经济状况已核对，等待民主评议"),
    H.REVIEWED: gettext_lazy("民主评议已通过，等待公示"),
    H.IN_PUBLICITY: gettext_lazy("正在公示"),
    H.AWAITING_APPROVAL: gettext_lazy("公示期满，正在审批"),
    H.AWAITING_SECOND_APPROVAL: gettext_lazy("正在审批"),
    H.RETURNED: gettext_lazy("正在补正材料，补正后重新审批"),
    H.APPROVED: gettext_lazy("审批已通过，正在建档"),
    H.OPEN: gettext_lazy("已建档"),
    H.EXIT_PUBLICITY: gettext_lazy("已建档，正在进行退档公示"),
    H.EXITED: gettext_lazy("已退档"),
    H.NOT_IDENTIFIED: gettext_lazy("未予认定"),
}
# The plain next step of a status with no date to tell.
NEXT_STEPS = {
    H.IDENTIFIED: gettext_lazy("工作人员会打电话与您联系，核实身份和申请理由，然后安排入户调查。"),
    H.APPLIED: gettext_lazy("两名工作人员会上门了解家庭情况（入户调查），请准备户口簿、身份证、收入证明和看病、上学的票据。"),
    H.HOME_VISITED: gettext_lazy("工会凭您家签署的授权书向民政等部门核对家庭经济状况，核对后组织民主评议。"),
    H.CIVIL_CHECKED: gettext_lazy("工会将组织民主评议，评议您家的困难情况。"),
    H.REVIEWED: gettext_lazy("工会将公示评议结果（姓名遮盖），公示期间任何人都可以向工会提出异议。"),
    H.AWAITING_APPROVAL: gettext_lazy("工会正在审批，审批后会通知您结果。"),
    H.AWAITING_SECOND_APPROVAL: gettext_lazy("工会正在审批，审批后会通知您结果。"),
    H.RETURNED: gettext_lazy("审批时发现材料需要补正，工作人员补正后会重新提交审批；需要您补充材料的，工作人员会与您联系。"),
    H.APPROVED: gettext_lazy("审批已通过，工会将为您家建立困难职工档案。"),
}


def find_file(number: str, identity: str) -> HardshipFile | None:
    """The applied-for file of 申请编号 or 档案编号 `number` whose head's resident ID is `identity`."""
    number, identity = (number or "").strip().upper(), normalise_resident_id("".join((identity or "").split()))
    if not number or not identity:
        return None
    files = HardshipFile.objects.filter(applied_on__isnull=False).select_related("organisation", "household__head")
    file = (files.filter(pk=int(number)) if APPLICATION_NUMBER.fullmatch(number) else files.filter(number=number)).first()
    if file is None:
        return None
    stored = file.household.head.resident_id
    return file if stored and normalise_resident_id(stored) == identity else None


def head_phone(file: HardshipFile) -> str:
    """The head's mobile number on file; "" when there is none (the code then goes nowhere)."""
    number = normalise_mobile(file.household.head.phone or "")
    try:
        validate_mobile(number)
    except ValidationError:
        return ""
    return number


@dataclass(frozen=True)
class Progress:
    file: HardshipFile
    stage: str
    steps: list[tuple[str, str]]  # (label, "done" / "current" / "todo")
    next_step: str
    next_date: date | None
    reason: str  # why the file was not identified, as the staff recorded it

    @property
    def head(self) -> str:
        return self.file.household.head.name

    @property
    def head_resident_id(self) -> str:
        return mask_resident_id(self.file.household.head.resident_id)

    @property
    def category(self) -> str:
        on_file = self.file.status in (H.APPROVED, H.OPEN, H.EXIT_PUBLICITY)
        return str(self.file.get_category_display()) if on_file and self.file.category else ""


def _steps(file: HardshipFile) -> list[tuple[str, str]]:
    if file.status == H.NOT_IDENTIFIED:
        # The steps the file went through, then the decision: a step never reached is not shown.
        reached = [STEPS[0]] + [label for label, on in ((STEPS[1], file.visited_on), (STEPS[2], file.review_held_on),
                                                        (STEPS[3], file.publicity_started_on)) if on]
        return [(str(label), "done") for label in reached] + [(str(NOT_IDENTIFIED_STEP), "current")]
    step = STEP_OF.get(file.status, 0)
    return [(str(label), "done" if index < step else "current" if index == step else "todo")
            for index, label in enumerate(STEPS)]


def _publicity_due(file: HardshipFile) -> date | None:
    deadline = file.publicity_deadline()
    return deadline.due_on if deadline is not None else None


def _next_step(file: HardshipFile) -> tuple[str, date | None]:
    status = file.status
    if status == H.IN_PUBLICITY:
        due = _publicity_due(file)
        text = _("评议结果正在%(place)s公示。") % {"place": file.publicity_place}
        if due:
            text += _("公示期至%(date)s，期满没有异议的，提交审批。") % {"date": cn_date(due)}
        return text, due
    if status == H.OPEN:
        due = file.review_due_on
        text = _("您家已建立困难职工档案，档案编号%(number)s。") % {"number": file.number}
        if due:
            text += _("工会每年复核一次家庭情况，下次复核在%(date)s前。") % {"date": cn_date(due)}
        return text, due
    if status == H.EXIT_PUBLICITY:
        due = _publicity_due(file)
        text = _("工会拟将您家退出困难职工档案（%(reason)s），正在公示。") % {"reason": file.get_exit_reason_display()}
        if due:
            text += _("公示期至%(date)s，有不同意见的，请在公示期内向工会提出。") % {"date": cn_date(due)}
        return text, due
    if status == H.EXITED:
        return _("您家的困难职工档案已退档（%(reason)s）。家庭再次遇到困难的，可以重新申请。") % {
            "reason": file.get_exit_reason_display()}, None
    if status == H.NOT_IDENTIFIED:
        return _("工会经审核，决定不认定为困难职工。如有疑问，请与%(org)s联系。") % {"org": file.organisation.name}, None
    return str(NEXT_STEPS[status]), None


def progress(file: HardshipFile) -> Progress:
    next_step, next_date = _next_step(file)
    reason = file.closed_reason if file.status == H.NOT_IDENTIFIED else ""
    return Progress(file=file, stage=str(STAGE_LABELS[file.status]), steps=_steps(file), next_step=next_step,
                    next_date=next_date, reason=reason)
