"""Re-seal the audit chain under the current AUDIT_HMAC_KEY (cases/platform/audit/rekey.py).

    manage.py rekey_audit_chain --from-sha256          a chain written before it was keyed, once
    manage.py rekey_audit_chain --old-key-env VAR      key rotation: VAR holds the previous key

The chain is verified the old way first (and its anchors, for a rotation); anything broken
refuses the run and changes nothing. The run is journalled and anchored.
"""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.models.actors import system
from cases.platform.audit.rekey import rekey_chain


class Command(BaseCommand):
    help = "用当前的审计密钥（AUDIT_HMAC_KEY）重新计算整条审计链的哈希：先按旧方案校验，通过后重写，并记入审计日志和锚点文件。"

    def add_arguments(self, parser):
        old = parser.add_mutually_exclusive_group(required=True)
        old.add_argument("--from-sha256", action="store_true",
                         help="审计链写于启用密钥之前（未加密钥的 SHA-256）：迁移到 HMAC，仅一次")
        old.add_argument("--old-key-env", metavar="VAR",
                         help="轮换密钥：旧密钥所在的环境变量名（如 AUDIT_HMAC_OLD_KEY）；密钥不在命令行上出现")

    def handle(self, *args, from_sha256: bool = False, old_key_env: str | None = None, **options):
        old_key = None
        if old_key_env:
            value = os.environ.get(old_key_env, "")
            if not value:
                raise CommandError(f"环境变量 {old_key_env} 未设置或为空：请把旧的审计密钥放在其中后再运行。")
            old_key = value.encode("utf-8")
        try:
            result = rekey_chain(old_key=old_key, by=system("rekey_audit_chain"))
        except ValidationError as refused:
            raise CommandError("；".join(refused.messages)) from refused
        self.stdout.write(self.style.SUCCESS(
            f"已用当前密钥重写 {result.events} 条审计事件（核对了 {result.anchors_checked} 个旧锚点）；"
            f"本次重写记为审计事件 #{result.event.seq}，并已写入锚点文件第 {result.anchor.line} 行。"))
