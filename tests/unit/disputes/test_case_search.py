"""案件查询 at scale (issue 18): the same cases in the same order and scope as before, each counted
once, the claimed totals of the page's rows, and "1000+" instead of a full count past 1,000 matches."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import DisputeCase, DisputeClaim, Employer, Worker
from tests.identifiers import resident_id, uscc

pytestmark = pytest.mark.django_db

SEARCH = "/cases/search/"
FIRST_DAY = date(2024, 1, 1)


def case(organisation, number, worker, employer, received_on, **fields) -> DisputeCase:
    return DisputeCase.objects.create(
        organisation=organisation, year=received_on.year, sequence=int(number.rsplit("-", 1)[1]), number=number,
        worker=worker, employer=employer, channel="walk_in_written", received_on=received_on,
        received_at=timezone.now(), facts="拖欠工资", **fields,
    )


def many_cases(organisation, prefix, worker, employer, n) -> None:
    """n cases numbered {prefix}-0000 to {prefix}-{n-1}, case i received on FIRST_DAY + i days."""
    DisputeCase.objects.bulk_create([
        DisputeCase(organisation=organisation, year=2024, sequence=i, number=f"{prefix}-{i:04d}", worker=worker,
                    employer=employer, channel="walk_in_written", received_on=FIRST_DAY + timedelta(days=i),
                    received_at=timezone.now(), facts="拖欠工资")
        for i in range(n)
    ])


def numbers(response) -> list[str]:
    return [row["case"].number for row in response.context["rows"]]


def results_text(response) -> str:
    return response.content.decode().split('id="search-results"')[1]


@pytest.fixture
def parties(db):
    return {
        "zhang": Worker.objects.create(name="张三", resident_id=resident_id(1)),
        "zhang_too": Worker.objects.create(name="张三", resident_id=resident_id(2)),
        "zhangsanfeng": Worker.objects.create(name="张三丰"),
        "li": Worker.objects.create(name="李四"),
        "wang": Worker.objects.create(name="王五"),
        "jia": Employer.objects.create(name="甲科技有限公司", uscc=uscc(1)),
        "zhang_cafe": Employer.objects.create(name="张三餐饮有限公司", uscc=uscc(2)),
        "yi": Employer.objects.create(name="乙商贸有限公司"),
    }


@pytest.fixture
def spread(orgs, parties):
    """Haidian's street and its committee, and one Chaoyang case newer than all of them."""
    p = parties
    made = {
        "a": case(orgs["hd_street"], "HD-2026-0001", p["zhang"], p["jia"], date(2026, 11, 2)),
        "b": case(orgs["hd_street"], "HD-2026-0002", p["li"], p["zhang_cafe"], date(2026, 11, 3)),
        "c": case(orgs["hd_street"], "HD-2026-0003", p["zhangsanfeng"], p["zhang_cafe"], date(2026, 11, 3)),
        "d": case(orgs["hd_street"], "HD-2026-0004", p["wang"], p["yi"], date(2026, 11, 5)),
        "e": case(orgs["hd_ent"], "HDE-2026-0001", p["zhang_too"], p["yi"], date(2026, 11, 1)),
        "f": case(orgs["cy_street"], "CY-2026-0001", p["zhang"], p["jia"], date(2026, 11, 6)),
    }
    DisputeClaim.objects.create(case=made["a"], claim_type="wage_arrears", amount_claimed=Decimal("1000.00"))
    DisputeClaim.objects.create(case=made["a"], claim_type="overtime_pay", amount_claimed=Decimal("2500.50"))
    DisputeClaim.objects.create(case=made["c"], claim_type="wage_arrears", amount_claimed=Decimal("800.00"))
    return made


def test_a_name_finds_the_subtrees_cases_newest_first_each_once(client, people, spread):
    client.force_login(people["mediator"])
    found = client.get(SEARCH, {"q": "张三"})

    # c and b were received the same day: the later registered first. c matches by its worker
    # and its employer, and is counted once; d names nobody called 张三; f is Chaoyang's.
    assert numbers(found) == ["HD-2026-0003", "HD-2026-0002", "HD-2026-0001", "HDE-2026-0001"]
    assert found.context["page"].paginator.count == 4
    assert not found.context["page"].paginator.capped
    assert "共找到4件案件。" in results_text(found)
    assert [row["claimed"] for row in found.context["rows"]] == ["¥800.00", "—", "¥3,500.50", "—"]


