"""民政数据对接 through the API: the civil-affairs department pushes batches of records, and
reads what became of each.

A batch is validated and imported as `import_civil_affairs` imports a file — the same row
validation (cases.hardship.civil_affairs.file.validate_civil_rows, each record numbered from 1
where the file numbers its lines), the same writing and linking (imports.import_civil_rows),
all-or-nothing when asked — for an organisation in the client's reach, journalled as the
client. The batch id is the department's own: the first answer to a batch is kept with it and
given again to a repeat; the same id with other content is refused (422).

What each record became is kept per batch (CivilAffairsBatchRecord) and read live: its import
result, and where its linking stands now (compared or not, matched to a person on file and a
candidate hardship file, waiting for a caseworker, excluded).
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.problems import PROBLEM_CONTENT_TYPE, Problem, problem_response
from api.serializers import OrganisationSerializer, StatusSerializer, organisation_of, status_of
from api.system.clients import actor_of
from api.system.fields import ChineseSerializer
from api.system.models import CivilAffairsBatch, CivilAffairsBatchRecord, RowResult
from cases.hardship.civil_affairs.file import COLUMNS, validate_civil_rows
from cases.hardship.civil_affairs.imports import DEFAULT_PURPOSE, CivilAffairsImportRefused, import_civil_rows
from cases.models import CivilAffairsRecord, LinkStatus

MAX_RECORDS = 5000
BATCH_ID = RegexValidator(r"^[A-Za-z0-9._:-]{1,100}$", gettext_lazy("批次编号只能由1至100个字母、数字和 . _ : - 组成。"))


@extend_schema_field({"type": "string", "nullable": True, "example": "1975-03-02"})
class DayText(serializers.CharField):
    pass


@extend_schema_field({"type": "integer", "nullable": True, "minimum": 1, "example": 3})
class CountText(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "nullable": True, "example": "1500.00"})
class AmountText(serializers.CharField):
    pass


def loose(kind=serializers.CharField, **kwargs):
    """A record's cell: any text or number, checked by the import's own row validation."""
    return kind(required=False, allow_blank=True, allow_null=True, max_length=200, **kwargs)


class CivilRecordSerializer(ChineseSerializer):
    """One person as the civil-affairs department reports them (低保、特困、低边等)."""

    ref = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                help_text=gettext_lazy("民政部门自己的记录编号（民政编号）：原样写在每条记录的结果中，便于对应"))
    name = loose(help_text=gettext_lazy("姓名"))
    id_number = loose(help_text=gettext_lazy("公民身份号码；没有或无效时须填出生日期和区域"))
    birth_date = loose(DayText, help_text=gettext_lazy("出生日期，如 1975-03-02（也接受 1975/3/2、1975年3月2日）"))
    region = loose(help_text=gettext_lazy("区域：6位行政区划代码，如 110108"))
    category = loose(help_text=gettext_lazy("救助类别，如“低保”“特困”（不超过40个字）"))
    household_size = loose(CountText, help_text=gettext_lazy("家庭人口（正整数）"))
    monthly_amount = loose(AmountText, help_text=gettext_lazy("月保障金额（元，最多两位小数）"))
    since = loose(DayText, help_text=gettext_lazy("起始日期"))

    class Meta:
        ref_name = "CivilAffairsRecordInput"


class BatchRequestSerializer(ChineseSerializer):
    """A batch of civil-affairs records (民政数据批次)."""

    batch_id = serializers.CharField(max_length=100, validators=[BATCH_ID], help_text=gettext_lazy(
        "批次编号：由发送方确定，在本客户端内唯一。同一批次重复发送得到第一次的应答；同一编号配不同内容的将被拒绝（422）"))
    organisation = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text=gettext_lazy(
        "接收数据的工会组织代码，须在本客户端的范围内；不填为本客户端所属组织"))
    purpose = serializers.CharField(required=False, max_length=200, default=DEFAULT_PURPOSE, help_text=gettext_lazy(
        "数据使用目的（个人信息保护法第六条）；不填为“困难职工精准识别与帮扶”"))
    all_or_nothing = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy(
        "全部或全不：有任何一条记录有误时整批不导入（仍记载这次接收）；默认只跳过有误的记录"))
    records = CivilRecordSerializer(many=True, allow_empty=False, max_length=MAX_RECORDS, help_text=gettext_lazy(
        "记录，最多5000条；序号从1起，错误说明中的“第N行”即第N条记录"))


class RowCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("记录条数"))
    created = serializers.IntegerField(help_text=gettext_lazy("新增的记录"))
    updated = serializers.IntegerField(help_text=gettext_lazy("内容有变化而更新的记录"))
    unchanged = serializers.IntegerField(help_text=gettext_lazy("与已有记录相同、未变的记录"))
    rejected = serializers.IntegerField(help_text=gettext_lazy("有误、未导入的记录"))


class RowErrorSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text=gettext_lazy("记录在批次中的序号（从1起）"))
    ref = serializers.CharField(allow_blank=True, help_text=gettext_lazy("民政编号"))
    reason = serializers.CharField(help_text=gettext_lazy("未导入的原因"))


class OutcomeCountsSerializer(serializers.Serializer):
    linked = serializers.IntegerField(help_text=gettext_lazy("已确认为在册人员（自动匹配或经工作人员确认），并建立或关联了困难职工档案"))
    awaiting_review = serializers.IntegerField(help_text=gettext_lazy("疑似在册人员，待工作人员确认"))
    excluded = serializers.IntegerField(help_text=gettext_lazy("经工作人员核实不是在册人员"))
    no_match = serializers.IntegerField(help_text=gettext_lazy("未匹配到在册人员"))
    not_compared = serializers.IntegerField(help_text=gettext_lazy("尚未比对（稍后自动比对）"))


class BatchSerializer(serializers.Serializer):
    """What became of a batch: the import's counts, the records in error, where linking stands now."""

    batch_id = serializers.CharField(help_text=gettext_lazy("批次编号"))
    organisation = OrganisationSerializer(help_text=gettext_lazy("接收数据的工会组织"))
    received_at = serializers.DateTimeField(help_text=gettext_lazy("接收时间"))
    purpose = serializers.CharField(help_text=gettext_lazy("数据使用目的"))
    applied = serializers.BooleanField(help_text=gettext_lazy("已导入；全部或全不的批次有误时为 false，未导入任何记录"))
    rows = RowCountsSerializer(help_text=gettext_lazy("导入结果"))
    errors = RowErrorSerializer(many=True, help_text=gettext_lazy("有误、未导入的记录"))
    outcomes = OutcomeCountsSerializer(help_text=gettext_lazy("已导入记录的比对结果（当前）"))
    records = serializers.URLField(help_text=gettext_lazy("逐条结果的接口地址"))


