"""Import the civil-affairs department's file of people receiving aid (民政数据对接, issue 5).

    manage.py import_civil_affairs PATH --org CODE [--purpose TEXT] [--all-or-nothing] [--user USERNAME]

PATH is a CSV (UTF-8, BOM allowed) or XLSX file (first sheet) with the columns name, id_number,
birth_date, region, category, household_size, monthly_amount, since (or 姓名, 身份证号, 出生日期,
区域, 救助类别, 家庭人口, 月保障金额, 起始日期). New and changed records are written, the same file
imported twice changes nothing, and the new records are linked to the people on file: exact
matches become candidate hardship files, likely ones wait in the 疑似困难 queue.

Rows in error are listed and skipped, and the exit status is 1 (0 only when every row was
fine); with --all-or-nothing any row in error refuses the whole file (nothing is written but
the refused run and its audit event).
Without --user the import is journalled as system:import_civil_affairs.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.hardship.civil_affairs.file import CivilAffairsFileError
from cases.hardship.civil_affairs.imports import DEFAULT_PURPOSE, CivilAffairsImportRefused, import_civil_affairs
from cases.hardship.civil_affairs.links import ACTOR_NAME
from cases.models import Organisation
from cases.models.actors import system

from ..progress import ProgressBar, error_lines


class Command(BaseCommand):
    help = "导入民政部门救助人员数据（CSV或XLSX），并与在册职工比对，生成疑似困难职工名单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="民政数据文件（CSV UTF-8 或 XLSX）")
        parser.add_argument("--org", dest="org_code", required=True, help="接收数据的工会组织代码")
        parser.add_argument("--purpose", default=DEFAULT_PURPOSE, help=f"数据使用目的（默认：{DEFAULT_PURPOSE}）")
        parser.add_argument("--all-or-nothing", action="store_true", help="有任何错误行时整个文件不导入")
        parser.add_argument("--user", dest="username", help="以该用户的名义导入（须为帮扶工作人员或组织管理员）")

    def handle(self, *args, path: str, org_code: str, purpose: str, all_or_nothing: bool, username: str | None,
               **options) -> None:
        try:
            organisation = Organisation.objects.get(code=org_code)
        except Organisation.DoesNotExist:
            raise CommandError(_("找不到代码为“%(code)s”的组织。") % {"code": org_code}) from None
        by = system(ACTOR_NAME)
        if username:
            try:
                by = get_user_model().objects.get(username=username, is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(_("找不到启用中的用户“%(name)s”。") % {"name": username}) from None
        bar = ProgressBar(self.stderr, _("导入民政数据"))
        try:
            run = import_civil_affairs(path, organisation=organisation, by=by, purpose=purpose,
                                       all_or_nothing=all_or_nothing, progress=bar)
        except CivilAffairsImportRefused as refused:
            bar.finish()
            for line in error_lines(refused.errors):
                self.stderr.write(line)
            raise CommandError(_("%(problem)s（导入记录 #%(pk)d 已记载，未应用）")
                               % {"problem": refused, "pk": refused.run.pk}) from None
        except CivilAffairsFileError as error:
            bar.finish()
            raise CommandError(str(error)) from None
        except (PermissionDenied, ValidationError) as error:
            bar.finish()
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("；".join(messages)) from None
        bar.finish()
        links = getattr(run, "link_summary", None)
        self.stdout.write(_(
            "导入完成：%(file)s（SHA-256 %(sha)s），共%(total)d行；新增%(created)d条，更新%(updated)d条，"
            "未变%(unchanged)d条，错误%(rejected)d行。数据使用目的：%(purpose)s。") % {
            "file": run.file_name, "sha": run.sha256[:12], "total": run.rows_total, "created": run.rows_created,
            "updated": run.rows_updated, "unchanged": run.rows_unchanged, "rejected": run.rows_rejected,
            "purpose": run.purpose})
        if links is not None:
            self.stdout.write(_(
                "比对结果：比对民政记录%(records)d条、在册人员%(people)d人；自动匹配%(matched)d条（新建档案%(files)d份），"
                "待人工确认%(review)d条，此前已比对%(known)d条。") % {
                "records": links.records, "people": links.people, "matched": links.matched,
                "files": links.files_opened, "review": links.review, "known": links.already_known})
        if run.errors:
            self.stdout.write(_("以下行未导入："))
            for line in error_lines(run.errors):
                self.stdout.write(line)
            # Exit status 1: a scheduled import must not pass for complete when rows were left out.
            raise CommandError(_("有%(count)d行未导入（见上）；其余各行已导入（导入记录 #%(pk)d）。请改正这些行后重新导入该文件。")
                               % {"count": run.rows_rejected, "pk": run.pk})
