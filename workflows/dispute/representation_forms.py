"""Forms of representation: a party's agent (登记委托代理人, 解除委托), the workers of a case with
several and their elected representatives (登记劳动者和推举代表), and who signed the agreement
for a party (the agent field of the signature forms).

The forms check what a browser can get wrong (a date that is not a date, a file that is no
PDF, JPEG or PNG, a line that cannot be read); the rules — authority and its listed powers,
Art.7's ten workers and representatives, who may sign for a party — are the door's
(cases.models.dispute.representation, cases.disputes.representation), whose Chinese refusals
the views put back under the field they name.
"""

import re

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Agent, AgentKind, Authority, PartySide, SpecialPower, Worker
from cases.models.dispute.representation import case_workers
from cases.platform.uploads import SCANS, UploadField
from cases.rules.representation import COLLECTIVE_MIN_WORKERS
from cases.rules.validators import normalise_mobile, normalise_resident_id
from workflows.fields import BoundedDateField, text_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")
_MOBILE = re.compile(r"^1\d{10}$")
# The word that marks an elected representative, in Chinese or (the English page's) English.
REPRESENTATIVE_WORDS = ("代表", "推举代表", "representative", "rep")


def agent_label(agent: Agent) -> str:
    return _("%(name)s（%(side)s一方，%(authority)s）") % {
        "name": agent.name, "side": agent.get_side_display(), "authority": agent.get_authority_display()}


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agent):
        return agent_label(agent)


