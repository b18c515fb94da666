"""家庭信息维护: the service (members kept by pk, removed, the head kept, the year's figures
replaced, journalled; refused for ended files, other organisations and auditors) and the page
(prefilled for the year, errors inline keeping what was typed, success back to the file, and a
yearly review afterwards computing from the new figures)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.hardship.household import update_household
from cases.models import AuditAction, AuditEvent, HardshipStatus, HouseholdMember, IncomeItem, Relation, RigidExpense
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, household_in_hardship, minimum_living_standard

pytestmark = pytest.mark.django_db


def member_input(member, **changes):
    row = {"pk": member.pk, "name": member.name, "relation": member.relation, "resident_id": member.resident_id,
           "birth_date": member.birth_date, "health": member.health, "employment": member.employment,
           "schooling": member.schooling}
    row.update(changes)
    return row


@pytest.fixture
def hd_file(orgs):
    household = household_in_hardship(orgs["hd"])  # 3 people, 36,000 in 2025 → 深度困难
    minimum_living_standard(2026)
    return file_in_state(household, HardshipStatus.OPEN)


def members_of(file):
    head = file.household.members.get(relation=Relation.SELF)
    others = list(file.household.members.exclude(pk=head.pk).order_by("pk"))
    return head, others


def edit(file, by, *, members=None, year=2026, incomes=None, **changes):
    head, others = members_of(file)
    arguments = {
        "file": file, "by": by, "year": year,
        "members": members if members is not None else [member_input(head), *(member_input(m) for m in others)],
        "incomes": incomes if incomes is not None else [{"kind": "wages", "amount": "120,000"}],
        "expenses": [{"kind": "medical", "amount": "2000", "note": "门诊"}], "hardship_costs": [],
        "region_code": "110108", "address": "海淀区中关村南大街5号",
    }
    arguments.update(changes)
    return update_household(**arguments)


# -- the service ---------------------------------------------------------------------------------

def test_edits_keep_member_pks_remove_the_others_add_new_and_replace_the_years_figures(hd_file, people):
    head, (first, second) = members_of(hd_file)
    IncomeItem.objects.create(household=hd_file.household, year=2026, kind="wages", amount=Decimal("50000"))
    edit(hd_file, people["caseworker"], members=[
        member_input(head, health="chronic"),
        member_input(first, name="王小明", schooling="senior_secondary"),
        {"name": "李秀兰", "relation": "spouse", "resident_id": "", "birth_date": "1978-03-01", "health": "healthy",
         "employment": "unemployed", "schooling": "none"},
    ])
    household = hd_file.household
    assert set(household.members.values_list("pk", flat=True)) >= {head.pk, first.pk}
    assert not HouseholdMember.objects.filter(pk=second.pk).exists()
    first.refresh_from_db()
    head.refresh_from_db()
    assert (first.name, first.schooling, head.health) == ("王小明", "senior_secondary", "chronic")
    assert first.history.count() == 2  # created, then changed: the history shows before and after
    assert first.history.first().prev_record.name == "王家属1"
    assert household.members.filter(name="李秀兰", relation="spouse").exists()
    assert list(household.income_items.filter(year=2026).values_list("amount", flat=True)) == [Decimal("120000.00")]
    assert list(RigidExpense.objects.filter(household=household, year=2026).values_list("note", flat=True)) == ["门诊"]
    assert household.income_items.filter(year=2025).count() == 1  # other years untouched

    event = AuditEvent.objects.for_subject(hd_file).get(name="household_updated")
    assert event.action == AuditAction.RECORD_CHANGED
    assert event.data["year"] == 2026
    assert [m["name"] for m in event.data["members"]["removed"]] == ["王家属2"]
    assert [m["name"] for m in event.data["members"]["added"]] == ["李秀兰"]
    assert {m["name"]: m["fields"] for m in event.data["members"]["changed"]} == {
        "王建国": ["health"], "王小明": ["name", "schooling"]}
    assert Decimal(event.data["before"]["incomes"]) == Decimal("50000.00")
    assert Decimal(event.data["after"]["incomes"]) == Decimal("120000.00")
    assert event.data["after"]["household_size"] == 3


def test_the_head_cannot_be_removed_and_nothing_is_written(hd_file, people):
    _head, others = members_of(hd_file)
    with pytest.raises(ValidationError) as raised:
        edit(hd_file, people["caseworker"], members=[member_input(m) for m in others])
    assert "户主本人（王建国）不能从家庭成员中移除。" in raised.value.message_dict["__all__"]
    assert hd_file.household.members.count() == 3
    assert not hd_file.household.income_items.filter(year=2026).exists()
    assert not AuditEvent.objects.filter(name="household_updated").exists()


def test_row_errors_are_keyed_like_the_page_in_chinese(hd_file, people):
    head, others = members_of(hd_file)
    with pytest.raises(ValidationError) as raised:
        edit(hd_file, people["caseworker"], members=[member_input(others[0], name=""), member_input(head)],
             incomes=[{"kind": "wages", "amount": "两万"}])
    errors = raised.value.message_dict
    assert errors["members-0-name"] == ["请填写家庭成员姓名。"]
    assert "不是有效的金额" in errors["incomes-0-amount"][0]


@pytest.mark.parametrize("status", [HardshipStatus.EXITED, HardshipStatus.NOT_IDENTIFIED])
def test_refused_for_ended_files(orgs, people, status):
    file = file_in_state(household_in_hardship(orgs["hd"]), status)
    with pytest.raises(ValidationError) as raised:
        edit(file, people["caseworker"], year=2025)
    assert "家庭信息不能再修改" in raised.value.messages[0]


def test_refused_for_another_organisation_and_for_auditors(orgs, people, make_user):
    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.RETURNED)
    minimum_living_standard(2026)
    outsider = make_user("cy_caseworker", orgs["cy"], "hardship_caseworker")
    with pytest.raises(PermissionDenied):
        edit(file, outsider)
    with pytest.raises(PermissionDenied, match="审计员只能查阅"):
        edit(file, people["auditor"])
    edit(file, people["caseworker"])  # 2026: not the year the returned file's category rests on


# -- the page -------------------------------------------------------------------------------------

def page(file, year=None):
    return f"/hardship/files/{file.pk}/household/" + (f"?year={year}" if year else "")


def posted_from(response, **changes):
    """What the browser sends back for the page as rendered, with `changes`."""
    context = response.context
    data = {"year": context["form"]["year"].value(), "action": "save"}
    for form in (context["form"], context["head_form"]):
        for field in form:
            if field.name != "year":
                data[field.html_name] = "" if field.value() is None else str(field.value())
    for prefix in ("members", "incomes", "expenses", "hardship_costs"):
        formset = context[prefix]
        for name, value in formset.management_form.initial.items():
            data[f"{prefix}-{name}"] = str(value)
        for row in formset.forms:
            for field in row:
                if field.name != "DELETE":
                    data[field.html_name] = "" if field.value() is None else str(field.value())
    data.update(changes)
    return data


def test_the_page_is_prefilled_for_the_year_and_linked_from_the_file(client, hd_file, people):
    client.force_login(people["caseworker"])
    response = client.get(page(hd_file))
    assert response.status_code == 200
    assert response.context["year"] == 2025
    incomes = response.context["incomes"]
    assert incomes.forms[0]["amount"].value() == Decimal("36000.00")
    assert len(response.context["members"].forms) == 3  # two members and an empty row
    text = response.content.decode()
    assert "计算结果" in text and "深度困难" in text and "hardship_register.js" in text
    assert 'id="members-template"' in text
    assert response.context["incomes"].forms[0]["amount"].value() is not None
    assert client.get(page(hd_file, 2026)).context["incomes"].forms[0]["amount"].value() is None
    detail = client.get(f"/hardship/files/{hd_file.pk}/").content.decode()
    assert f'href="/hardship/files/{hd_file.pk}/household/"' in detail and "维护家庭信息" in detail


def test_only_caseworkers_get_the_page_and_link(client, hd_file, people):
    client.force_login(people["auditor"])
    assert client.get(page(hd_file)).status_code == 403
    assert "维护家庭信息" not in client.get(f"/hardship/files/{hd_file.pk}/").content.decode()


def test_an_error_keeps_what_was_typed(client, hd_file, people):
    client.force_login(people["caseworker"])
    form = client.get(page(hd_file, 2026))
    response = client.post(page(hd_file), posted_from(form, **{
        "incomes-0-kind": "wages", "incomes-0-amount": "两万", "members-0-name": "王小明"}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "家庭信息未保存" in text
    assert "收入金额“两万”不是有效的金额" in text
    assert 'value="两万"' in text and 'value="王小明"' in text
    assert not hd_file.household.income_items.filter(year=2026).exists()


def test_success_goes_back_to_the_file_and_the_yearly_review_computes_from_the_new_figures(
        client, hd_file, people):
    client.force_login(people["caseworker"])
    _head, (first, second) = members_of(hd_file)
    form = client.get(page(hd_file, 2026))
    response = client.post(page(hd_file), posted_from(form, **{
        "incomes-0-kind": "wages", "incomes-0-amount": "120,000", "members-1-DELETE": "on"}))
    assert response.status_code == 302 and response["Location"] == f"/hardship/files/{hd_file.pk}/"
    assert not HouseholdMember.objects.filter(pk=second.pk).exists()
    assert HouseholdMember.objects.filter(pk=first.pk).exists()

    hd_file.refresh_from_db()
    apply(hd_file, "complete_yearly_review", by=people["caseworker"],
          data={"year": 2026, "findings": "入户核实：配偶再就业，收入增加。"})
    hd_file.refresh_from_db()
    review = hd_file.yearly_reviews.get(year=2026)
    # 120,000 ÷ 12 ÷ 2 = 5,000/人·月, far above the 1,400 低保 amount: no longer 深度困难.
    assert (review.previous_category, review.category, hd_file.category) == ("deep", "none", "none")


def test_during_publicity_a_save_is_refused_and_a_correction_with_a_reason_reopens_the_review(
        client, orgs, people):
    file = file_in_state(household_in_hardship(orgs["hd"]), HardshipStatus.IN_PUBLICITY,
                         prepared_by=people["caseworker"])
    client.force_login(people["caseworker"])
    form = client.get(page(file))
    text = form.content.decode()
    assert "认定所依据的数据已冻结" in text and "“公示中”阶段" in text and "更正并退回民主评议" in text
    changed = posted_from(form, **{"incomes-0-amount": "520,000"})

    refused = client.post(page(file), changed)
    assert refused.status_code == 200 and "家庭信息未保存" in refused.content.decode()
    assert "自民主评议起，认定所依据的2025年家庭收支" in refused.content.decode()
    assert list(file.household.income_items.filter(year=2025).values_list("amount", flat=True)) == [
        Decimal("36000.00")]
    unexplained = client.post(page(file), {**changed, "action": "correct"})
    assert unexplained.status_code == 200 and "请填写更正理由。" in unexplained.content.decode()

    corrected = client.post(page(file), {**changed, "action": "correct",
                                         "correction_reason": "公示异议核实：配偶有工资收入未申报。"})
    assert corrected.status_code == 302 and corrected["Location"] == f"/hardship/files/{file.pk}/"
    file.refresh_from_db()
    assert (file.status, file.category) == (HardshipStatus.CIVIL_CHECKED, "none")
    detail = client.get(corrected["Location"]).content.decode()
    assert "已更正认定数据" in detail and "档案已退回民主评议" in detail
    assert AuditEvent.objects.for_subject(file).get(name="correct_assessment").reason.startswith("公示异议核实")
