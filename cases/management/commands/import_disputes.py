"""Import a federation's historical labour disputes (历史案件导入, issue 7).

    manage.py import_disputes PATH [--all-or-nothing]

PATH is a CSV (UTF-8, BOM allowed) or XLSX file (first sheet) with a header row and the columns
case_no, org_code, received_on, accepted_on, worker_name, worker_id_number, employer_name,
employer_uscc, claim_type, claimed_yuan, outcome, agreement_effective_on, awarded_yuan, paid_yuan
(or their Chinese names, see cases/disputes/import_rows.py). Dates are ISO; empty cells
mean unknown (an empty claim_type imports as 未注明); outcome is agreement, failed, withdrawn,
rejected or pending.

Each valid row becomes a case in the state its outcome implies, journalled as imported by
system:import_disputes. A pending case joins the work where it was: without an acceptance
date it waits in acceptance review, with one it waits for a mediator; its legal clocks run
from its recorded dates, and those already past show as breached, flagged 历史导入. Rows in error are listed with line and reason and not written; the exit
status is then 1. With --all-or-nothing any row in error writes nothing at all. Importing the same
file again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.disputes.imports import DisputeImportRefused, import_disputes
from cases.platform.table_files import TableFileError

from ..progress import ProgressBar, error_lines


class Command(BaseCommand):
    help = "导入历史劳动争议案件（CSV或XLSX），每行按办理结果生成历史案件，并记入审计日志。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="历史案件文件（CSV UTF-8 或 XLSX，首行为表头）")
        parser.add_argument("--all-or-nothing", action="store_true", help="有任何错误行时整个文件不导入")

    def handle(self, *args, path: str, all_or_nothing: bool, **options) -> None:
        bar = ProgressBar(self.stderr, _("导入历史案件"))
        try:
            result = import_disputes(path, all_or_nothing=all_or_nothing, progress=bar)
        except DisputeImportRefused as refused:
            bar.finish()
            self._write_errors(refused.result.errors)
            raise CommandError(str(refused)) from None
        except TableFileError as error:
            bar.finish()
            raise CommandError(str(error)) from None
        bar.finish()
        self.stdout.write(_(
            "导入完成：%(file)s（SHA-256 %(sha)s），共%(total)d行；新导入%(imported)d件，此前已导入%(already)d件，"
            "错误%(rejected)d行。") % {
            "file": result.file_name, "sha": result.sha256[:12], "total": result.total,
            "imported": result.imported, "already": result.already_imported, "rejected": len(result.errors)})
        if result.errors:
            self._write_errors(result.errors)
            raise CommandError(_("有%(count)d行未导入，请更正后重新导入该文件（已导入的行不会重复导入）。")
                               % {"count": len(result.errors)})

    def _write_errors(self, errors: list[dict]) -> None:
        self.stderr.write(_("以下行未导入："))
        for line in error_lines(errors):
            self.stderr.write(line)
