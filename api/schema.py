"""The OpenAPI description of each transition's request body, read from the forms that check it.

A transition is taken with the fields of the form its page uses (workflows/transition_requests.py);
which form depends on where the case stands (a flow task's completing form, an in-task action's
form, the case page's or the file page's small form). Each transition's body is described here
as the union of those forms' fields — each with its label and help text as its description, its
type, choices and bounds — a field required only where every one of them requires it. Fields
a form adds for the case at hand (an amount per claim of the agreement: `award_<claim id>`) are
named in the description. A transition with a page of its own (`own_form`) is described by that
page's forms: the notice and party its address names, and the household editor's rows as lists.
"""

import copy

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from cases.models.dispute.states import system_only
from workflows.dispute.forms import ACTION_FORMS as TASK_ACTION_FORMS
from workflows.transition_requests import completing_form_class

DYNAMIC_FIELDS = {
    "draft_agreement": _("另有按案件请求事项生成的字段 award_<请求事项编号>：该项请求的协议金额（元）；流程任务中"
                         "起草的还有 instalment_<n>_due、instalment_<n>_amount（第n期履行期限和金额，n为1至6）。"),
    "record_service": _("与“登记送达”页面相同的表单；已有送达记录的，本次登记为更正，须填写 reason（更正理由）。"
                        "直接送达、留置送达须以 multipart/form-data 上传签名后的送达回证扫描件（scan）。"),
    "record_agent": _("与“当事人与代理人”页面相同的表单，以 multipart/form-data 上传授权委托书扫描件（scan）；"
                      "劳动者一方有多人的，可以 worker 指明出具委托书的劳动者。"),
    "record_workers": _("与“当事人与代理人”页面相同的表单；representatives（推举代表）、removed（移除）为本案劳动者的编号。"),
    "correct_assessment": _("与“维护家庭信息”页面的“更正并退回民主评议”相同：未提交的部分（head、members、incomes、"
                            "expenses、hardship_costs、region_code、address）按该年度在档的数据；提交的列表整体取代在档的行，"
                            "保留的家庭成员须带其编号（pk），未列出的成员将被移除。错误按页面字段名返回，"
                            "如 members-0-name、incomes-1-amount。"),
}


def _flows_of(model):
    from workflows.dispute.flow import DisputeFlow
    from workflows.hardship.flow import HardshipFlow, ObjectionFlow

    return (DisputeFlow,) if model._meta.model_name == "disputecase" else (HardshipFlow, ObjectionFlow)


def _page_form(model, spec):
    if model._meta.model_name == "disputecase":
        from workflows.dispute.page_forms import ACTION_FORMS, ActionForm
    else:
        from workflows.dispute.page_forms import ActionForm
        from workflows.hardship.file.forms import FILE_ACTION_FORMS as ACTION_FORMS
    return ACTION_FORMS.get(spec.name, ActionForm)


def specs_of(model) -> dict:
    """Each transition a person may ask for by name: name → its first spec (labels, flags)."""
    field = next(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))
    found = {}
    for spec in field.get_all_transitions(model):
        if spec.permission is system_only:
            continue
        found.setdefault(spec.name, spec)
    return found


def _own_form_fields(name: str) -> dict | None:
    """The fields of the page of its own that takes `name` (workflows/transition_requests.OWN_FORMS)."""
    from workflows.dispute.representation_forms import RecordAgentForm, RevokeAgentForm, WorkersForm
    from workflows.dispute.service_forms import (
        ElectronicConsentForm,
        NoticeAddresseeForm,
        RecordServiceForm,
        ServicePartyForm,
    )

    correction = forms.CharField(label=_("更正理由"), required=False,
                                 help_text=_("更正已有的送达记录时必填：原送达记录哪里有误。"))
    found = {
        "record_service": {**NoticeAddresseeForm.base_fields, **RecordServiceForm.base_fields, "reason": correction},
        "record_electronic_consent": {**ServicePartyForm.base_fields, **ElectronicConsentForm.base_fields},
        "record_agent": RecordAgentForm.base_fields, "revoke_agent": RevokeAgentForm.base_fields,
        "record_workers": WorkersForm.base_fields,
    }.get(name)
    if name == "correct_assessment":
        return _household_fields()
    return found


