"""家庭信息维护: a caseworker of the file's organisation edits the household of a hardship file —
its members and a chosen year's incomes, rigid expenses and hardship costs — with the category
computation (计算结果) updating as figures are typed, before a yearly review or before a
returned file is resubmitted.

From the democratic review on, the figures the assessment rests on are frozen
(cases.hardship.assessment_basis): the page says so, a plain save that changes them is refused
with the reason, and until the approval the caseworker may submit the change as a correction
(更正并退回民主评议, with a required reason), which recomputes the category and sends the file
back to its democratic review.

The page is the registration page's household editor (workflows.hardship.register.views:
the same formsets, row partial, script and the hardship/assess/ endpoint), prefilled from
the file. Writes go through cases.hardship.household.update_household; its errors, keyed
like the fields, go back on the forms with what was typed. The year is chosen above the
form (?year=YYYY, the file's year by default).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.hardship.assessment_basis import assessed_years, frozen_refusal, may_correct
from cases.hardship.household import (
    HouseholdWritten,
    check_household_update,
    head_member_of,
    household_locked_reason,
    write_household,
)
from cases.models import AuditAction
from cases.platform.audit.journal import append_event
from workflows.hardship.file.access import HardshipReadersOnly, file_url, may_edit_household, readable_file
from workflows.hardship.register.forms import (
    ExpenseFormSet,
    HardshipCostFormSet,
    HeadStatusForm,
    HouseholdForm,
    HouseholdMemberFormSet,
    IncomeFormSet,
)
from workflows.hardship.register.views import (
    ROW_PREFIXES,
    HardshipRegistrationForms,
    _fill_from_resident_ids,
    assessment_result,
    computation,
)

MEMBER_FIELDS = ("name", "relation", "resident_id", "birth_date", "health", "employment", "schooling")


class HouseholdEditorForms(HardshipRegistrationForms):
    """The registration page's forms without the application and with the head's status only;
    unbound, they show the file's household and the year's figures."""

    def __init__(self, user, data=None, *, file, year=None):
        household = file.household
        self.head_member = head_member_of(household)
        stored = data is None
        others = [m for m in household.members.all() if self.head_member is None or m.pk != self.head_member.pk]
        self.main = HouseholdForm(data, initial={
            "year": year, "region_code": household.region_code, "address": household.address})
        head = self.head_member
        self.head = HeadStatusForm(data, prefix="head", initial={
            "health": head.health, "employment": head.employment, "schooling": head.schooling} if head else None)

        def initial(rows):
            return rows if stored else None

        self.formsets = {
            "members": HouseholdMemberFormSet(data, prefix="members", initial=initial([
                {"pk": m.pk, **{name: getattr(m, name) for name in MEMBER_FIELDS}} for m in others])),
            "incomes": IncomeFormSet(data, prefix="incomes", initial=initial([
                {"kind": i.kind, "amount": i.amount} for i in household.income_items.filter(year=year or 0)])),
            "expenses": ExpenseFormSet(data, prefix="expenses", initial=initial([
                {"kind": e.kind, "amount": e.amount, "note": e.note}
                for e in household.rigid_expenses.filter(year=year or 0)])),
            "hardship_costs": HardshipCostFormSet(data, prefix="hardship_costs", initial=initial([
                {"event": c.event, "gross_amount": c.gross_amount, "compensation": c.compensation, "note": c.note}
                for c in household.hardship_costs.filter(year=year or 0)])),
        }
        self.rows = {prefix: [] for prefix in ROW_PREFIXES}

    def application(self) -> dict:
        main = self.main
        main.is_valid()
        cleaned = getattr(main, "cleaned_data", {})
        head_row = {"pk": self.head_member.pk if self.head_member else "", **self.head.as_input()}
        return {
            "year": cleaned.get("year", main["year"].value()),
            "region_code": str(main["region_code"].value() or "").strip(),
            "address": str(main["address"].value() or "").strip(),
            # The head's row last, so the others keep their formset positions as error keys.
            "members": [*self._rows("members"), head_row],
            **{prefix: self._rows(prefix) for prefix in ("incomes", "expenses", "hardship_costs")},
        }


def stored_computation(file, year) -> dict:
    """The 计算结果 of the household's figures on file for `year` (what the page opens with)."""
    household = file.household
    return assessment_result(
        region=household.region_code, year=year, size=household.members.count(),
        incomes=[i.amount for i in household.income_items.filter(year=year)],
        expenses=[(e.kind, e.amount) for e in household.rigid_expenses.filter(year=year)],
        costs=[(c.gross_amount, c.compensation) for c in household.hardship_costs.filter(year=year)],
    )


