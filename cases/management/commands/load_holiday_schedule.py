"""Load a year's official holiday schedule from a CSV/XLSX file, and approve it.

    manage.py load_holiday_schedule 2027 holidays_2027.csv --source "国办发明电〔2026〕x号"

Whoever can run this controls the server, so it approves as the system itself (journalled
as system:load_holiday_schedule); --propose-only leaves approval to an organisation admin.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import HolidaySchedule, Organisation, OrganisationKind, ScheduleStatus
from cases.models.actors import system
from cases.platform.holiday_schedules import ScheduleEntry, count_days, parse_schedule_file, propose_schedule
from cases.platform.transitions import apply
from cases.rules.calendar import clear_calendar_cache

ACTOR_NAME = "load_holiday_schedule"


def _organisation(code: str | None) -> Organisation:
    if code:
        try:
            return Organisation.objects.get(code=code)
        except Organisation.DoesNotExist:
            raise CommandError(_("找不到代码为“%(code)s”的组织。") % {"code": code}) from None
    roots = list(Organisation.objects.filter(parent__isnull=True, kind=OrganisationKind.CITY_FEDERATION)[:2])
    if len(roots) != 1:
        raise CommandError(_("无法确定录入组织：请用 --org 指定组织代码。"))
    return roots[0]


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return _("节假日安排未导入，请修改后重试：") + "\n" + "\n".join(error.messages)
    return _("节假日安排未导入：%(reason)s") % {"reason": error}


class Command(BaseCommand):
    help = "导入某年度的节假日安排（CSV：date,kind,name），录入后默认以系统身份批准生效。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年度，如 2027")
        parser.add_argument("path", help="CSV（UTF-8）或 XLSX 文件路径")
        parser.add_argument("--org", dest="org_code", help="录入组织代码（默认：唯一的市总工会）")
        parser.add_argument("--source", default="", help="依据文件，如国务院办公厅通知文号")
        parser.add_argument("--propose-only", action="store_true", help="只录入，待组织管理员审批")

    def handle(self, *args, year: int, path: str, org_code: str | None, source: str,
               propose_only: bool, **options) -> None:
        organisation = _organisation(org_code)
        try:
            entries = parse_schedule_file(path, year=year)
            with transaction.atomic():
                schedule = self._load(year, entries, organisation, source, propose_only)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_error_text(error)) from error
        finally:
            # Also after a rollback: the approval may have been cached before it was undone.
            clear_calendar_cache()
        self.stdout.write(self._summary(schedule, entries))

    def _load(self, year: int, entries: list[ScheduleEntry], organisation: Organisation, source: str,
              propose_only: bool) -> HolidaySchedule:
        actor = system(ACTOR_NAME)
        schedule = propose_schedule(year=year, entries=entries, organisation=organisation, by=actor, source=source)
        if not propose_only:
            reason = _("由 load_holiday_schedule 命令导入并批准。")
            if source:
                reason += _("依据：%(source)s") % {"source": source}
            apply(schedule, "approve", by=actor, reason=reason)
            schedule.refresh_from_db()
        return schedule

    def _summary(self, schedule: HolidaySchedule, entries: list[ScheduleEntry]) -> str:
        counts = count_days(entries)
        state = _("已批准生效") if schedule.status == ScheduleStatus.APPROVED else _("待组织管理员审批")
        return _("已导入%(year)d年节假日安排：放假%(holidays)d天，调休上班%(workdays)d天；%(state)s。") % {
            "year": schedule.year, **counts, "state": state,
        }
