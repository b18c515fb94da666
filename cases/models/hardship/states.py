"""The states of a hardship file and who may move it: shared by the file and its transition mixins."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.orgs import Role


class HardshipStatus(models.TextChoices):
    IDENTIFIED = "identified", _("待申请")
    APPLIED = "applied", _("已申请")
    HOME_VISITED = "home_visited", _("已入户调查")
    CIVIL_CHECKED = "civil_checked", _("已民政核对")
    REVIEWED = "reviewed", _("已民主评议")
    IN_PUBLICITY = "in_publicity", _("公示中")
    AWAITING_APPROVAL = "awaiting_approval", _("待审批")
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval", _("待复审批")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已批准")
    OPEN = "open", _("在档帮扶")
    EXIT_PUBLICITY = "exit_publicity", _("退档公示中")
    EXITED = "exited", _("已退档")
    NOT_IDENTIFIED = "not_identified", _("未予认定")


H = HardshipStatus
# Before the file is opened: the identification may still end in not_identified.
IDENTIFICATION_STATES = (
    H.IDENTIFIED, H.APPLIED, H.HOME_VISITED, H.CIVIL_CHECKED, H.REVIEWED, H.IN_PUBLICITY,
    H.AWAITING_APPROVAL, H.AWAITING_SECOND_APPROVAL, H.RETURNED,
)
PUBLICITY_STATES = (H.IN_PUBLICITY, H.EXIT_PUBLICITY)
# From the democratic review on, the figures the identification rests on are frozen; until the
# approval they may be corrected, which sends the file back to its democratic review.
CORRECTABLE_STATES = (H.REVIEWED, H.IN_PUBLICITY, H.AWAITING_APPROVAL, H.AWAITING_SECOND_APPROVAL, H.RETURNED)
ASSESSMENT_FROZEN_STATES = (*CORRECTABLE_STATES, H.APPROVED)
# On file: the years assessed (identification, yearly reviews) are frozen; other years are open.
ON_FILE_STATES = (H.OPEN, H.EXIT_PUBLICITY)
ENDED_STATES = (H.EXITED, H.NOT_IDENTIFIED)


class IdentificationSource(models.TextChoices):
    APPLICATION = "application", _("职工申请")
    REFERRAL = "referral", _("基层工会推荐")
    CIVIL_AFFAIRS = "civil_affairs", _("民政数据比对")


class CivilCheckResult(models.TextChoices):
    CONSISTENT = "consistent", _("核对一致")
    INCONSISTENT = "inconsistent", _("核对不一致")
    NO_RECORD = "no_record", _("民政无记录")


class ExitReason(models.TextChoices):
    RECOVERED = "recovered", _("已脱困")
    RETIRED = "retired", _("已退休")
    TRANSFERRED = "transferred", _("已转出")
    DECEASED = "deceased", _("已去世")


class AidType(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    SCHOOLING = "schooling", _("助学")
    EMPLOYMENT = "employment", _("就业帮扶")


class AidProgramme(models.TextChoices):
    """Named programmes federations pay through beside the identification procedure, each with
    its own light procedure, rules per region and year, and fund line (cases.models.hardship.programmes)."""

    SPRING_FESTIVAL = "spring_festival", _("送温暖")
    AUTUMN_SCHOOLING = "autumn_schooling", _("金秋助学")
    MEDICAL_RELIEF = "medical_relief", _("医疗救助")
    EMERGENCY = "emergency", _("临时救助")


# The aid type a programme pays as: the type of its fund line and of the report's 帮扶类别.
PROGRAMME_AID_TYPES = {
    AidProgramme.SPRING_FESTIVAL: AidType.LIVING,
    AidProgramme.AUTUMN_SCHOOLING: AidType.SCHOOLING,
    AidProgramme.MEDICAL_RELIEF: AidType.MEDICAL,
    AidProgramme.EMERGENCY: AidType.LIVING,
}


# The home-visit checklist (入户调查): every item must be answered.
HOME_VISIT_CHECKLIST = (
    ("identity_checked", _("核对户口簿、身份证")),
    ("members_confirmed", _("核实家庭成员及就业、就学情况")),
    ("income_confirmed", _("核实家庭收入来源及金额")),
    ("expenses_confirmed", _("核实医疗、教育等刚性支出票据")),
    ("housing_observed", _("查看住房及生活状况")),
    ("neighbours_consulted", _("走访邻里、所在单位了解情况")),
)


def may_prepare(file, user) -> bool:
    from cases.models.access import can_act

    return can_act(user, file.organisation, [Role.HARDSHIP_CASEWORKER])


def may_review(file, user) -> bool:
    from cases.models.access import can_act

    return can_act(user, file.organisation, [Role.REVIEWER])


def may_handle_objection(file, user) -> bool:
    from cases.models.access import can_act

    return can_act(user, file.organisation, [Role.HARDSHIP_CASEWORKER, Role.REVIEWER])


may_prepare.message = _("只有本组织的帮扶工作人员可以办理此事项。")
may_review.message = _("只有本组织的审核人可以审批。")
may_handle_objection.message = _("只有本组织的帮扶工作人员或审核人可以办理公示异议。")
