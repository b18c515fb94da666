"""登记困难职工申请: a caseworker registers a hardship application or a grassroots union's
referral — the head, the household's members, the year's incomes, rigid expenses and hardship
costs — and sees the category computation (计算结果) as the figures are typed.

Writes go through cases.hardship.intake.register_household_application (household,
file and flow in one transaction). The computation is cases.rules.eligibility.assess on the
figures as typed (hardship_intake.preview_assessment): the page's script posts the form to
HardshipAssessView as the caseworker types; without a script the 计算 button posts the page
back and the same panel is rendered. On success the caseworker lands on the new file's
登记申请 task, where they claim it.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.hardship.intake import check_household_application, money, preview_assessment, register_household_application
from cases.models.hardship.household import validate_region_code
from cases.rules.validators import parse_resident_id
from cases.selectors import cn_day, yuan
from workflows.hardship.flow import HardshipFlow
from workflows.hardship.register.forms import (
    ApplicationForm,
    ExpenseFormSet,
    HardshipCostFormSet,
    HeadForm,
    IncomeFormSet,
    MemberFormSet,
    caseworker_organisations,
)

ROW_PREFIXES = ("members", "incomes", "expenses", "hardship_costs")


def may_register_hardship(user) -> bool:
    return caseworker_organisations(user).exists()


def _fill_from_resident_ids(data):
    """What the browser fills from a resident ID (the head's birth date and sex, a member's
    birth date), filled again here: the page without a script agrees."""
    def parse(key):
        try:
            return parse_resident_id(data.get(key, ""))
        except ValidationError:
            return None

    info = parse("head-resident_id")
    data["head-birth_date"] = cn_day(info.birth_date) if info else ""
    data["head-sex"] = (_("男") if info.sex == "M" else _("女")) if info else ""
    try:
        total = min(int(data.get("members-TOTAL_FORMS", 0)), 100)
    except ValueError:
        total = 0
    for index in range(total):
        info = parse(f"members-{index}-resident_id")
        if info is not None:
            data[f"members-{index}-birth_date"] = cn_day(info.birth_date)
    return data


def _deleted(form) -> bool:
    field = form.fields.get("DELETE")
    if field is None or not form.is_bound:
        return False
    return bool(field.widget.value_from_datadict(form.data, form.files, form.add_prefix("DELETE")))


def _stored(form) -> bool:
    """A row of a record on file (the household editor's member rows carry its pk)."""
    return "pk" in form.fields and bool(form["pk"].value())


def live_rows(formset) -> list[tuple[int, object]]:
    """The rows the caseworker filled in (or that are on file) and did not remove, with their formset index."""
    if not formset.is_bound or not formset.management_form.is_valid():
        return []
    return [(index, form) for index, form in enumerate(formset.forms)
            if (form.has_changed() or _stored(form)) and not _deleted(form)]


class HardshipRegistrationForms:
    """The page's forms and how the service's error keys map onto them."""

    def __init__(self, user, data=None):
        self.main = ApplicationForm(data, user=user)
        self.head = HeadForm(data, prefix="head")
        self.formsets = {
            "members": MemberFormSet(data, prefix="members"),
            "incomes": IncomeFormSet(data, prefix="incomes"),
            "expenses": ExpenseFormSet(data, prefix="expenses"),
            "hardship_costs": HardshipCostFormSet(data, prefix="hardship_costs"),
        }
        self.rows: dict[str, list[int]] = {prefix: [] for prefix in ROW_PREFIXES}  # index sent → formset index

    def is_valid(self) -> bool:
        results = [self.main.is_valid(), self.head.is_valid(), *(f.is_valid() for f in self.formsets.values())]
        return all(results)

    def quiet(self) -> None:
        """Show what was typed without judging it (the 计算 button is not a submission)."""
        for form in [self.main, self.head, *(form for f in self.formsets.values() for form in f.forms)]:
            form._errors = ErrorDict()
            form.cleaned_data = {}
        for formset in self.formsets.values():
            formset._non_form_errors = formset.error_class()
            formset._errors = [ErrorDict() for _form in formset.forms]

    def _rows(self, prefix) -> list[dict]:
        rows = live_rows(self.formsets[prefix])
        self.rows[prefix] = [index for index, _form in rows]
        return [self._row_input(form) for _index, form in rows]

    @staticmethod
    def _row_input(form) -> dict:
        if not hasattr(form, "cleaned_data"):
            form.is_valid()
        return form.as_input()

    def application(self) -> dict:
        main = self.main
        main.is_valid()
        cleaned = getattr(main, "cleaned_data", {})
        raw = {name: (main[name].value() or "") for name in ("source", "referred_by", "region_code", "address",
                                                              "work_unit", "cause")}
        if not hasattr(self.head, "cleaned_data"):
            self.head.is_valid()
        return {
            "organisation": cleaned.get("organisation"), "source": str(raw["source"]),
            "referred_by": str(raw["referred_by"]), "year": cleaned.get("year", main["year"].value()),
            "region_code": str(raw["region_code"]).strip(), "address": str(raw["address"]).strip(),
            "work_unit": str(raw["work_unit"]).strip(), "cause": str(raw["cause"]).strip(),
            "head": self.head.as_input(),
            **{prefix: self._rows(prefix) for prefix in ROW_PREFIXES},
        }

    def put_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages_ in errors.items():
            form, field = self.main, key
            if key == "head-address":
                field = "address"
            elif key.startswith("head-"):
                form, field = self.head, key.removeprefix("head-")
            elif key.split("-", 1)[0] in ROW_PREFIXES and key.count("-") >= 2:
                prefix, number, field = key.split("-", 2)
                sent = self.rows[prefix]
                index = int(number)
                form = self.formsets[prefix].forms[sent[index] if index < len(sent) else index]
            if field not in form.fields or field == "__all__":
                field = None
            elif field in form.errors:
                continue  # the form has said what is wrong with this field already
            for message in messages_:
                form.add_error(field, message)

    def all_errors(self) -> bool:
        return bool(self.main.errors or self.head.errors or any(
            formset.non_form_errors() or any(form.errors for form in formset.forms)
            for formset in self.formsets.values()))


def computation(forms: HardshipRegistrationForms) -> dict:
    """The category of the figures as typed: {"ok": True, category, steps, ...} or
    {"ok": False, "message": ...}; unreadable amounts are left out and said in "notes"."""
    main = forms.main
    notes = []
    region = str(main["region_code"].value() or "").strip()
    try:
        year = int(str(main["year"].value() or "").strip())
    except ValueError:
        return {"ok": False, "message": _("请先填写认定年度，例如 2025。"), "notes": notes}
    try:
        validate_region_code(region)
    except ValidationError:
        return {"ok": False, "message": _("请先填写家庭所在地的行政区划代码（6位数字），例如海淀区 110108。"),
                "notes": notes}

    def amounts(prefix, name, label):
        found = []
        for number, (_index, form) in enumerate(live_rows(forms.formsets[prefix]), start=1):
            raw = form[name].value()
            amount = money(raw) if raw not in (None, "") else None
            if raw not in (None, "") and amount is None:
                notes.append(_("第%(n)s项%(label)s“%(value)s”不是有效的金额，未计入。")
                             % {"n": number, "label": label, "value": raw})
            found.append(amount)
        return found

    incomes = [amount for amount in amounts("incomes", "amount", _("收入")) if amount is not None]
    kinds = [str(form["kind"].value() or "") for _index, form in live_rows(forms.formsets["expenses"])]
    expenses = [(kind, amount) for kind, amount in zip(kinds, amounts("expenses", "amount", _("刚性支出")), strict=True)
                if amount is not None]
    gross = amounts("hardship_costs", "gross_amount", _("致困费用"))
    compensation = amounts("hardship_costs", "compensation", _("赔偿、保险及救助"))
    costs = [(g, c or money(0)) for g, c in zip(gross, compensation, strict=True) if g is not None]
    negative = [amount for _kind, amount in expenses if amount < 0] + [a for pair in costs for a in pair if a < 0]
    if negative:
        return {"ok": False, "message": _("刚性支出和致困费用不能为负数，请修改后再计算。"), "notes": notes}
    size = 1 + len(live_rows(forms.formsets["members"]))
    return assessment_result(region=region, year=year, size=size, incomes=incomes, expenses=expenses, costs=costs,
                             notes=notes)


def assessment_result(*, region, year, size, incomes, expenses, costs, notes=()) -> dict:
    """The 计算结果 panel's content for figures read as Decimal (expenses: (kind, amount) pairs;
    costs: (gross, compensation) pairs)."""
    notes = list(notes)
    try:
        preview = preview_assessment(region_code=region, year=year, household_size=size, incomes=incomes,
                                     expenses=expenses, hardship_costs=costs)
    except ValidationError as error:
        return {"ok": False, "message": " ".join(error.messages), "notes": notes}
    assessment, standard = preview.assessment, preview.standard
    return {
        "ok": True, "category": str(assessment.category), "category_label": str(assessment.category.label),
        "steps": list(assessment.steps), "household_size": size,
        "per_capita_monthly": yuan(assessment.per_capita_monthly),
        "standard": _("%(region)s地区%(year)s年低保标准 %(amount)s/人·月；家庭人口 %(size)s 人（户主及家庭成员）") % {
            "region": standard.region_code, "year": standard.year, "amount": yuan(standard.monthly_amount),
            "size": size},
        "notes": notes,
    }


def application_task_url(file) -> str:
    """The page of the file's 登记申请 task (viewflow's "index" sends each user on: claim or do it)."""
    task = file.process.task_set.filter(flow_task=HardshipFlow.take_application, finished__isnull=True).first()
    if task is None:
        return ""
    try:
        return task.flow_task.reverse("index", args=[task.process_id, task.pk])
    except NoReverseMatch:
        return ""


class CaseworkerOnly:
    refusal = _("只有帮扶工作人员可以登记困难职工申请。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_register_hardship(request.user):
            return self.refuse()
        return super().dispatch(request, *args, **kwargs)

    def refuse(self):
        raise PermissionDenied(self.refusal)


class HardshipRegisterView(CaseworkerOnly, LoginRequiredMixin, TemplateView):
    template_name = "workflows/hardship/register.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(forms=HardshipRegistrationForms(request.user)))

    def post(self, request, *args, **kwargs):
        forms = HardshipRegistrationForms(request.user, _fill_from_resident_ids(request.POST.copy()))
        if request.POST.get("action") == "assess":
            result = computation(forms)
            forms.quiet()
            return self.render_to_response(self.get_context_data(forms=forms, result=result))
        valid = forms.is_valid()
        application = forms.application()
        errors = check_household_application(**application)
        forms.put_errors(errors)
        if valid and not errors and application["organisation"] is not None:
            response = self.register(forms, application)
            if response is not None:
                return response
        messages.error(request, _("登记未完成：请按页面上的提示修改后再提交，已填写的内容都保留着。"))
        return self.render_to_response(self.get_context_data(forms=forms, result=computation(forms)))

    def register(self, forms, application):
        try:
            file = register_household_application(**application, by=self.request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                forms.put_errors(error.message_dict)
            else:
                forms.main.add_error(None, error.messages)
            return None
        except PermissionDenied as error:
            forms.main.add_error(None, str(error))
            return None
        messages.success(self.request, _("已登记%(household)s的困难职工申请（%(source)s），请在“登记申请”任务中领取并办理。") % {
            "household": file.household, "source": file.get_source_display()})
        url = application_task_url(file)
        return HttpResponseRedirect(url or self.request.path)

    def get_context_data(self, *, forms, result=None, **kwargs):
        return super().get_context_data(
            forms=forms, form=forms.main, head_form=forms.head, members=forms.formsets["members"],
            incomes=forms.formsets["incomes"], expenses=forms.formsets["expenses"],
            hardship_costs=forms.formsets["hardship_costs"], result=result, **kwargs,
        )


class HardshipAssessView(CaseworkerOnly, LoginRequiredMixin, View):
    """POST the registration form; the 计算结果 of its figures as JSON. Writes nothing."""

    http_method_names = ["post"]

    def refuse(self):
        return JsonResponse({"ok": False, "message": str(self.refusal)}, status=403)

    def post(self, request, *args, **kwargs):
        forms = HardshipRegistrationForms(request.user, request.POST.copy())
        return JsonResponse(computation(forms), json_dumps_params={"ensure_ascii": False})
