"""Verify the audit journal: manage.py verify_audit [--anchor]

Walks the hash chain (each event sealed with HMAC-SHA256 under AUDIT_HMAC_KEY and linked to
the one before), compares it with the chain head and with every anchor in AUDIT_ANCHOR_PATH,
and exits 0 when intact, else 1 naming the first broken event. `--anchor` then anchors the
verified chain head (what beat does every few minutes).
"""

from django.core.management.base import BaseCommand, CommandError

from cases.platform.audit.anchoring import anchor_chain
from cases.platform.audit.journal import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链及其锚点：完整时退出码为 0，否则指出第一个被破坏的事件。"

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="store_true",
                            help="校验通过后，把当前链头写入锚点文件（AUDIT_ANCHOR_PATH）")

    def handle(self, *args, anchor: bool = False, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(f"审计链已被破坏：{report.first_break}（此前 {report.checked} 条校验通过）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整，已验证 {report.checked} 条事件。"))
        log = report.anchors
        if log.last:
            self.stdout.write(f"已与 {len(log.anchors)} 个锚点核对（{log.path}，最近一个：{log.last.when}，#{log.last.seq}）。")
        if log.anchors and log.anchors[0].kind == "rekey":
            self.stdout.write(f"审计链曾于 {log.anchors[0].when} 用当前密钥重写（rekey_audit_chain，锚点文件第 "
                              f"{log.anchors[0].line} 行）；此前的锚点按旧密钥记录，不再核对。")
        if anchor:
            result = anchor_chain()
            if result.problem:
                raise CommandError(f"未写入锚点：{result.problem}")
            if result.anchor:
                self.stdout.write(f"已写入锚点：#{result.anchor.seq}（{log.path} 第 {result.anchor.line} 行）。")
            else:
                self.stdout.write(f"审计链自上一个锚点（#{result.previous.seq if result.previous else 0}）以来没有新事件，未写入锚点。")
        elif report.anchor_warning:
            self.stderr.write(self.style.WARNING(report.anchor_warning))