class HardshipFileRefSerializer(serializers.Serializer):
    number = serializers.CharField(allow_blank=True, help_text=gettext_lazy("档案编号；建档前为空"))
    status = StatusSerializer(help_text=gettext_lazy("档案状态"))


class Outcome:
    REJECTED, NOT_IMPORTED = "rejected", "not_imported"
    NOT_COMPARED, NO_MATCH = "not_compared", "no_match"
    AWAITING_REVIEW, LINKED, EXCLUDED = "awaiting_review", "linked", "excluded"
    LABELS = {
        REJECTED: gettext_lazy("有误，未导入"), NOT_IMPORTED: gettext_lazy("整批未导入"),
        NOT_COMPARED: gettext_lazy("尚未比对"), NO_MATCH: gettext_lazy("未匹配到在册人员"),
        AWAITING_REVIEW: gettext_lazy("疑似在册人员，待工作人员确认"),
        LINKED: gettext_lazy("已确认为在册人员"), EXCLUDED: gettext_lazy("经核实不是在册人员"),
    }


class RecordOutcomeSerializer(serializers.Serializer):
    """One record of a batch: what the import did with it, and where its linking stands now."""

    position = serializers.IntegerField(help_text=gettext_lazy("记录在批次中的序号（从1起）"))
    ref = serializers.CharField(allow_blank=True, help_text=gettext_lazy("民政编号"))
    result = StatusSerializer(help_text=gettext_lazy(
        "导入结果：created 新增、updated 更新、unchanged 未变、rejected 有误未导入、not_imported 整批未导入"))
    reason = serializers.CharField(allow_blank=True, help_text=gettext_lazy("有误时的原因"))
    outcome = StatusSerializer(help_text=gettext_lazy(
        "比对结果：rejected、not_imported、not_compared 尚未比对、no_match 未匹配、awaiting_review 待确认、"
        "linked 已确认为在册人员、excluded 已排除"))
    hardship_file = HardshipFileRefSerializer(allow_null=True, help_text=gettext_lazy(
        "已确认为在册人员时，建立或关联的困难职工档案；其他情形为空"))


