"""Link civil-affairs records to workers offline, without the database (issue 5).

    manage.py link_records --workers W.csv --civil C.csv --out M.csv

Input: UTF-8 CSV (a BOM is fine). Headers, English or Chinese:

    workers: worker_ref (劳动者编号), name (姓名), id_number (身份证号),
             birth_date (出生日期), region (区域)
    civil:   civil_ref (民政编号), name, id_number, birth_date, region, category (救助类别),
             household_size (家庭人口), monthly_amount (月保障金额), since (起始日期)

id_number may be empty; birth_date (and since, when given) is YYYY-MM-DD, YYYY/MM/DD or
YYYYMMDD. Output: civil_ref, worker_ref, score (4 decimals), decision (match / review /
none), one row per civil record in input order. A summary goes to stderr.
"""

import csv
from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.hardship.civil_affairs.file import CIVIL_COLUMNS, HEADER_ALIASES
from cases.platform.sheet_cells import SafeCsvWriter
from cases.rules.linkage import MATCH, MATCH_THRESHOLD, NONE, REVIEW, REVIEW_THRESHOLD, PersonRecord, link

WORKER_COLUMNS = ("worker_ref", "name", "id_number", "birth_date", "region")
OUTPUT_COLUMNS = ("civil_ref", "worker_ref", "score", "decision")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


def _parse_date(value: str, *, path: Path, line: int, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{path.name} 第{line}行：{column}“{value}”不是有效日期（应为YYYY-MM-DD）。")


def read_records(path: Path, columns: tuple[str, ...], ref_column: str) -> list[PersonRecord]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CommandError(f"无法打开文件 {path}：{error.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise CommandError(f"{path.name} 第1行：文件为空，缺少表头。") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path.name}：不是UTF-8编码的CSV文件。") from None
        names = [HEADER_ALIASES.get(h.strip(), h.strip()) for h in header]
        missing = [c for c in columns if c not in names]
        if missing:
            raise CommandError(f"{path.name} 第1行：缺少列 {', '.join(missing)}。")
        position = {name: names.index(name) for name in columns}
        records, seen = [], set()
        try:
            for line, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) < len(names):
                    raise CommandError(f"{path.name} 第{line}行：列数不足（应有{len(names)}列，实有{len(row)}列）。")
                value = {name: row[i].strip() for name, i in position.items()}
                ref = value[ref_column]
                if not ref:
                    raise CommandError(f"{path.name} 第{line}行：{ref_column} 为空。")
                if ref in seen:
                    raise CommandError(f"{path.name} 第{line}行：{ref_column}“{ref}”重复。")
                seen.add(ref)
                if not value["name"]:
                    raise CommandError(f"{path.name} 第{line}行：姓名为空。")
                birth = _parse_date(value["birth_date"], path=path, line=line, column="出生日期")
                if "since" in value:
                    _parse_date(value["since"], path=path, line=line, column="起始日期")
                records.append(PersonRecord(ref, value["name"], value["id_number"] or None, birth,
                                            value["region"] or None))
        except UnicodeDecodeError:
            raise CommandError(f"{path.name}：不是UTF-8编码的CSV文件。") from None
    return records


class Command(BaseCommand):
    help = "离线比对民政救助记录与劳动者名单（不访问数据库），输出 civil_ref, worker_ref, score, decision。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", required=True, type=Path, help="劳动者CSV")
        parser.add_argument("--civil", required=True, type=Path, help="民政救助记录CSV")
        parser.add_argument("--out", required=True, type=Path, help="输出CSV")
        parser.add_argument("--match-threshold", type=float, default=MATCH_THRESHOLD)
        parser.add_argument("--review-threshold", type=float, default=REVIEW_THRESHOLD)

    def handle(self, *args, **options) -> None:
        # call_command(..., workers="w.csv") passes strings through without `type=`.
        workers = read_records(Path(options["workers"]), WORKER_COLUMNS, "worker_ref")
        civil = read_records(Path(options["civil"]), CIVIL_COLUMNS, "civil_ref")
        try:
            results = link(civil, workers, match_threshold=options["match_threshold"],
                           review_threshold=options["review_threshold"])
        except ValueError:
            raise CommandError("阈值应满足 0 ≤ 复核阈值 ≤ 匹配阈值 ≤ 1。") from None
        with Path(options["out"]).open("w", encoding="utf-8", newline="") as handle:
            writer = SafeCsvWriter(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for result in results:
                writer.writerow([result.civil_ref, result.worker_ref or "", f"{result.score:.4f}", result.decision])
        counts = {d: sum(r.decision == d for r in results) for d in (MATCH, REVIEW, NONE)}
        self.stderr.write(
            f"比对完成：民政记录{len(results)}条，劳动者{len(workers)}人；"
            f"匹配 match {counts[MATCH]}，待复核 review {counts[REVIEW]}，未匹配 none {counts[NONE]}。"
        )
