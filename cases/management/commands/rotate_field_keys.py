"""Re-encrypt personal data at rest under the current key and recompute the blind indexes
(cases/platform/field_keys.py; issue 17, point 4).

    1. FIELD_ENCRYPTION_KEYS=new,old   (new first; the old one still decrypts)
       and/or a new BLIND_INDEX_KEY
    2. manage.py rotate_field_keys [--batch-size N]
    3. FIELD_ENCRYPTION_KEYS=new       (once the command has finished)

Main and historical tables, in batches with progress, each batch committed: an interrupted run
is resumed by running it again. The run is journalled.
"""

from django.core.management.base import BaseCommand, CommandError

from cases.models.actors import system
from cases.models.encrypted import EncryptedValueError, current_key_id
from cases.platform.field_keys import BATCH_SIZE, rotate


class Command(BaseCommand):
    help = ("用当前密钥（FIELD_ENCRYPTION_KEYS 的第一个）重新加密身份证号、手机号码等个人信息字段（含历史表），"
            "并按当前 BLIND_INDEX_KEY 重算盲索引；分批提交，中断后重新运行即可续做；记入审计日志。")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="每批处理的行数（默认 %(default)s）")

    def handle(self, *args, batch_size: int = BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 应为正整数。")
        try:
            result = rotate(by=system("rotate_field_keys"), batch_size=batch_size,
                            progress=lambda line: self.stdout.write(line))
        except EncryptedValueError as error:
            raise CommandError(f"{error}（已完成的批次已提交，补上密钥后重新运行即可续做。）") from error
        self.stdout.write(self.style.SUCCESS(
            f"完成：当前密钥编号 {current_key_id()}；改写 {result.rows} 行，重新加密 {result.re_encrypted} 个值，"
            f"重算 {result.reindexed} 个索引。"))
