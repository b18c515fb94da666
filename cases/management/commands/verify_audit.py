from django.core.management.base import BaseCommand, CommandError

from cases.platform.audit.journal import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链：完整时退出码为 0，否则指出第一个被破坏的事件。"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"审计链已被破坏：{report.first_break}（此前 {report.checked} 条校验通过）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整，已验证 {report.checked} 条事件。"))
