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


class NoSessionGround(models.TextChoices):
    """Why mediation failed before any session was held: recorded with the failure."""
    REFUSED_TO_ATTEND = "refused_to_attend", _("一方当事人拒绝参加调解")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("一方当事人撤回调解同意")


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


class RejectionGround(models.TextChoices):
    """Why an application is not accepted (企业劳动争议协商调解规定 第二十条: accepted when it is a
    labour dispute within the organisation's remit and both parties agree to mediate). The
    advice of the 不予受理通知书 follows it; cases rejected before it was recorded have none."""
    NOT_A_LABOUR_DISPUTE = "not_labour_dispute", _("不属于劳动争议")
    BEFORE_ARBITRATION_OR_COURT = "before_arbitration_or_court", _("已申请仲裁或者已向人民法院起诉")
    OTHER_PARTY_REFUSES = "other_party_refuses", _("对方当事人不同意调解")
    OUTSIDE_REMIT = "outside_remit", _("不属于本组织受理范围")


# The grounds after which the applicant is told of the right to apply for arbitration, with the
# limitation date; "" is a case rejected before the ground was recorded (told as before).
ARBITRATION_ADVISED = (RejectionGround.OTHER_PARTY_REFUSES, RejectionGround.OUTSIDE_REMIT, "")


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