def test_a_mediator_never_finds_another_districts_case(client, people, spread):
    client.force_login(people["cy_mediator"])
    assert numbers(client.get(SEARCH, {"q": "张三"})) == ["CY-2026-0001"]
    assert numbers(client.get(SEARCH, {"q": "HD-2026"})) == []
    assert numbers(client.get(SEARCH, {"q": resident_id(2)})) == []
    assert numbers(client.get(SEARCH, {"q": ""})) == ["CY-2026-0001"]

    client.force_login(people["mediator"])
    assert numbers(client.get(SEARCH, {"q": "CY-2026"})) == []
    assert numbers(client.get(SEARCH, {"q": resident_id(1)})) == ["HD-2026-0001"]  # not Chaoyang's f


def test_numbers_ids_credit_codes_and_status_find_as_before(client, people, spread):
    client.force_login(people["mediator"])
    assert numbers(client.get(SEARCH, {"q": "2026-000"})) == [
        "HD-2026-0004", "HD-2026-0003", "HD-2026-0002", "HD-2026-0001", "HDE-2026-0001"]
    assert numbers(client.get(SEARCH, {"q": resident_id(2)})) == ["HDE-2026-0001"]
    assert numbers(client.get(SEARCH, {"q": resident_id(2)[:12]})) == []  # identity numbers only in full
    assert numbers(client.get(SEARCH, {"q": uscc(2).lower()})) == ["HD-2026-0003", "HD-2026-0002"]
    assert numbers(client.get(SEARCH, {"q": "甲科技"})) == ["HD-2026-0001"]
    assert numbers(client.get(SEARCH, {"q": "", "status": "registered"})) == [
        "HD-2026-0004", "HD-2026-0003", "HD-2026-0002", "HD-2026-0001", "HDE-2026-0001"]
    assert numbers(client.get(SEARCH, {"q": "张三", "status": "accepted"})) == []


def test_past_a_thousand_matches_the_page_says_1000_plus_and_lists_the_newest(client, orgs, people, parties):
    many_cases(orgs["hd_street"], "HD", parties["zhang"], parties["jia"], 1001)
    # Newer than all of them: a Chaoyang case by the same name (never shown) and a Haidian one
    # found by its employer's name only (shown first).
    many_cases(orgs["cy_street"], "CY", parties["zhang"], parties["jia"], 1100)
    case(orgs["hd_ent"], "HDE-2030-0001", parties["li"], parties["zhang_cafe"], date(2030, 1, 1))
    client.force_login(people["mediator"])

    first = client.get(SEARCH, {"q": "张三"})
    paginator = first.context["page"].paginator
    assert paginator.capped and paginator.count == 1000 and paginator.num_pages == 50
    assert "共找到1000+件案件，只列出最新的1000件。" in results_text(first)
    assert "共找到1000件案件" not in results_text(first)
    assert numbers(first) == ["HDE-2030-0001"] + [f"HD-{i:04d}" for i in range(1000, 981, -1)]

    last = client.get(SEARCH, {"q": "张三", "page": 51})  # beyond the pages offered: the last one
    assert last.context["page"].number == 50
    assert numbers(last) == [f"HD-{i:04d}" for i in range(21, 1, -1)]

    everything = client.get(SEARCH, {"q": ""})
    assert everything.context["page"].paginator.capped
    assert numbers(everything)[:2] == ["HDE-2030-0001", "HD-1000"]


def test_a_thousand_matches_are_counted_in_full(client, orgs, people, parties):
    many_cases(orgs["hd_street"], "HD", parties["zhang"], parties["jia"], 1000)
    many_cases(orgs["cy_street"], "CY", parties["zhang"], parties["jia"], 5)
    client.force_login(people["mediator"])

    found = client.get(SEARCH, {"q": "张三"})
    assert not found.context["page"].paginator.capped
    assert found.context["page"].paginator.count == 1000
    assert "共找到1000件案件。" in results_text(found)
    assert "1000+" not in results_text(found)
    assert numbers(client.get(SEARCH, {"q": "张三", "page": 50})) == [f"HD-{i:04d}" for i in range(19, -1, -1)]


@pytest.mark.parametrize("role, says", [
    ("caseworker", "您的角色（帮扶工作人员）不办理劳动争议案件。困难职工档案请在“档案查询”中查找。"),
    ("reviewer", "您的角色（审核人）不办理劳动争议案件。困难职工档案请在“档案查询”中查找。"),
    ("admin", "您的角色（组织管理员）不办理劳动争议案件。"),
])
def test_a_role_without_disputes_is_told_why_it_has_nothing_to_search(client, people, role, says):
    client.force_login(people[role])
    response = client.get(reverse("workbench:case_search"))
    assert response.status_code == 403
    page = response.content.decode()
    assert says in page and "尚未加入任何组织" not in page
