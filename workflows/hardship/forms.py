"""Forms of the hardship flow's tasks: each asks only for what its step needs and answers
`transition()` with (door transition, reason, data), like the dispute forms."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.hardship.file import visit_staff
from cases.models.hardship.states import HOME_VISIT_CHECKLIST, CivilCheckResult, ExitReason, H
from cases.platform.uploads import SCANS, UploadField, max_upload_bytes, size_text
from workflows.dispute.forms import CaseForm, _reason_field
from workflows.fields import BoundedDateField, YuanField, text_field

MONEY = {"min_value": Decimal("0.00")}
User = get_user_model()


def date_field(label, **kwargs):
    return BoundedDateField(label=label, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": _("请填写%(label)s。") % {"label": label},
                                           "invalid": _("%(label)s格式不正确。") % {"label": label}}, **kwargs)


class NotIdentifiedForm(CaseForm):
    title = _("不予认定")
    transitions = ("reject",)
    submit_label = _("不予认定")
    reason = _reason_field(_("不予认定理由"), _("请填写不予认定的理由，理由将载入通知书。"))

    def transition(self):
        return "reject", self.cleaned_data["reason"], {}


class ApplicationForm(CaseForm):
    title = _("登记申请")
    transitions = ("take_application",)
    submit_label = _("登记申请")
    applied_on = date_field(_("申请日期"), initial=timezone.localdate)
    application_reason = _reason_field(_("申请理由"), _("请填写申请理由。"), _("致困原因及家庭困难情况。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An application made online (cases/hardship/online.py) arrives with the household's own
        # reason and day: the caseworker confirms or corrects them.
        if self.case.application_reason:
            self.initial.setdefault("application_reason", self.case.application_reason)
        if self.case.applied_on:
            self.initial.setdefault("applied_on", self.case.applied_on)

    def transition(self):
        return "take_application", "", dict(self.cleaned_data)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


def upload_help() -> str:
    return _("PDF、JPEG或PNG（按文件内容识别），不超过%(limit)s。") % {"limit": size_text(max_upload_bytes())}


class HomeVisitForm(CaseForm):
    title = _("入户调查")
    transitions = ("record_home_visit",)
    submit_label = _("提交入户调查")
    visited_on = date_field(_("调查日期"))
    second_visitor = StaffChoiceField(
        label=_("共同调查人"), queryset=User.objects.none(), empty_label=_("请选择"),
        help_text=_("入户调查由两名工作人员进行，两人均在入户调查表上签名。"),
        error_messages={"required": _("入户调查须由两名工作人员进行，请选择共同调查人。"),
                        "invalid_choice": _("所选人员不是本组织的帮扶工作人员或审核人，请重新选择。")})
    authorisation_signed_on = date_field(
        _("家庭签署信息核对授权书日期"), required=False,
        help_text=_("未取得家庭书面授权的，不能进行民政核对（个人信息保护法）。"))
    authorisation_scan = UploadField(label=_("授权书扫描件"), allowed=SCANS, required=False)
    sensitive_consent_signed_on = date_field(
        _("敏感个人信息单独同意书签署日期"), required=False,
        help_text=_("家庭成员健康状况、医疗支出和未成年人信息属于敏感个人信息，须另行取得书面单独同意；"
                    "未满十四周岁的，由其监护人同意（个人信息保护法第二十八条至第三十一条）。"))
    sensitive_consent_scan = UploadField(label=_("单独同意书扫描件"), allowed=SCANS, required=False)
    findings = _reason_field(_("调查情况"), _("请填写调查情况。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in HOME_VISIT_CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)
        for name in ("authorisation_scan", "sensitive_consent_scan"):
            self.fields[name].help_text = upload_help()
        if self.case is not None:
            staff = visit_staff(self.case.organisation).exclude(pk=getattr(self.user, "pk", None))
            self.fields["second_visitor"].queryset = staff.order_by("first_name", "username")

    def transition(self):
        data = self.cleaned_data
        checklist = {key: bool(data.get(f"check_{key}")) for key, _label in HOME_VISIT_CHECKLIST}
        return "record_home_visit", "", {
            "visited_on": data["visited_on"], "authorisation_signed_on": data["authorisation_signed_on"],
            "sensitive_consent_signed_on": data["sensitive_consent_signed_on"],
            "second_visitor": data["second_visitor"], "findings": data["findings"], "checklist": checklist,
        }


class CivilCheckForm(CaseForm):
    title = _("民政核对")
    submit_label = _("登记核对结果")
    transitions = ("record_civil_check",)
    result = forms.ChoiceField(label=_("核对结果"), choices=CivilCheckResult.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("请选择民政核对结果。")})
    checked_on = date_field(_("核对日期"), initial=timezone.localdate)
    note = text_field(_("核对说明"), required=False)

    def transition(self):
        return "record_civil_check", "", dict(self.cleaned_data)


class DemocraticReviewForm(CaseForm):
    title = _("民主评议")
    submit_label = _("提交评议结果")
    transitions = ("record_democratic_review",)
    held_on = date_field(_("评议日期"))
    participants = _reason_field(_("参加人员"), _("请填写参加评议的人员。"))
    votes_for = forms.IntegerField(label=_("同意票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label=_("弃权票"), min_value=0, initial=0)
    opinion = _reason_field(_("评议意见"), _("请填写评议意见。"))
    proposed_aid_amount = YuanField(label=_("拟年度帮扶金额（元）"), **MONEY)

    def transition(self):
        return "record_democratic_review", "", dict(self.cleaned_data)


class PublicityForm(CaseForm):
    title = _("公示")
    submit_label = _("开始公示")
    transitions = ("start_publicity",)
    place = forms.CharField(label=_("公示地点"), max_length=200,
                            error_messages={"required": _("请填写公示地点。")},
                            help_text=_("如：单位公告栏、社区公告栏。"))

    def transition(self):
        return "start_publicity", "", dict(self.cleaned_data)


class ConcludePublicityForm(CaseForm):
    title = _("公示期满")
    submit_label = _("公示期满，提交审批")
    transitions = ("end_publicity",)

    def transition(self):
        return "end_publicity", "", {}


class ApprovalDecision(models.TextChoices):
    APPROVE = "approve", _("同意")
    RETURN = "return_for_revision", _("退回补正")


class ApprovalForm(CaseForm):
    title = _("审批")
    transitions, selector = ("approve", "approve_second", "return_for_revision"), "decision"
    submit_label = _("提交审批意见")
    decision = forms.ChoiceField(label=_("审批意见"), choices=ApprovalDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": _("请选择同意或退回。")})
    reason = text_field(_("意见说明"), required=False,
                        help_text=_("您的意见原文载入审批表；退回的，须写明需补正的内容。"))

    @classmethod
    def selecting(cls, name):
        """A second approval is the same 同意, taken on a file awaiting it."""
        return {"decision": ApprovalDecision.APPROVE if name == "approve_second" else name}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ApprovalDecision.RETURN and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("退回补正须写明理由。"))
        return cleaned

    def transition(self):
        name = self.cleaned_data["decision"]
        if name == ApprovalDecision.APPROVE and self.case.status == H.AWAITING_SECOND_APPROVAL:
            name = "approve_second"
        return name, self.cleaned_data["reason"], {}


class ReviseForm(CaseForm):
    title = _("补正后重新提交")
    transitions = ("resubmit",)
    submit_label = _("重新提交审批")
    proposed_aid_amount = YuanField(label=_("拟年度帮扶金额（元）"), required=False, **MONEY)

    def transition(self):
        amount = self.cleaned_data.get("proposed_aid_amount")
        return "resubmit", "", ({"proposed_aid_amount": amount} if amount is not None else {})


class OpenFileForm(CaseForm):
    title = _("建档")
    transitions = ("open_file",)
    submit_label = _("建立档案")

    def transition(self):
        return "open_file", "", {}


class YearlyReviewForm(CaseForm):
    title = _("年度复核")
    transitions = ("complete_yearly_review",)
    submit_label = _("提交复核结果")
    year = forms.IntegerField(label=_("核算年度"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1)
    findings = _reason_field(_("复核情况"), _("请填写复核情况。"))

    def transition(self):
        return "complete_yearly_review", "", dict(self.cleaned_data)


class BeginExitForm(CaseForm):
    title = _("退档公示")
    transitions = ("begin_exit",)
    submit_label = _("开始退档公示")
    exit_reason = forms.ChoiceField(label=_("退档原因"), choices=ExitReason.choices,
                                    error_messages={"required": _("请选择退档原因。")})
    place = forms.CharField(label=_("公示地点"), max_length=200, error_messages={"required": _("请填写公示地点。")})
    reason = _reason_field(_("退档说明"), _("请填写退档说明。"))

    def transition(self):
        data = self.cleaned_data
        return "begin_exit", data["reason"], {"exit_reason": data["exit_reason"], "place": data["place"]}


class ExitDecision(models.TextChoices):
    EXIT = "exit_file", _("退档")
    CANCEL = "cancel_exit", _("中止退档")


class ConcludeExitForm(CaseForm):
    title = _("退档")
    transitions, selector = ("exit_file", "cancel_exit"), "decision"
    submit_label = _("提交")
    decision = forms.ChoiceField(label=_("办理结果"), choices=ExitDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": _("请选择退档或中止退档。")})
    reason = text_field(_("说明"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ExitDecision.CANCEL and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("中止退档须写明理由。"))
        return cleaned

    def transition(self):
        return self.cleaned_data["decision"], self.cleaned_data["reason"], {}


class ObjectionFindingForm(CaseForm):
    title = _("核查公示异议")
    transitions = ("resolve_objection",)
    submit_label = _("提交核查意见")
    upheld = forms.TypedChoiceField(
        label=_("核查结论"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=(("yes", _("异议成立")), ("no", _("异议不成立"))),
        error_messages={"required": _("请选择异议是否成立。")})
    reason = _reason_field(_("核查意见"), _("请填写核查意见。"))

    def __init__(self, *args, objection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.objection = objection

    def transition(self):
        return "resolve_objection", self.cleaned_data["reason"], {
            "objection": self.objection, "upheld": self.cleaned_data["upheld"]}