def _household_fields() -> dict:
    """The household editor's fields: the year, the place, the head's status and the rows."""
    from workflows.hardship.register.forms import (
        ExpenseForm,
        HardshipCostForm,
        HeadStatusForm,
        HouseholdForm,
        HouseholdMemberForm,
        IncomeForm,
    )

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False,
                              help_text=_("更正的是哪一年度的家庭收支；不填为档案的认定年度。"))
    region_code, address = (copy.deepcopy(HouseholdForm.base_fields[name]) for name in ("region_code", "address"))
    region_code.required = address.required = False  # as on file unless given
    return {
        "year": year, "region_code": region_code, "address": address,
        "head": _nested("HardshipHouseholdHead", HeadStatusForm, _("户主本人的健康、就业和就学状况")),
        "members": _nested("HardshipHouseholdMember", HouseholdMemberForm, _("户主以外的家庭成员，每人一行"), many=True),
        "incomes": _nested("HardshipIncome", IncomeForm, _("该年度的收入，每项一行"), many=True),
        "expenses": _nested("HardshipExpense", ExpenseForm, _("该年度的刚性支出，每项一行"), many=True),
        "hardship_costs": _nested("HardshipCost", HardshipCostForm, _("该年度的致困费用，每项一行"), many=True),
        "correction_reason": forms.CharField(label=_("更正理由"), help_text=_("为何更正认定数据，如公示异议经核实的情况。")),
    }


class Nested:
    """A part of a body made of a form's fields (one object, or a list of them)."""

    def __init__(self, serializer, *, help_text, many: bool):
        self.serializer, self.help_text, self.many, self.required = serializer, help_text, many, False

    def api_field(self):
        if self.many:
            return serializers.ListField(child=self.serializer(), required=False, help_text=self.help_text)
        return self.serializer(required=False, help_text=self.help_text)


def _nested(title: str, form_class, help_text, *, many: bool = False) -> Nested:
    attrs = {name: api_field(field, required=False, name=name) for name, field in form_class.base_fields.items()
             if name != "DELETE"}
    return Nested(type(title, (serializers.Serializer,), attrs), help_text=help_text, many=many)


def _shapes(model, name: str, spec) -> list[dict]:
    """The fields ({name: (form field, required)}) of each form that may take `name`."""
    own = _own_form_fields(name) if spec.custom.get("own_form") else None
    if own is not None:
        return [{field_name: (field, field.required) for field_name, field in own.items()}]
    shapes = []
    for flow_class in _flows_of(model):
        for node in flow_class.instance.nodes():
            if name in getattr(node, "outcomes", ()):
                _key, form_class = completing_form_class(node, name)
                selector = form_class.selecting(name)
                shapes.append({field_name: (field, field.required) for field_name, field in form_class.base_fields.items()
                               if field_name not in selector})
            elif name in getattr(node, "actions", ()):
                shapes.append({field_name: (field, field.required)
                               for field_name, field in TASK_ACTION_FORMS[name].base_fields.items()})
    page_form = _page_form(model, spec)
    fields = dict(page_form.base_fields)
    reason_required = bool(spec.custom.get("reason_required"))
    if not reason_required and not page_form.asks_reason:
        fields.pop("reason", None)
    shapes.append({field_name: (field, reason_required if field_name == "reason" else field.required)
                   for field_name, field in fields.items()})
    return shapes


UNLABELLED = {  # a field the page fills in itself (hidden)
    "plan": _("帮扶计划编号（待审批的计划）"),
    "pk": _("家庭成员编号：在档的成员带其编号（保留其记录），新增的成员不填"),
}


def _describe(field, name: str = "") -> str:
    label = field.label or UNLABELLED.get(name, name)
    if field.help_text:
        return format_lazy(_("{label}。{help}"), label=label, help=field.help_text)
    return label


