"""Compare the dispute queues' stored rows with the tasks and clocks they are derived from.

    manage.py check_queue_entries            # lists what differs; exits 1 if anything does
    manage.py check_queue_entries --repair   # rewrites every row, then checks again

Nothing should ever differ: the rows follow every task save and every clock change in the same
transaction (workflows/dispute/queue_entries.py). A difference means something wrote tasks or
clocks around the deadlines service (a raw SQL fix, a restore of one table): repair, and report.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.dispute import queue_entries

SHOWN = 20


class Command(BaseCommand):
    help = _("核对调解待办队列的存储条目与任务、法定时限是否一致；--repair 重建全部条目。")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help=_("重建全部队列条目后再核对。"))

    def handle(self, *args, repair=False, **options):
        if repair:
            rows = queue_entries.rebuild()
            self.stdout.write(_("已重建队列条目 %(n)s 条。") % {"n": rows})
        found = queue_entries.differences()
        for line in found[:SHOWN]:
            self.stdout.write(line)
        if found:
            raise CommandError(_("队列条目与任务、时限不一致：%(n)s 处。可运行 check_queue_entries --repair 重建。")
                               % {"n": len(found)}, returncode=1)
        self.stdout.write(_("队列条目与任务、时限一致。"))
