"""The OpenAPI description of each transition's request body, read from the forms that check it.

A transition is taken with the fields of the form its page uses (workflows/transition_requests.py);
which form depends on where the case stands (a flow task's completing form, an in-task action's
form, the case page's or the file page's small form). Each transition's body is described here
as the union of those forms' fields — each with its label and help text as its description, its
type, choices and bounds — a field required only where every one of them requires it. Fields
a form adds for the case at hand (an amount per claim of the agreement: `award_<claim id>`) are
named in the description.
"""

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
        if spec.permission is system_only or spec.custom.get("own_form"):
            continue
        found.setdefault(spec.name, spec)
    return found


def _shapes(model, name: str, spec) -> list[dict]:
    """The fields ({name: (form field, required)}) of each form that may take `name`."""
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


UNLABELLED = {"plan": _("帮扶计划编号（待审批的计划）")}  # a field the page fills in itself (hidden)


def _describe(field, name: str = "") -> str:
    label = field.label or UNLABELLED.get(name, name)
    if field.help_text:
        return format_lazy(_("{label}。{help}"), label=label, help=field.help_text)
    return label


def _choices(field) -> list:
    return [(value, label) for value, label in field.choices if value != ""]


def api_field(field, *, required: bool, name: str = ""):
    """A REST framework field describing the form field (for the schema; the form checks)."""
    common = {"required": required, "help_text": _describe(field, name)}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.MultipleChoiceField) and _choices(field):
        return serializers.MultipleChoiceField(choices=_choices(field), **common)
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
}


def request_examples(name: str) -> list:
    example = EXAMPLES.get(name)
    if example is None:
        return []
    return [OpenApiExample(f"{name}", value=example, request_only=True, summary=str(_("请求示例")))]
