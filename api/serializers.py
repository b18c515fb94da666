"""What the API answers, field by field, each described in Chinese (the English catalogue gives
the English): the pieces a case and a file share — a status, a legal clock, a document, a
person — and the answer to a transition."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.selectors import clock_name


class StatusSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("状态代码"))
    label = serializers.CharField(help_text=_("状态名称（按请求的语言）"))


def status_of(subject) -> dict:
    return {"code": subject.status, "label": str(subject.get_status_display())}


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("组织编号"))
    code = serializers.CharField(help_text=_("组织代码"))
    name = serializers.CharField(help_text=_("组织名称"))


def organisation_of(organisation) -> dict:
    return {"id": organisation.pk, "code": organisation.code, "name": organisation.name}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("用户编号"))
    name = serializers.CharField(help_text=_("姓名（未登记姓名的为用户名）"))


def person_of(user) -> dict | None:
    if user is None:
        return None
    from cases.selectors import person_name

    return {"id": user.pk, "name": person_name(user)}


class ClockSerializer(serializers.Serializer):
    """A legal clock (法定期限) of the case or the file."""

    clock = serializers.CharField(help_text=_("期限代码，例如 dispute.acceptance"))
    name = serializers.CharField(help_text=_("期限名称"))
    state = serializers.CharField(help_text=_("期限状态：open 进行中、extended 已延期、met 已按期完成、breached 已超期、cancelled 已取消"))
    starts_on = serializers.DateField(help_text=_("起算日"))
    due_on = serializers.DateField(help_text=_("届满日"))
    provisional = serializers.BooleanField(help_text=_("暂定：该年度的放假安排尚未公布，届满日按法定节假日推算"))
    imported = serializers.BooleanField(help_text=_("历史导入案件带入的期限"))
    remaining = serializers.CharField(help_text=_("剩余时间的说法，如“剩余2个工作日”“已超期3天”；已结束的期限为空"),
                                      allow_blank=True)
    level = serializers.CharField(help_text=_("紧迫程度：normal 正常、warning 临近届满、breached 已超期；已结束的期限为空"),
                                  allow_blank=True)


def clock_of(deadline, *, remaining: str = "", level: str = "") -> dict:
    return {"clock": deadline.clock, "name": str(clock_name(deadline.clock)), "state": deadline.state,
            "starts_on": deadline.starts_on, "due_on": deadline.due_on, "provisional": deadline.provisional,
            "imported": deadline.imported, "remaining": str(remaining), "level": level}


class DocumentSerializer(serializers.Serializer):
    """A generated document (文书): an immutable PDF with its fingerprint."""

    id = serializers.IntegerField(help_text=_("文书编号"))
    kind = serializers.CharField(help_text=_("文书种类代码"))
    title = serializers.CharField(help_text=_("文书标题"))
    variant = serializers.CharField(help_text=_("份别（如送达劳动者的一份）；只有一份的为空"), allow_blank=True)
    version = serializers.IntegerField(help_text=_("版本号：更正后生成新版本"))
    created_at = serializers.DateTimeField(help_text=_("生成时间"))
    sha256 = serializers.CharField(help_text=_("PDF 文件的 SHA-256 指纹"))
    size = serializers.IntegerField(help_text=_("文件大小（字节）"))
    download = serializers.URLField(help_text=_("下载地址（PDF；下载记入审计日志）"))


def document_of(request, document, *, url_name: str, subject_pk: int) -> dict:
    from cases.selectors import variant_label

    path = reverse(url_name, args=[subject_pk, document.pk])
    return {"id": document.pk, "kind": document.kind, "title": document.title,
            "variant": str(variant_label(document.variant)) if document.variant else "",
            "version": document.version, "created_at": document.created_at, "sha256": document.sha256,
            "size": document.size, "download": request.build_absolute_uri(path)}


class AvailableTransitionSerializer(serializers.Serializer):
    """A transition this user may ask for now, and where the pages take it."""

    name = serializers.CharField(help_text=_("状态变更名称：POST 到 transitions/{name}"))
    label = serializers.CharField(help_text=_("状态变更的中文名称"))
    way = serializers.ChoiceField(choices=[("step", _("流程任务的结果")), ("action", _("流程任务中的事项")),
                                           ("page", _("案件页或档案页的操作"))],
                                  help_text=_("在哪里办理：step 完成流程任务，action 在任务中办理且任务保持打开，page 案件页或档案页的操作"))
    task = serializers.IntegerField(allow_null=True, help_text=_("所属流程任务的编号；案件页或档案页的操作为空"))
    url = serializers.URLField(help_text=_("提交地址"))


class ClockChangesSerializer(serializers.Serializer):
    opened = ClockSerializer(many=True, help_text=_("这次变更开启的期限"))
    met = ClockSerializer(many=True, help_text=_("这次变更按期完成的期限"))
    cancelled = ClockSerializer(many=True, help_text=_("这次变更取消的期限"))


class TaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("任务编号"))
    node = serializers.CharField(help_text=_("流程节点代码，如 decide_acceptance"))
    title = serializers.CharField(help_text=_("任务名称（阶段）"))
    status = serializers.CharField(help_text=_("任务状态：NEW 待领取、ASSIGNED 已领取"))
    owner = PersonSerializer(allow_null=True, help_text=_("领取人；待领取的为空"))


def task_ref(task) -> dict:
    from workflows.dispute.pages import task_title

    return {"id": task.pk, "node": task.flow_task.name, "title": task_title(task),
            "status": task.status, "owner": person_of(task.owner) if task.owner_id else None}


class TransitionResultSerializer(serializers.Serializer):
    """The answer to a transition: the state it left, the clocks it changed, the documents it issued."""

    transition = serializers.CharField(help_text=_("办理的状态变更名称"))
    label = serializers.CharField(help_text=_("状态变更的中文名称"))
    way = serializers.CharField(help_text=_("在哪里办理的：step、action 或 page"))
    from_state = StatusSerializer(help_text=_("变更前的状态"))
    state = StatusSerializer(help_text=_("变更后的状态"))
    event = serializers.IntegerField(help_text=_("审计日志中这次变更的序号"))
    clocks = ClockChangesSerializer(help_text=_("这次变更开启、完成和取消的法定期限"))
    documents = DocumentSerializer(many=True, help_text=_("这次变更生成的文书"))
    documents_pending = serializers.ListField(
        child=serializers.CharField(), help_text=_("这次变更将生成、尚在后台生成的文书种类（生成后出现在案件或档案的文书中）"))
    open_tasks = TaskRefSerializer(many=True, help_text=_("变更后案件或档案的待办流程任务"))


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details (application/problem+json)."""

    type = serializers.CharField(help_text=_("问题类型（URN），如 urn:unioncase:problem:refused"))
    title = serializers.CharField(help_text=_("问题类型的名称"))
    status = serializers.IntegerField(help_text=_("HTTP 状态码"))
    detail = serializers.CharField(help_text=_("具体说明：与页面上显示的中文提示相同"))
    instance = serializers.CharField(help_text=_("出现问题的请求地址"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text=_("逐项的错误：字段名 → 该字段的提示；non_field_errors 为整体的提示"))