def content_digest(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                     cls=DjangoJSONEncoder).encode()).hexdigest()


def _outcome(row: CivilAffairsBatchRecord, batch_applied: bool) -> tuple[str, object]:
    if row.result == RowResult.REJECTED:
        return Outcome.REJECTED, None
    if row.result == RowResult.NOT_IMPORTED or not batch_applied or row.record is None:
        return Outcome.NOT_IMPORTED, None
    links = list(row.record.links.all())
    confirmed = next((link for link in links if link.status == LinkStatus.CONFIRMED), None)
    if confirmed is not None:
        return Outcome.LINKED, confirmed.hardship_file
    if any(link.status == LinkStatus.PENDING for link in links):
        return Outcome.AWAITING_REVIEW, None
    if links:
        return Outcome.EXCLUDED, None
    return (Outcome.NOT_COMPARED if row.record.linked_at is None else Outcome.NO_MATCH), None


def batch_rows(batch: CivilAffairsBatch):
    return (CivilAffairsBatchRecord.objects.filter(batch=batch).order_by("position")
            .select_related("record").prefetch_related("record__links__hardship_file"))


def record_outcome(row: CivilAffairsBatchRecord, batch_applied: bool) -> dict:
    code, file = _outcome(row, batch_applied)
    return {"position": row.position, "ref": row.ref,
            "result": {"code": row.result, "label": str(row.get_result_display())}, "reason": row.reason,
            "outcome": {"code": code, "label": str(Outcome.LABELS[code])},
            "hardship_file": {"number": file.number, "status": status_of(file)} if file is not None else None}


def batch_summary(request, batch: CivilAffairsBatch) -> dict:
    run = batch.run
    counts = dict.fromkeys(("linked", "awaiting_review", "excluded", "no_match", "not_compared"), 0)
    for row in batch_rows(batch).exclude(result=RowResult.REJECTED).iterator(chunk_size=1000):
        code, _file = _outcome(row, run.applied)
        if code in counts:
            counts[code] += 1
    errors = list(batch.rows.filter(result=RowResult.REJECTED).order_by("position").values("position", "ref", "reason"))
    return {
        "batch_id": batch.batch_id, "organisation": organisation_of(batch.organisation),
        "received_at": batch.received_at, "purpose": run.purpose, "applied": run.applied,
        "rows": {"total": run.rows_total, "created": run.rows_created, "updated": run.rows_updated,
                 "unchanged": run.rows_unchanged, "rejected": run.rows_rejected},
        "errors": errors, "outcomes": counts,
        "records": request.build_absolute_uri(reverse("api:civil-affairs-batch-records", args=[batch.batch_id])),
    }


def _claim(client, data: dict, organisation, digest: str) -> tuple[CivilAffairsBatch, bool]:
    try:
        with transaction.atomic():
            return CivilAffairsBatch.objects.create(client=client, batch_id=data["batch_id"], content_sha256=digest,
                                                    organisation=organisation), True
    except IntegrityError:
        return CivilAffairsBatch.objects.get(client=client, batch_id=data["batch_id"]), False