class AgentSignatureFields(forms.Form):
    """Who signed for the party: the party itself, or its agent (only special authority to reach
    and sign the agreement may; the door refuses the others, naming why)."""

    signed_by_agent = AgentChoiceField(
        label=_("由委托代理人代签"), queryset=Agent.objects.none(), required=False,
        empty_label=_("当事人本人签名或盖章"),
        help_text=_("劳动者或用人单位由委托代理人代为签名的，选择该代理人：须为特别授权，并列明代为达成调解协议并签署调解协议书。"),
        error_messages={"invalid_choice": _("所选委托代理人不是本案现在的委托代理人，请重新选择。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_by_agent"].queryset = self.case.agents.filter(revoked_on__isnull=True).order_by(
            "side", "valid_from", "pk")

    def agent_data(self) -> dict:
        agent = self.cleaned_data.get("signed_by_agent")
        return {"signed_by_agent": agent} if agent is not None else {}


class RecordAgentForm(forms.Form):
    """登记委托代理人: who acts for which party, with what authority, under which power of attorney."""

    side = forms.ChoiceField(
        label=_("委托人"), choices=PartySide.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择委托人是劳动者一方还是用人单位一方。"),
                        "invalid_choice": _("请选择委托人是劳动者一方还是用人单位一方。")},
    )
    worker = forms.ModelChoiceField(
        label=_("委托的劳动者"), queryset=None, required=False, empty_label=_("劳动者一方（全体）"),
        help_text=_("劳动者一方有多人的，选择出具授权委托书的劳动者。"),
        error_messages={"invalid_choice": _("所选劳动者不是本案的劳动者，请重新选择。")},
    )
    name = forms.CharField(label=_("代理人姓名"), max_length=50,
                           error_messages={"required": _("请填写委托代理人的姓名。"),
                                           "max_length": _("代理人姓名不能超过50个字。")})
    id_number = forms.CharField(label=_("代理人公民身份号码"), max_length=18, required=False,
                                help_text=_("可不填；填写的，须为18位公民身份号码。"))
    phone = forms.CharField(label=_("代理人联系电话"), max_length=20,
                            help_text=_("11位手机号码，或带区号的固定电话，如010-62781234。"),
                            error_messages={"required": _("请填写委托代理人的联系电话。")})
    kind = forms.ChoiceField(label=_("代理人身份"), choices=AgentKind.choices,
                             error_messages={"required": _("请选择代理人的身份。"),
                                             "invalid_choice": _("请从列表中选择代理人的身份。")})
    workplace = forms.CharField(label=_("工作单位"), max_length=100, required=False,
                                help_text=_("律师的律师事务所、工会工作者的工会、用人单位工作人员的职务等。"))
    authority = forms.ChoiceField(
        label=_("代理权限"), choices=Authority.choices, widget=forms.RadioSelect,
        help_text=_("一般授权只能代为办理程序性事项；代为承认、放弃、变更请求，代为达成调解协议并签署，须特别授权并逐项列明。"),
        error_messages={"required": _("请选择一般授权或特别授权。"), "invalid_choice": _("请选择一般授权或特别授权。")},
    )
    special_powers = forms.MultipleChoiceField(
        label=_("特别授权事项"), choices=SpecialPower.choices, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("特别授权事项只能从列表中选择。")},
    )
    scan = UploadField(label=_("授权委托书扫描件"), allowed=SCANS,
                       help_text=_("当事人签名或盖章的授权委托书扫描件或照片：PDF、JPEG或PNG，不超过20MB。"),
                       error_messages={"required": _("请上传授权委托书扫描件（PDF、JPEG或PNG）。")})
    valid_from = BoundedDateField(
        label=_("委托日期"), past=True, widget=DATE_WIDGET,
        error_messages={"required": _("请填写委托日期（授权委托书的日期）。"),
                        "invalid": _("请填写有效的日期，例如 2026-11-05。")},
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        rows = case_workers(case)
        if rows:
            self.fields["worker"].queryset = Worker.objects.filter(case_memberships__case=case).order_by(
                "case_memberships__position")
        else:
            del self.fields["worker"]
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("authority") == Authority.SPECIAL and not cleaned.get("special_powers"):
            self.add_error("special_powers", _("特别授权须勾选授权委托书列明的事项；未列明事项的，请选择“一般授权”。"))
        if cleaned.get("authority") == Authority.GENERAL and cleaned.get("special_powers"):
            self.add_error("special_powers", _("一般授权不含特别授权事项：授权委托书列明了这些事项的，请选择“特别授权”。"))
        return cleaned

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {"data": {
            "side": data["side"], "worker": data.get("worker"), "agent_name": data["name"],
            "id_number": data.get("id_number", ""), "phone": data["phone"], "kind": data["kind"],
            "workplace": data.get("workplace", ""), "authority": data["authority"],
            "special_powers": list(data.get("special_powers") or []), "scan": data["scan"],
            "valid_from": data["valid_from"],
        }}


class RevokeAgentForm(forms.Form):
    """解除委托: the agent no longer acts for the party from the day given."""

    agent = AgentChoiceField(label=_("委托代理人"), queryset=Agent.objects.none(),
                             error_messages={"required": _("请选择要解除委托的代理人。"),
                                             "invalid_choice": _("所选代理人不是本案现在的委托代理人，请重新选择。")})
    revoked_on = BoundedDateField(
        label=_("解除委托日期"), past=True, widget=DATE_WIDGET,
        error_messages={"required": _("请填写解除委托的日期。"), "invalid": _("请填写有效的日期，例如 2026-11-05。")},
    )
    reason = text_field(_("解除委托原因"), rows=2, required_message=_("请写明解除委托的原因（如当事人解除委托、代理人辞去委托）。"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = case.agents.filter(revoked_on__isnull=True).order_by("side", "pk")
        self.fields["revoked_on"].initial = timezone.localdate()

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {"reason": data["reason"], "data": {"agent": data["agent"], "revoked_on": data["revoked_on"]}}


def parse_worker_line(number: int, line: str) -> dict:
    """One line of the new workers: "姓名 公民身份号码 [手机号码] [代表]", in any order after the name."""
    tokens = [token for token in re.split(r"[\s,，、;；]+", line.strip()) if token]
    worker = {"name": tokens[0], "resident_id": "", "phone": "", "representative": False}
    for token in tokens[1:]:
        if _RESIDENT_ID.match(token):
            worker["resident_id"] = normalise_resident_id(token)
        elif _MOBILE.match(token):
            worker["phone"] = normalise_mobile(token)
        elif token.lower() in REPRESENTATIVE_WORDS:
            worker["representative"] = True
        else:
            raise forms.ValidationError(
                _("第%(n)s行的“%(token)s”无法识别：每行依次填写姓名、18位公民身份号码，可加11位手机号码，推举代表的加“代表”。")
                % {"n": number, "token": token})
    return worker


class WorkersForm(forms.Form):
    """登记劳动者和推举代表: the workers joining the case, those leaving it (before acceptance),
    the representatives they elected, and whether it is a collective dispute (Art.7)."""

    new_workers = text_field(
        _("增加劳动者"), required=False, rows=6, limit=4000,
        help_text=_("每行一人：姓名 公民身份号码 [手机号码] [代表]，如“刘建国 110108197907150013 13901234567 代表”。"
                    "第一列名的劳动者（登记申请时的劳动者）已在本案中。"),
    )
    representatives = forms.MultipleChoiceField(label=_("推举代表"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    removed = forms.MultipleChoiceField(label=_("移除（误列的劳动者，仅限受理前）"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    collective = forms.BooleanField(
        label=_("集体劳动争议"), required=False,
        help_text=format_lazy(_("劳动者一方在{n}人以上并有共同请求的，为集体劳动争议，由劳动者推举代表参加调解"
                                "（《劳动争议调解仲裁法》第七条）；受理前须登记推举代表。"), n=COLLECTIVE_MIN_WORKERS),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        rows = case_workers(case)
        members = [(row.worker_id, row.worker, row.is_representative) for row in rows] or [
            (case.worker_id, case.worker, False)]
        self.fields["representatives"].choices = [(str(pk), worker.name) for pk, worker, _rep in members]
        self.fields["removed"].choices = [(str(pk), worker.name) for pk, worker, _rep in members
                                          if pk != case.worker_id]
        if not self.is_bound:
            self.initial.setdefault("representatives", [str(pk) for pk, _worker, rep in members if rep])
            self.initial.setdefault("collective", case.collective)

    def clean_new_workers(self):
        workers, errors = [], []
        for number, line in enumerate(self.cleaned_data["new_workers"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                workers.append(parse_worker_line(number, line))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return workers

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {"data": {"workers": data["new_workers"], "removed": [int(pk) for pk in data["removed"]],
                         "representatives": [int(pk) for pk in data["representatives"]],
                         "collective": data["collective"]}}
