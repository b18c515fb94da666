"""`manage.py reconcile_stats [--org BJ-HD] [--repair]`

Recomputes the dispute figures' running totals (cases/models/rollup.py) from the cases,
organisation by organisation, and compares them with the stored rows: exits 0 when every row
agrees, else 1, listing the differences (the first 20). `--repair` writes the recount in place
of the stored rows of the organisations that differ (run it when no one is working: a step
taken during the recount of its organisation would be lost from the totals until the next run).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.management.progress import ProgressBar
from cases.models import Organisation
from cases.statistics import recount

SHOWN = 20


class Command(BaseCommand):
    help = "按案件重新计算争议统计累计数，与保存的累计数逐行核对：一致时退出码为 0，否则列出差异并退出码为 1；--repair 用重算结果替换有差异的组织的累计数。"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="只核对该组织（含全部下级组织），如 BJ-HD")
        parser.add_argument("--repair", action="store_true", help="用按案件重算的结果替换有差异的组织的累计数")

    def handle(self, *args, org=None, repair=False, **options):
        batches = list(recount.organisation_batches(self._organisations(org)))
        progress = ProgressBar(self.stderr, _("核对统计累计数"))
        found, repaired = [], 0
        for done, org_ids in enumerate(batches, start=1):
            differences = recount.differences(org_ids)
            found += differences
            if differences and repair:
                repaired += len({difference.key[2] for difference in differences})
                recount.rebuild(sorted({difference.key[2] for difference in differences}))
            progress(done, len(batches))
        progress.finish()
        if repaired:
            recount.refresh_planner_statistics()
        self._report(found, repaired, repair)

    @staticmethod
    def _organisations(code: str | None):
        if code is None:
            return None
        organisation = Organisation.objects.filter(code=code.strip()).first()
        if organisation is None:
            raise CommandError(_("没有代码为“%(code)s”的组织。") % {"code": code})
        return list(Organisation.objects.subtree_of([organisation]).order_by("pk"))

    def _report(self, found: list, repaired: int, repair: bool) -> None:
        if not found:
            self.stdout.write(self.style.SUCCESS(_("统计累计数与按案件重算的结果一致。")))
            return
        for difference in found[:SHOWN]:
            self.stdout.write(difference.describe())
        if len(found) > SHOWN:
            self.stdout.write(_("……另有%(n)s处差异未列出。") % {"n": len(found) - SHOWN})
        if repair:
            self.stdout.write(self.style.WARNING(
                _("发现%(n)s处差异，已按案件重算替换%(orgs)s个组织的累计数。") % {"n": len(found), "orgs": repaired}))
            return
        raise CommandError(_("统计累计数与按案件重算的结果有%(n)s处差异；核实原因后可用 --repair 按案件重算替换。")
                           % {"n": len(found)})