def _choices(field) -> list:
    return [(value, label) for value, label in field.choices if value != ""]


def api_field(field, *, required: bool, name: str = ""):
    """A REST framework field describing the form field (for the schema; the form checks)."""
    if isinstance(field, Nested):
        return field.api_field()
    common = {"required": required, "help_text": _describe(field, name)}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.MultipleChoiceField):  # without choices: set for the case at hand
        if _choices(field):
            return serializers.MultipleChoiceField(choices=_choices(field), **common)
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, forms.ChoiceField) and _choices(field):  # choices set for the case at hand: text
        return serializers.ChoiceField(choices=_choices(field), **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits or 14, decimal_places=field.decimal_places or 2,
                                        coerce_to_string=True, **common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    return serializers.CharField(max_length=getattr(field, "max_length", None), allow_blank=not required, **common)


def _title(model) -> str:
    return "Dispute" if model._meta.model_name == "disputecase" else "Hardship"


def request_serializer(model, name: str, spec):
    """A serializer class describing the body of transition `name` (its component in the schema)."""
    shapes = _shapes(model, name, spec)
    names = []
    for shape in shapes:
        names += [field_name for field_name in shape if field_name not in names]
    attrs = {}
    for field_name in names:
        present = [shape[field_name] for shape in shapes if field_name in shape]
        required = len(present) == len(shapes) and all(needed for _field, needed in present)
        attrs[field_name] = api_field(present[0][0], required=required, name=field_name)
    label = spec.custom.get("label") or name
    note = DYNAMIC_FIELDS.get(name)
    doc = format_lazy("{}：{}", label, note) if note else label
    attrs["Meta"] = type("Meta", (), {"ref_name": None})
    cls = type(f"{_title(model)}{''.join(part.title() for part in name.split('_'))}", (serializers.Serializer,), attrs)
    cls.__doc__ = str(doc)
    cls.has_files = any(isinstance(shape[field_name][0], forms.FileField) for shape in shapes for field_name in shape)
    return cls


EXAMPLES = {
    "accept": {},
    "reject": {"rejection_ground": "not_labour_dispute", "reason": "申请事项为借贷纠纷，不属于劳动争议。"},
    "record_consent": {"decision": "consented", "consent_method": "phone", "decided_on": "2026-11-03",
                       "given_by": "李四（法定代表人）"},
    "assign": {"mediator": 12},
    "schedule_session": {"starts_at": "2026-11-09T09:30", "place": "中关村街道调解室", "to_bring": "劳动合同、工资条"},
    "fail": {"reason": "双方对欠薪数额分歧较大，调解不成。"},
    "withdraw": {"reason": "申请人撤回调解申请。"},
    "close": {"reason": "文书齐全，结案。"},
    "archive": {"confirm": True},
    "take_application": {"applied_on": "2026-11-02", "application_reason": "户主患重病，家庭无其他收入。"},
    "record_service": {"document": 88, "party": "worker", "service_method": "postal", "served_on": "2026-11-05",
                       "recipient": "王秀英", "postal_number": "1123456789012"},
    "record_electronic_consent": {"party": "worker", "channel": "sms", "address": "13800138000",
                                  "consent_method": "written", "given_on": "2026-11-03", "given_by": "王秀英"},
    "revoke_agent": {"agent": 7, "revoked_on": "2026-11-10", "reason": "当事人解除委托。"},
    "record_workers": {"new_workers": "刘建国 110108197907150013 13901234567 代表", "representatives": [],
                       "collective": False},
    "correct_assessment": {"incomes": [{"kind": "wages", "amount": "52000"}],
                           "correction_reason": "公示异议经核实：配偶有工资收入未申报。"},
}


def request_examples(name: str) -> list:
    example = EXAMPLES.get(name)
    if example is None:
        return []
    return [OpenApiExample(f"{name}", value=example, request_only=True, summary=str(_("请求示例")))]
