"""The kinds of message a user can choose channels for, and saving their choices.

The kinds are read from the templates (one `notifications/<kind>.txt` per kind, in any
template directory), so a new kind appears on the preferences page once its template exists."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.template import engines
from django.utils.translation import gettext_lazy as _

from cases.rules.validators import normalise_mobile, validate_mobile

from .channels import enabled_channels
from .models import Channel, NotificationPreference, StaffMobile

# Names shown on the preferences page; a kind without one is shown by its code.
KIND_LABELS = {
    "deadline_warning": _("时限提醒"),
    "deadline_breached": _("时限超期"),
    "deadline_moved": _("时限调整"),
    "period_elapsed": _("期满待办理"),
    "arbitration_right_arisen": _("收到申请满十五日（可申请仲裁）"),
    "holiday_schedule_decided": _("节假日安排审批结果"),
    "task_assigned": _("任务分派"),
    "case_accepted": _("受理通知"),
    "case_rejected": _("不予受理通知"),
    "session_scheduled": _("调解安排"),
    "session_reminder": _("调解前一日提醒"),
    "agreement_effective": _("调解协议生效"),
    "instalment_due": _("履行提醒"),
    "instalment_overdue": _("逾期未履行"),
    "publicity_started": _("公示开始"),
    "objection_lodged": _("公示异议"),
    "approval_needed": _("待审批"),
    "approval_decided": _("审批结果"),
    "yearly_review_due": _("年度复核提醒"),
    "daily_digest": _("每日待办时限汇总"),
}

# Kinds sent only to the parties of a case (SMS and email at their recorded contacts), never
# to staff: a staff member has nothing to choose for them. The mediator hears of the same
# moments through deadline_warning / deadline_breached and session_reminder.
PARTY_ONLY_KINDS = frozenset({"session_scheduled", "instalment_due", "instalment_overdue"})

EMAIL, SMS = Channel.EMAIL.value, Channel.SMS.value


def template_dirs() -> list[Path]:
    dirs = []
    for backend in engines.all():
        engine = getattr(backend, "engine", None)
        for loader in getattr(engine, "template_loaders", []):
            dirs.extend(Path(d) for d in loader.get_dirs())
    return dirs


def notification_kinds() -> list[str]:
    """Every kind with a message template, sorted by code."""
    kinds = set()
    for directory in template_dirs():
        kinds.update(path.stem for path in (directory / "notifications").glob("*.txt"))
    return sorted(kinds)


def staff_kinds() -> list[str]:
    """The kinds staff receive, so the kinds they choose channels for."""
    return [kind for kind in notification_kinds() if kind not in PARTY_ONLY_KINDS]


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    email: bool
    sms: bool


def preference_rows(user) -> list[KindRow]:
    chosen = set(NotificationPreference.objects.filter(user=user, enabled=True).values_list("kind", "channel"))
    return [KindRow(kind, str(KIND_LABELS.get(kind, kind)), (kind, EMAIL) in chosen, (kind, SMS) in chosen)
            for kind in staff_kinds()]


def channel_available(channel: str) -> bool:
    return channel in enabled_channels()


def staff_mobile(user) -> str:
    mobile = StaffMobile.objects.filter(user=user).values_list("number", flat=True).first()
    return mobile or ""


def check_staff_mobile(number: str) -> str:
    """The number as stored ("" to remove it); a ValidationError in Chinese when it is not a mobile."""
    number = normalise_mobile(number)
    if number:
        validate_mobile(number)
    return number


@transaction.atomic
def save_choices(user, *, chosen: dict[str, set[str]], mobile: str) -> None:
    """For email and SMS: on for the kinds in chosen[channel], off for every other known kind;
    the user's SMS number replaced by `mobile` (checked with check_staff_mobile first)."""
    for channel in (EMAIL, SMS):
        for kind in staff_kinds():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": kind in chosen.get(channel, set())},
            )
    if mobile:
        StaffMobile.objects.update_or_create(user=user, defaults={"number": mobile})
    else:
        StaffMobile.objects.filter(user=user).delete()
