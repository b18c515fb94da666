"""Forms of the dispute flow's tasks: each asks only for what its step needs.

The forms check what a person can correct on the page (a missing reason, a choice outside
the list); the legal rules themselves are checked by the transition door, whose errors the
views put back on the form.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.access import can_act
from cases.models import Membership, Role


class AcceptanceDecision(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")


class DecideAcceptanceForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审查结论"), choices=AcceptanceDecision.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择受理或不予受理。"), "invalid_choice": _("请选择受理或不予受理。")},
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("不予受理的，须写明理由，理由将载入不予受理通知书。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == AcceptanceDecision.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("不予受理须填写理由。"))
        return cleaned


def mediators_for(case):
    """Active users who may mediate `case`: mediators of its organisation or an ancestor."""
    ancestor_ids = [int(part) for part in case.organisation.path.strip("/").split("/") if part]
    user_ids = Membership.objects.filter(
        organisation_id__in=ancestor_ids, role=Role.MEDIATOR, user__is_active=True,
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids).order_by("last_name", "first_name", "username")


class MediatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        full = f"{user.last_name}{user.first_name}".strip()
        return f"{full}（{user.get_username()}）" if full else user.get_username()


class AssignMediatorForm(forms.Form):
    mediator = MediatorChoiceField(
        label=_("调解员"), queryset=get_user_model().objects.none(),
        error_messages={"required": _("请选择调解员。"), "invalid_choice": _("所选调解员不在可选范围内，请重新选择。")},
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mediator"]
        if can_act(user, case.organisation, [Role.MEDIATION_LEAD]):
            field.queryset = mediators_for(case)
            field.help_text = _("可选本组织及上级组织的调解员。")
        else:
            # A mediator may take the case themselves; only a lead assigns it to someone else.
            field.queryset = mediators_for(case).filter(pk=user.pk)
            field.initial = user.pk
            field.help_text = _("调解员只能领取给自己；分配给他人需由调解组长操作。")


class MediationOutcome(models.TextChoices):
    FAIL = "fail", _("调解不成")
    WITHDRAW = "withdraw", _("申请人撤回")


class MediateForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("调解结果"), choices=MediationOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("请选择调解结果。"), "invalid_choice": _("请选择调解结果。")},
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        error_messages={"required": _("请填写理由（载入调解终止通知书）。")},
        help_text=_("调解不成的，写明调解不成的情况；撤回的，写明申请人撤回申请的情况。"),
    )
