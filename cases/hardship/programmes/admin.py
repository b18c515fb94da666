"""Django admin of the aid programmes: the amount rules per region and year (kept by organisation
admins, like the 低保 standard and the assessment parameters), and the applications, read-only
(they move only through the transition door, on the programme pages). Imported by cases/admin.py."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.admin import AmountField, MinimumLivingStandardAdmin, ReadOnlyMixin, ScopedAdmin
from cases.models import AidProgrammeApplication, AidProgrammeRule, SchoolingStage
from cases.models.hardship.programmes import FUNDABLE_STAGES
from cases.rules.bounds import AMOUNT_MAX
from cases.rules.masking import mask_name

STAGE_FIELDS = {stage: f"schooling_{stage}" for stage in FUNDABLE_STAGES}


class AidProgrammeRuleForm(forms.ModelForm):
    """金秋助学's amounts per stage as one field each (kept together as schooling_amounts)."""

    class Meta:
        model = AidProgrammeRule
        fields = ["region_code", "year", "programme", "standard_amount", "share_percent", "deductible",
                  "maximum_amount", "second_approval_above", "document_number", "document_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.schooling_amounts or {}
        for stage, name in STAGE_FIELDS.items():
            self.fields[name] = AmountField(
                label=_("金秋助学：%(stage)s（元/学期）") % {"stage": SchoolingStage(stage).label}, required=False,
                max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=AMOUNT_MAX,
                initial=stored.get(stage), help_text=_("不资助该阶段的，不填。"))

    def clean(self):
        cleaned = super().clean()
        self.instance.schooling_amounts = {stage: f"{cleaned[name]:.2f}" for stage, name in STAGE_FIELDS.items()
                                           if cleaned.get(name) is not None}
        return cleaned


@admin.register(AidProgrammeRule)
class AidProgrammeRuleAdmin(MinimumLivingStandardAdmin):
    """Regional configuration beside the 低保 standard, same permissions. A change applies to
    applications made afterwards; earlier ones keep the values they stored."""

    form = AidProgrammeRuleForm
    list_display = ["region_code", "year", "programme", "amounts", "second_approval_above", "document_number",
                    "document_date"]
    list_filter = ["year", "programme"]
    search_fields = ["region_code", "document_number"]

    @admin.display(description=_("金额标准"))
    def amounts(self, rule):
        if rule.standard_amount is not None:
            return f"¥{rule.standard_amount:,.2f}"
        if rule.schooling_amounts:
            return "；".join(f"{SchoolingStage(stage).label} ¥{Decimal(amount):,.2f}"
                            for stage, amount in rule.schooling_amounts.items())
        parts = []
        if rule.share_percent is not None:
            parts.append(_("起付线¥%(deductible)s，比例%(share)s%%") % {
                "deductible": f"{rule.deductible:,.2f}", "share": rule.share_percent.normalize()})
        if rule.maximum_amount is not None:
            parts.append(_("封顶¥%(cap)s") % {"cap": f"{rule.maximum_amount:,.2f}"})
        return "，".join(str(part) for part in parts) or "—"


@admin.register(AidProgrammeApplication)
class AidProgrammeApplicationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["number", "programme", "status", "masked_beneficiary", "amount", "applied_on", "organisation"]
    list_filter = ["programme", "status"]
    list_select_related = ["organisation"]
    search_fields = ["number"]
    fields = ["number", "programme", "status", "organisation", "file", "year", "term", "amount", "fund", "applied_on",
              "prepared_by", "first_approved_by", "second_approved_by", "refused_by"]

    @admin.display(description=_("受助人"))
    def masked_beneficiary(self, application):
        return mask_name(application.beneficiary)
