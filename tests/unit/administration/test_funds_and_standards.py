"""Funds with their yearly budgets, and the regions' 低保 standards and hardship parameters, kept
by the admins of the regions' organisations: added, journalled, refused in Chinese when wrong;
a new row affects the assessments made after it only."""

from decimal import Decimal

from django.urls import reverse

from cases.models import AidType, EntryKind, Fund, HardshipParameters, MinimumLivingStandard
from cases.models.hardship.parameters import parameters_for

from .conftest import journalled


def test_a_fund_is_opened_with_its_budget_and_both_are_journalled(client, orgs, hd_admin):
    response = client.post(reverse("orgadmin:funds"), {
        "organisation": orgs["hd"].pk, "year": 2027, "aid_type": AidType.MEDICAL, "name": "海淀区2027年医疗救助资金",
        "budget": "150000.00"})
    fund = Fund.objects.get(name="海淀区2027年医疗救助资金")
    assert response["Location"] == reverse("workbench:hardship_fund", args=[fund.pk])
    assert list(fund.entries.values_list("kind", "amount")) == [(EntryKind.ALLOCATION, Decimal("150000.00"))]
    assert [e.actor for e in journalled("open_fund") + journalled("allocate_budget")] == [hd_admin, hd_admin]
    page = client.get(reverse("orgadmin:funds")).content.decode()
    assert "海淀区2027年医疗救助资金" in page and "¥150,000.00" in page
    # Its page, where the admin allocates more budget, opens for them.
    assert client.get(reverse("workbench:hardship_fund", args=[fund.pk])).status_code == 200


def test_bad_funds_are_refused_in_chinese(client, orgs, hd_admin):
    base = {"organisation": orgs["hd"].pk, "year": 2027, "aid_type": AidType.LIVING, "name": "生活救助资金"}
    html = client.post(reverse("orgadmin:funds"), {**base, "budget": "1e6"}).content.decode()
    assert "年度预算（元）不是有效的金额" in html
    html = client.post(reverse("orgadmin:funds"), {**base, "budget": "10", "year": "27"}).content.decode()
    assert "年度应在2000至2100年之间" in html
    client.post(reverse("orgadmin:funds"), {**base, "budget": "10"})
    html = client.post(reverse("orgadmin:funds"), {**base, "budget": "10"}).content.decode()
    assert "该组织该年度已有此类帮扶资金" in html
    html = client.post(reverse("orgadmin:funds"), {**base, "organisation": orgs["hd_street"].pk,
                                                    "budget": "10"}).content.decode()
    assert "请选择您所管理的、在用的组织" in html  # a street centre does no hardship work
    assert Fund.objects.count() == 1


def test_a_standard_is_added_for_a_region_and_journalled(client, orgs, hd_admin):
    client.post(reverse("orgadmin:standards"), {
        "form": "standard", "standard-region_code": "110108", "standard-year": 2027,
        "standard-monthly_amount": "1,560.00", "standard-source": "京民发〔2026〕1号"})
    row = MinimumLivingStandard.objects.get(region_code="110108", year=2027)
    assert row.monthly_amount == Decimal("1560.00")
    [event] = journalled("minimum_standard_added")
    assert (event.actor, event.organisation, event.data["monthly_amount"]) == (hd_admin, orgs["hd"], "1560.00")
    html = client.post(reverse("orgadmin:standards"), {
        "form": "standard", "standard-region_code": "110108", "standard-year": 2027,
        "standard-monthly_amount": "1600"}).content.decode()
    assert "该地区该年度的低保标准已录入" in html
    html = client.post(reverse("orgadmin:standards"), {
        "form": "standard", "standard-region_code": "1101", "standard-year": 2027,
        "standard-monthly_amount": "0"}).content.decode()
    assert "行政区划代码应为6位数字" in html and "低保标准（元/人·月）须大于零" in html


def test_hardship_parameters_are_added_for_later_assessments(client, orgs, hd_admin):
    data = {"form": "parameters", "parameters-region_code": "110108", "parameters-year": 2027,
            "parameters-relative_multiple": "1.5", "parameters-accident_cost_percent": "80",
            "parameters-counted_expense_kinds": ["schooling", "medical"],
            "parameters-document_number": "京工发〔2026〕3号", "parameters-document_date": "2026-12-01"}
    html = client.post(reverse("orgadmin:standards"), {**data, "parameters-document_date": ""}).content.decode()
    assert "请填写依据文件的日期" in html and not HardshipParameters.objects.exists()
    client.post(reverse("orgadmin:standards"), data)
    rules = parameters_for("110108", 2027).rules()
    assert (rules.relative_multiple, rules.counted_expense_kinds) == (Decimal("1.50"), ("medical", "schooling"))
    [event] = journalled("hardship_parameters_added")
    assert (event.organisation, event.data["document_number"]) == (orgs["hd"], "京工发〔2026〕3号")
    html = client.post(reverse("orgadmin:standards"), {**data, "parameters-relative_multiple": "0.5"}).content.decode()
    assert "相对困难倍数应在1至10之间" in html


def test_a_city_admin_keeps_every_region_of_the_city(client, people, districts):
    client.force_login(people["admin"])  # 北京市总工会, region 110000
    for code in ("110108", "110105", "110101"):
        client.post(reverse("orgadmin:standards"), {
            "form": "standard", "standard-region_code": code, "standard-year": 2027,
            "standard-monthly_amount": "1500"})
    html = client.post(reverse("orgadmin:standards"), {
        "form": "standard", "standard-region_code": "310101", "standard-year": 2027,
        "standard-monthly_amount": "1500"}).content.decode()
    assert "行政区划代码 310101 不在您所管理组织的地区之内" in html
    assert sorted(MinimumLivingStandard.objects.values_list("region_code", flat=True)) == ["110101", "110105", "110108"]
