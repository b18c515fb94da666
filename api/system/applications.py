"""The union's app: online applications (applications:write) and their progress
(applications:read), through the services the public pages use.

- A dispute application is reviewed and registered by cases.disputes.online (the intake's own
  checks, channel 网上申请, the case waiting in the organisation's 受理审查 queue, the written
  application issued as its PDF, the worker's consent to electronic service recorded when
  given); the time-bar and duplicate warnings are said in the worker's words and must be
  acknowledged (`acknowledge_warnings`), or the answer is a 422 problem listing them.
- A hardship application is registered by cases.hardship.online (the hardship intake, the file
  in the federation's 登记申请 queue, the authorisation kept).
- The worker's number is the one the app confirmed (no SMS code here: the app is trusted with
  it, as its registration says); the client is journalled as the one who registered.
- Progress: a client reads the applications it sent itself, within its reach — a dispute as
  案件进度查询 shows it to the worker (cases.disputes.progress), a hardship file by its status
  and the step it is at. The app opens a dispute's notices addressed to the worker as the worker
  would on 案件进度查询 (cases.disputes.progress.open_notice): the first opening of a notice
  not yet served, the worker having consented to electronic service, is its service.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.idempotency import idempotent
from api.problems import NON_FIELD, Problem
from api.serializers import OrganisationSerializer, organisation_of, status_of
from api.system.application_serializers import (
    AppliedSerializer,
    DisputeApplicationSerializer,
    DisputeProgressSerializer,
    HardshipApplicationSerializer,
    HardshipProgressSerializer,
)
from api.system.application_examples import (
    APPLIED_EXAMPLE,
    DISPUTE_EXAMPLE,
    HARDSHIP_EXAMPLE,
    PROGRESS_EXAMPLE,
    WARNINGS_EXAMPLE,
)
from api.system.clients import actor_of
from api.system.fields import SystemView, checked, intake_errors, invalid, uploaded
from api.system.models import SubmittedApplication
from api.system.schema import FORBIDDEN_SCOPE, NOT_FOUND, OUTSIDE_REACH, problems
from api.system.scoping import in_reach, organisation_named
from api.views.common import DOWNLOAD_RENDERERS
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.disputes.online import (
    OnlineApplication,
    apply_online,
    decision_due,
    mediating_organisations,
    plain_warnings,
    review_application,
)
from cases.disputes.progress import NoticeFileMissing, open_notice, progress
from cases.hardship.online import apply_for_hardship, hardship_organisations
from cases.models import DisputeCase, HardshipFile
from cases.models.dispute.service import ServiceParty
from cases.platform.uploads import SCANS, validate_upload
from cases.rules.validators import parse_resident_id
from workflows.dispute.flow import OPEN_TASK_STATUSES, open_dispute
from workflows.dispute.pages import pdf_response, subject_tasks, task_title


def _checked_attachments(files: list[dict], field: str) -> list:
    limit = int(settings.UNIONCASE["PUBLIC_MAX_ATTACHMENTS"])
    if len(files) > limit:
        raise invalid({field: [_("最多上传%(n)s个附件，请合并或挑选后再上传。") % {"n": limit}]})
    uploads, errors = [], {}
    for index, file in enumerate(files):
        upload = uploaded(file)
        try:
            validate_upload(upload, allowed=SCANS)
        except ValidationError as error:
            errors[f"{field}.{index}.content"] = error.messages
        uploads.append(upload)
    if errors:
        raise invalid(errors)
    return uploads


def _refused(error: ValidationError, keys: dict | None = None) -> Problem:
    if not hasattr(error, "error_dict"):
        return invalid({NON_FIELD: error.messages})
    errors = intake_errors({(keys or {}).get(key, key): messages for key, messages in error.message_dict.items()})
    return invalid(errors)


def _applied(request, subject, *, received_on, decision, warnings, url_name) -> Response:
    body = {"id": subject.pk, "number": subject.number or "", "status": status_of(subject),
            "organisation": organisation_of(subject.organisation), "received_on": received_on,
            "decision_due": decision, "warnings": warnings,
            "progress": request.build_absolute_uri(reverse(url_name, args=[subject.pk]))}
    return Response(AppliedSerializer(body).data, status=201)


class DisputeApplications(SystemView):
    read_scope = write_scope = "applications:write"

    @extend_schema(
        operation_id="application_dispute_submit", tags=["applications"], summary=gettext_lazy("提交在线调解申请"),
        description=gettext_lazy(
            "劳动者在工会App上的调解申请：与“在线申请调解”页面相同的校验（身份号码、日期、请求事项）、申请方式为网上申请，"
            "进入调解组织的受理审查队列，并生成网上调解申请书。可能超过仲裁时效或重复申请的，应答422列出提示，申请人确认后以 "
            "acknowledge_warnings=true 重新提交。可带 Idempotency-Key：重复提交得到第一次的应答。"),
        request=DisputeApplicationSerializer,
        responses={201: AppliedSerializer, **problems(422)},
        examples=[OpenApiExample("application", request_only=True, value=DISPUTE_EXAMPLE),
                  OpenApiExample("applied", response_only=True, status_codes=["201"], value=APPLIED_EXAMPLE),
                  WARNINGS_EXAMPLE, OUTSIDE_REACH, FORBIDDEN_SCOPE],
    )
    @idempotent
    def post(self, request):
        data = checked(DisputeApplicationSerializer, request.data)
        organisation = organisation_named(self.client, data["organisation"])
        if not mediating_organisations().filter(pk=organisation.pk).exists():
            raise invalid({"organisation": [_("%(org)s不受理调解申请：请选择街道（乡镇）调解中心或企业劳动争议调解委员会。")
                                            % {"org": organisation.name}]})
        uploads = _checked_attachments(data["attachments"], "attachments")
        worker, phone, actor = data["worker"], data["worker"]["phone"], actor_of(self.client)
        application = OnlineApplication(
            organisation=organisation, worker=WorkerInput(**worker), employer=EmployerInput(**data["employer"]),
            claims=[ClaimInput(claim_type=claim["claim_type"], description=claim["description"],
                               amount_claimed=(claim["amount_claimed"] or "0").replace(",", ""))
                    for claim in data["claims"]],
            facts=data["facts"], employment_start=data["employment_start"], employment_end=data["employment_end"],
            infringement_known_on=data["infringement_known_on"])
        review = review_application(application, phone=phone, by=actor)
        if review.errors:
            raise invalid(intake_errors(review.errors))
        warnings = plain_warnings(review)
        if warnings and not data["acknowledge_warnings"]:
            raise Problem("warnings-unacknowledged", _("申请有须经申请人确认的提示：%(warnings)s 申请人确认后，请以 "
                                                       "acknowledge_warnings=true 重新提交。") % {"warnings": "".join(warnings)},
                          errors={"warnings": warnings})
        try:
            with transaction.atomic():
                result = apply_online(
                    application=application, phone=phone, by=actor, attachments=uploads,
                    electronic_service=data["electronic_service"], acknowledge_warnings=bool(review.warnings),
                    opener=open_dispute,
                    consent_note=_("经“%(client)s”提交网上申请时明确同意电子送达；手机号码由该系统确认。") % {"client": self.client.name})
                SubmittedApplication.objects.create(client=self.client, case=result.case)
        except ValidationError as error:
            if getattr(error, "code", None) == "warnings_unacknowledged":
                raise Problem("warnings-unacknowledged", _("提示内容有变化，请让申请人重新阅读确认后再提交。"),
                              errors={"warnings": warnings}) from None
            raise _refused(error) from None
        case = result.case
        return _applied(request, case, received_on=case.received_on, decision=decision_due(case), warnings=warnings,
                        url_name="api:application-dispute")


class HardshipApplications(SystemView):
    read_scope = write_scope = "applications:write"

    @extend_schema(
        operation_id="application_hardship_submit", tags=["applications"], summary=gettext_lazy("提交困难职工帮扶申请"),
        description=gettext_lazy(
            "职工在工会App上的帮扶申请：家庭成员、收入、刚性支出和致困费用，与“困难职工帮扶申请”页面相同的校验，进入总工会的"
            "登记申请队列；信息核对授权书作为档案附件保存。可带 Idempotency-Key：重复提交得到第一次的应答。"),
        request=HardshipApplicationSerializer,
        responses={201: AppliedSerializer, **problems(422)},
        examples=[OpenApiExample("application", request_only=True, value=HARDSHIP_EXAMPLE),
                  OpenApiExample("applied", response_only=True, status_codes=["201"],
                                 value={**APPLIED_EXAMPLE, "number": "", "status": {"code": "applied", "label": "已申请"},
                                        "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"},
                                        "decision_due": None, "warnings": [],
                                        "progress": "https://unioncase.example/api/v1/applications/hardship/8"}),
                  OUTSIDE_REACH, FORBIDDEN_SCOPE],
    )
    @idempotent
    def post(self, request):
        data = checked(HardshipApplicationSerializer, request.data)
        organisation = organisation_named(self.client, data["organisation"])
        if not hardship_organisations().filter(pk=organisation.pk).exists():
            raise invalid({"organisation": [_("%(org)s不承担困难职工帮扶工作，请选择市、区总工会。") % {"org": organisation.name}]})
        [authorisation] = _checked_attachments([data["authorisation"]], "authorisation")
        head = {key: value for key, value in data["head"].items() if key != "phone"}
        region = data["region_code"].strip()
        if not region:
            try:
                region = parse_resident_id(head["resident_id"]).region_code
            except ValidationError:
                region = ""
        application = {"organisation": organisation, "year": timezone.localdate().year, "head": head,
                       "region_code": region, "address": data["address"], "work_unit": data["work_unit"],
                       **{name: [dict(row) for row in data[name]]
                          for name in ("members", "incomes", "expenses", "hardship_costs")}}
        try:
            with transaction.atomic():
                file = apply_for_hardship(application=application, reason=data["reason"], phone=data["head"]["phone"],
                                          by=actor_of(self.client), authorisation=authorisation)
                SubmittedApplication.objects.create(client=self.client, file=file)
        except ValidationError as error:
            raise _refused(error, {"head-address": "address", "authorisation": "authorisation"}) from None
        return _applied(request, file, received_on=file.applied_on, decision=None, warnings=[],
                        url_name="api:application-hardship")


NOTICE_UNAVAILABLE = gettext_lazy("未找到这份文书：它不是送达申请人的文书，或申请人未同意电子送达而文书尚未送达。")
NOTICE_NOT_FOUND = OpenApiExample(
    "notice-not-found", response_only=True, status_codes=["404"],
    value={"type": "urn:unioncase:problem:not-found", "title": "未找到", "status": 404,
           "detail": "未找到这份文书：它不是送达申请人的文书，或申请人未同意电子送达而文书尚未送达。",
           "instance": "/api/v1/applications/disputes/17/notices/232"})


def _submitted(client, model, pk):
    field = "case" if model is DisputeCase else "file"
    found = SubmittedApplication.objects.filter(client=client, **{f"{field}_id": pk}).exists()
    subject = in_reach(model.objects.filter(pk=pk), client).select_related("organisation").first() if found else None
    if subject is None:
        raise Problem("not-found", _("未找到该申请：本客户端没有提交过它，或它不在本客户端的范围内。"))
    return subject


class DisputeApplicationProgress(SystemView):
    read_scope = write_scope = "applications:read"

    @extend_schema(
        operation_id="application_dispute_progress", tags=["applications"], summary=gettext_lazy("调解申请的进度"),
        description=gettext_lazy("本客户端提交的调解申请现在的进度，与劳动者在“案件进度查询”中看到的相同：阶段、下一步及其日期、"
                                 "已安排的调解、送达申请人的文书和分期履行。"),
        responses={200: DisputeProgressSerializer, **problems(404)},
        examples=[OpenApiExample("progress", response_only=True, value=PROGRESS_EXAMPLE), NOT_FOUND, FORBIDDEN_SCOPE],
    )
    def get(self, request, pk):
        case = _submitted(self.client, DisputeCase, pk)
        view = progress(case, ServiceParty.WORKER)
        body = {
            "id": case.pk, "number": case.number, "organisation": organisation_of(case.organisation),
            "received_on": case.received_on, "status": status_of(case), "stage": view.stage,
            "steps": [{"label": label, "state": state} for label, state in view.steps],
            "next_step": view.next_step, "next_date": view.next_date,
            "sessions": [{"number": s.number, "starts_at": s.starts_at, "place": s.place} for s in view.sessions],
            "notices": [_notice(request, case, n) for n in view.notices],
            "instalments": [{"number": row.instalment.number, "due_on": row.instalment.due_on,
                             "amount": row.instalment.amount, "paid": row.paid, "outstanding": row.outstanding}
                            for row in view.instalments],
            "electronic_service": view.electronic_service,
        }
        return Response(DisputeProgressSerializer(body).data)


def _notice(request, case: DisputeCase, notice) -> dict:
    url = (request.build_absolute_uri(reverse("api:application-dispute-notice", args=[case.pk, notice.document.pk]))
           if notice.may_open else None)
    return {"id": notice.document.pk, "title": notice.title, "served_on": notice.served_on, "method": notice.method,
            "may_open": notice.may_open, "url": url}


class DisputeApplicationNotice(SystemView):
    read_scope = write_scope = "applications:read"
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(
        operation_id="application_dispute_notice", tags=["applications"], summary=gettext_lazy("打开送达申请人的文书"),
        description=gettext_lazy(
            "本客户端提交的调解申请中送达申请人（劳动者）的一份文书的 PDF，与劳动者在“案件进度查询”中打开文书相同："
            "申请人同意电子送达、文书尚未送达的，第一次打开即为送达（电子送达），登记送达并开始计算自送达之日起的期限；"
            "每次打开都记入审计日志。已经送达的文书可以再次打开。不是送达申请人的文书，或申请人未同意电子送达而文书尚未送达的，"
            "应答404。进度中 may_open 为 true 的文书可以打开。"),
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=gettext_lazy("PDF 文件")),
                   **problems(404)},
        examples=[NOTICE_NOT_FOUND, FORBIDDEN_SCOPE],
    )
    def get(self, request, pk, document_pk):
        case = _submitted(self.client, DisputeCase, pk)
        try:
            document = open_notice(
                case, ServiceParty.WORKER, document_pk, by=actor_of(self.client), channel="api",
                note=_("申请人通过“%(client)s”打开文书，视为送达。") % {"client": self.client.name})
        except NoticeFileMissing:
            raise Problem("not-found", _("文书文件暂时无法打开，请联系调解组织。")) from None
        if document is None:
            raise Problem("not-found", str(NOTICE_UNAVAILABLE))
        return pdf_response(document, case.number, missing=_("文书文件暂时无法打开，请联系调解组织。"))


class HardshipApplicationProgress(SystemView):
    read_scope = write_scope = "applications:read"

    @extend_schema(
        operation_id="application_hardship_progress", tags=["applications"], summary=gettext_lazy("帮扶申请的进度"),
        description=gettext_lazy("本客户端提交的帮扶申请现在的状态、正在办理的环节和认定结果。"),
        responses={200: HardshipProgressSerializer, **problems(404)},
        examples=[OpenApiExample("progress", response_only=True, value={
            "id": 8, "number": "", "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"}, "year": 2026,
            "applied_on": "2026-11-02", "status": {"code": "applied", "label": "已申请"}, "current_steps": ["入户调查"],
            "category": None, "opened_on": None, "next_review_due": None}), NOT_FOUND, FORBIDDEN_SCOPE],
    )
    def get(self, request, pk):
        file = _submitted(self.client, HardshipFile, pk)
        tasks = subject_tasks(file).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN").order_by("pk")
        body = {
            "id": file.pk, "number": file.number or "", "organisation": organisation_of(file.organisation),
            "year": file.year, "applied_on": file.applied_on, "status": status_of(file),
            "current_steps": list(dict.fromkeys(task_title(task) for task in tasks)),
            "category": {"code": file.category, "label": str(file.get_category_display())} if file.category else None,
            "opened_on": file.opened_on, "next_review_due": file.next_review_due,
        }
        return Response(HardshipProgressSerializer(body).data)


class OrganisationsSerializer(serializers.Serializer):
    disputes = OrganisationSerializer(many=True, help_text=_("可以申请调解的组织（街道调解中心、企业调解委员会）"))
    hardship = OrganisationSerializer(many=True, help_text=_("可以申请困难职工帮扶的组织（市、区总工会）"))


class ApplicationOrganisations(SystemView):
    read_scope = write_scope = "applications:write"

    @extend_schema(
        operation_id="application_organisations", tags=["applications"], summary=gettext_lazy("可以申请的组织"),
        description=gettext_lazy("本客户端范围内可以受理在线调解申请和帮扶申请的组织，提交申请时以组织代码指定。"),
        responses={200: OrganisationsSerializer, **problems()},
        examples=[OpenApiExample("organisations", response_only=True, value={
            "disputes": [{"id": 4, "code": "BJ-HD-ZGC", "name": "中关村街道调解中心"}],
            "hardship": [{"id": 2, "code": "BJ-HD", "name": "海淀区总工会"}]}), FORBIDDEN_SCOPE],
    )
    def get(self, request):
        body = {"disputes": [organisation_of(o) for o in in_reach(mediating_organisations(), self.client, via="pk")],
                "hardship": [organisation_of(o) for o in in_reach(hardship_organisations(), self.client, via="pk")]}
        return Response(OrganisationsSerializer(body).data)