def chosen_year(value, default: int) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= timezone.localdate().year else default


def require_household_editor(user, file) -> None:
    if not may_edit_household(user, file):
        raise PermissionDenied(_("只有本档案所属工会组织的帮扶工作人员可以维护家庭信息。"))


@dataclass(frozen=True)
class HouseholdSubmission:
    forms: HouseholdEditorForms
    application: dict
    written: HouseholdWritten | None  # None: what to correct is on the forms
    denied: PermissionDenied | None = None  # the service's refusal of the user, on the forms too


def submit_household(file, user, data, *, correcting: bool, correction_reason: str = "") -> HouseholdSubmission:
    """The editor's forms bound to `data` (the page's fields, as posted), checked as the page
    checks them, then written — as a correction (更正并退回民主评议) when `correcting`. What to
    correct, and the service's refusal of the user, go on the forms."""
    forms = HouseholdEditorForms(user, _fill_from_resident_ids(data), file=file)
    valid = forms.is_valid()
    application = forms.application()
    errors = check_household_update(file=file, **application)
    if correcting and not correction_reason:
        errors.setdefault("__all__", []).append(_("请填写更正理由。"))
    forms.put_errors(errors)
    if not valid or errors:
        return HouseholdSubmission(forms, application, None)
    try:
        written = write_household(file=file, by=user, correction_reason=correction_reason if correcting else "",
                                  **application)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            forms.put_errors(error.message_dict)
        else:
            forms.main.add_error(None, error.messages)
        return HouseholdSubmission(forms, application, None)
    except PermissionDenied as error:
        forms.main.add_error(None, str(error))
        return HouseholdSubmission(forms, application, None, denied=error)
    return HouseholdSubmission(forms, application, written)


def prefilled_fields(file, user, year: int) -> dict:
    """What the page posts back for `year` when nothing is changed: the household on file."""
    forms = HouseholdEditorForms(user, file=file, year=year)
    data = {"year": str(year)}
    for form in (forms.main, forms.head):
        data.update({field.html_name: _posted(field.value()) for field in form if field.name != "year"})
    for prefix, formset in forms.formsets.items():
        rows = formset.initial or []
        data.update(_management(prefix, len(rows)))
        for index, form in enumerate(formset.forms[:len(rows)]):
            data.update({field.html_name: _posted(field.value()) for field in form if field.name != "DELETE"})
    return data


def _posted(value) -> str:
    return "" if value is None else str(value)


def _management(prefix: str, total: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}


def posted_fields(file, user, body: dict) -> dict:
    """The page's fields from a body that gives some parts of the household: `head` (a dict),
    `members`, `incomes`, `expenses`, `hardship_costs` (lists of rows), `year`, `region_code`,
    `address` or the page's own field names; a part not given is as on file for the year."""
    year = chosen_year(body.get("year"), file.year)
    data = prefilled_fields(file, user, year)
    for key, value in body.items():
        if key == "head" and isinstance(value, dict):
            data.update({f"head-{name}": _posted(item) for name, item in value.items()})
        elif key in ROW_PREFIXES and isinstance(value, list):
            if not all(isinstance(row, dict) for row in value):
                raise ValidationError({key: [_("每一行应为一个对象：字段名及其值。")]})
            data = {name: item for name, item in data.items() if not name.startswith(f"{key}-")}
            data.update(_management(key, len(value)))
            for index, row in enumerate(value):
                data.update({f"{key}-{index}-{name}": _posted(item) for name, item in row.items()})
        else:
            data[key] = _posted(value)
    return data