def _keep_rows(batch: CivilAffairsBatch, records: list[dict], parsed, run) -> None:
    errors = {error["line"]: error["reason"] for error in parsed.errors}
    keys = {row.line: row.record_key for row in parsed.rows}
    ids = {}
    key_list = list(keys.values())
    for start in range(0, len(key_list), 1000):
        ids.update(CivilAffairsRecord.objects.filter(organisation=batch.organisation,
                                                     record_key__in=key_list[start:start + 1000])
                   .values_list("record_key", "pk"))
    rows = []
    for position, record in enumerate(records, start=1):
        ref = (record.get("ref") or "")[:64]
        if position in errors:
            rows.append(CivilAffairsBatchRecord(batch=batch, position=position, ref=ref, result=RowResult.REJECTED,
                                                reason=errors[position]))
            continue
        key = keys[position]
        if not run.applied:
            rows.append(CivilAffairsBatchRecord(batch=batch, position=position, ref=ref,
                                                result=RowResult.NOT_IMPORTED))
            continue
        rows.append(CivilAffairsBatchRecord(batch=batch, position=position, ref=ref, result=run.row_results[key],
                                            record_id=ids[key]))
    CivilAffairsBatchRecord.objects.bulk_create(rows, batch_size=1000)


def answer(batch: CivilAffairsBatch, *, replayed: bool) -> Response:
    """The batch's first answer (marked Idempotent-Replayed when it answers a repeat)."""
    content_type = PROBLEM_CONTENT_TYPE if batch.status_code >= 400 else None
    return Response(batch.response_body, status=batch.status_code, content_type=content_type,
                    headers={"Idempotent-Replayed": "true"} if replayed else None)


def push_batch(request, client, data: dict, organisation, raw):
    """Import a batch (or answer a repeat as the first time): the answer to send."""
    digest = content_digest(raw)
    batch, first = _claim(client, data, organisation, digest)
    if not first:
        if batch.content_sha256 != digest:
            raise Problem("batch-id-reused", _("批次编号“%(id)s”已用于内容不同的另一批数据（%(when)s接收）；新的批次请使用新的编号。")
                          % {"id": batch.batch_id, "when": timezone.localtime(batch.received_at).strftime("%Y-%m-%d %H:%M")})
        if batch.status_code is None:
            raise Problem("batch-in-progress", _("批次“%(id)s”正在导入，请稍后以同一批次编号重新发送以取得结果。") % {"id": batch.batch_id})
        return answer(batch, replayed=True)
    records = data["records"]
    parsed = validate_civil_rows((position, {name: record.get(name) for name in COLUMNS})
                                 for position, record in enumerate(records, start=1))
    try:
        try:
            run = import_civil_rows(parsed, organisation=organisation, by=actor_of(client), purpose=data["purpose"],
                                    file_name=_("接口批次 %(id)s") % {"id": batch.batch_id}, sha256=digest,
                                    all_or_nothing=data["all_or_nothing"])
        except CivilAffairsImportRefused as refused:
            run = refused.run
        batch.run = run
        _keep_rows(batch, records, parsed, run)
    except BaseException:
        batch.delete()
        raise
    if run.applied:
        response_status, body = 201, batch_summary(request, batch)
        body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    else:
        errors = {f"records.{error['line'] - 1}": [error["reason"]] for error in run.errors}
        refusal = problem_response(request, "invalid", _("批次中有%(count)d条记录有误，按“全部或全不”要求未导入任何记录。逐条原因见 errors"
                                                         "（键为记录在 records 中的位置，从0起）。") % {"count": len(run.errors)},
                                   errors=errors)
        response_status, body = refusal.status_code, refusal.data
    batch.status_code, batch.response_body = response_status, body
    batch.save(update_fields=["run", "status_code", "response_body"])
    return answer(batch, replayed=False)
