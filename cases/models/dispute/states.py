"""The states of a dispute case and who may move it: shared by the case and its transition mixins."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.orgs import Role


class Channel(models.TextChoices):
    WALK_IN_WRITTEN = "walk_in_written", _("现场书面申请")
    ORAL = "oral", _("口头申请")
    PHONE = "phone", _("电话申请")
    ONLINE = "online", _("网上申请")
    # Cases brought in by import_disputes: the spreadsheets do not say how the application came.
    UNRECORDED = "unrecorded", _("未记录（历史导入）")


# The ways a live application can arrive (register_dispute refuses UNRECORDED).
LIVE_CHANNELS = tuple(c for c in Channel if c != Channel.UNRECORDED)


class DisputeStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    IN_MEDIATION = "in_mediation", _("调解中")
    AGREEMENT_SIGNING = "agreement_signing", _("协议签署中")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("已撤回")
    PERFORMING = "performing", _("履行中")
    PERFORMED = "performed", _("已履行")
    REFERRED = "referred", _("已引导仲裁")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")


S = DisputeStatus
OPEN_STATES = (S.REGISTERED, S.ACCEPTED, S.IN_MEDIATION, S.AGREEMENT_SIGNING)
ENDED_STATES = (S.REJECTED, S.FAILED, S.WITHDRAWN, S.PERFORMED, S.REFERRED)
CASE_HANDLERS = (Role.MEDIATOR, Role.MEDIATION_LEAD)


def may_handle(case, user) -> bool:
    from cases.models.access import can_act

    return can_act(user, case.organisation, CASE_HANDLERS)


def may_lead(case, user) -> bool:
    from cases.models.access import can_act

    return can_act(user, case.organisation, [Role.MEDIATION_LEAD])


def system_only(case, user) -> bool:
    from cases.models.actors import is_system

    return is_system(user)


may_handle.message = _("只有本组织的调解员或调解组长可以办理此案件。")
may_lead.message = _("只有调解组长可以执行此操作。")
system_only.message = _("该操作由系统在法定期限届满时自动执行。")