def form_errors(forms: HouseholdEditorForms) -> dict:
    """Every error of the editor's forms, by the field's name as the page posts it."""
    errors = {}
    for form in (forms.main, forms.head, *(row for formset in forms.formsets.values() for row in formset.forms)):
        for field, messages_ in form.errors.items():
            key = field if field == "__all__" else form.add_prefix(field)
            errors.setdefault(key, []).extend(messages_)
    for prefix, formset in forms.formsets.items():
        if formset.is_bound and formset.non_form_errors():
            errors.setdefault(prefix, []).extend(formset.non_form_errors())
    return errors


class HouseholdEditView(HardshipReadersOnly, TemplateView):
    template_name = "workflows/hardship/household.html"

    def editable_file(self):
        """The file if the user may edit its household now; otherwise a 404/403 or (as a
        response) the file page with the reason."""
        file = readable_file(self.request.user, self.kwargs["pk"])
        require_household_editor(self.request.user, file)
        reason = household_locked_reason(file)
        if reason:
            messages.error(self.request, reason)
            return file, HttpResponseRedirect(file_url(file))
        return file, None

    def get(self, request, *args, **kwargs):
        file, refused = self.editable_file()
        if refused is not None:
            return refused
        year = chosen_year(request.GET.get("year"), file.year)
        forms = HouseholdEditorForms(request.user, file=file, year=year)
        # The editor shows members' resident IDs in full, as the file page does: journalled.
        append_event(action=AuditAction.SENSITIVE_VIEW, actor=request.user, subject=file,
                     organisation=file.organisation, name="view_household_editor",
                     data={"file": file.number or file.pk, "year": year})
        return self.render_to_response(self.get_context_data(
            file=file, forms=forms, year=year, result=stored_computation(file, year)))

    def post(self, request, *args, **kwargs):
        file, refused = self.editable_file()
        if refused is not None:
            return refused
        if request.POST.get("action") == "assess":
            forms = HouseholdEditorForms(request.user, _fill_from_resident_ids(request.POST.copy()), file=file)
            year = chosen_year(forms.main["year"].value(), file.year)
            result = computation(forms)
            forms.quiet()
            return self.render_to_response(self.get_context_data(file=file, forms=forms, year=year, result=result))
        correcting = request.POST.get("action") == "correct"
        correction_reason = request.POST.get("correction_reason", "").strip() if correcting else ""
        submitted = submit_household(file, request.user, request.POST.copy(), correcting=correcting,
                                     correction_reason=correction_reason)
        forms = submitted.forms
        year = chosen_year(forms.main["year"].value(), file.year)
        if submitted.written is not None:
            messages.success(request, saved_message(submitted.written.file, submitted.application["year"], correcting))
            return HttpResponseRedirect(file_url(file))
        messages.error(request, _("家庭信息未保存：请按页面上的提示修改后再提交，已填写的内容都保留着。"))
        return self.render_to_response(self.get_context_data(
            file=file, forms=forms, year=year, result=computation(forms), correction_reason=correction_reason))

    def get_context_data(self, *, file, forms, year, result=None, **kwargs):
        this_year = timezone.localdate().year
        years = sorted({*range(this_year, this_year - 6, -1), file.year, year, *(
            file.household.income_items.values_list("year", flat=True))}, reverse=True)
        return super().get_context_data(
            file=file, household=file.household, head_member=forms.head_member, year=year, years=years,
            forms=forms, form=forms.main, head_form=forms.head, members=forms.formsets["members"],
            incomes=forms.formsets["incomes"], expenses=forms.formsets["expenses"],
            hardship_costs=forms.formsets["hardship_costs"], result=result, file_url=file_url(file),
            frozen_notice=frozen_refusal(file) if assessed_years(file) else "", may_correct=may_correct(file),
            **kwargs,
        )


def saved_message(file, year, corrected: bool) -> str:
    if corrected:
        return _("已更正认定数据，重新计算的困难类别为“%(category)s”；档案已退回民主评议，评议后须重新公示。") % {
            "category": file.get_category_display()}
    return _("已保存%(household)s的家庭信息（%(year)s年度收入和支出）。") % {"household": file.household, "year": year}

