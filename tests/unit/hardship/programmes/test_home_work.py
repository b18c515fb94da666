"""Issue 19, point 4: the programme applications waiting for someone are on their home. A
reviewer's 帮扶项目 card lists 待审批的帮扶项目申请 (first or second approval, in their subtree, never
one they or the file prepared, never a second approval after their own first), a caseworker's
待发放的帮扶项目 (approved, not paid); each row a link to the action on the application's page,
the count a link to the 帮扶项目 page filtered to exactly those applications. The home reads as
many queries for eight applications as for one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.hardship.programmes.applications import apply_for_programme
from cases.hardship.programmes.households import emergency_household
from cases.models import AidProgramme, ApplicationStatus, Membership, Role
from cases.platform.transitions import apply
from tests.hardship_fixtures import household_in_hardship
from tests.programme_fixtures import family_on_file, paid_application, programme_fund
from tests.unit.hardship.programmes.conftest import YEAR

pytestmark = pytest.mark.django_db
P, A = AidProgramme, ApplicationStatus
def today():
    """Today where the product counts days (Asia/Shanghai), asked when used: a module-level date
    goes stale when a run crosses midnight there."""
    return timezone.localdate()
LIST = "/hardship/programmes/"


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def programme_card(response, role=None):
    """The 帮扶项目 card (of `role`, when the user holds both hardship roles)."""
    [card] = [card for card in response.context["cards"]
              if card.title == "帮扶项目" and (role is None or card.role == role)]
    return card


def listed(response, role=None) -> list[str]:
    """The application numbers on the home's programme list, in order."""
    [work] = programme_card(response, role).lists
    return [row.cells[0].split(">")[1].split("<")[0] for row in work.rows]


def emergency(orgs, people, funds, *, by=None, name="陈立军", resident_id="11010819820304001X", amount="2000.00"):
    household = emergency_household(organisation=orgs["hd"], head={"name": name, "resident_id": resident_id,
                                                                   "phone": "13900000001", "employment": "employed"},
                                    region_code="110108", address="海淀区学院路1号", work_unit="某物流公司",
                                    cause="disaster")
    return apply_for_programme(programme=P.EMERGENCY, by=by or people["caseworker"], household=household,
                               fund=funds[P.EMERGENCY], reason="家中失火", event_on=today(), requested_amount=amount)


def schooling(people, funds, file, child):
    return apply_for_programme(programme=P.AUTUMN_SCHOOLING, by=people["caseworker"], household=file.household,
                               fund=funds[P.AUTUMN_SCHOOLING], member=child, term="autumn", school="北京工业大学",
                               reason="子女上大学")


def chaoyang_application(orgs, status):
    household = household_in_hardship(orgs["cy"], name="刘朝阳", resident_id="110105198001010024", region="110105")
    return paid_application(programme=P.EMERGENCY, household=household, amount="1500.00", paid_on=today(),
                            fund=programme_fund(orgs["cy"], P.EMERGENCY, year=YEAR), number=f"BJ-CY-LS-{YEAR}-{status}",
                            status=status)


# -- the reviewer -----------------------------------------------------------------------------------

def test_a_reviewer_sees_an_application_awaiting_approval_and_not_one_they_prepared(
        client, orgs, people, rules, funds, family, reviewer2):
    file, child = family
    waiting = schooling(people, funds, file, child)
    Membership.objects.create(user=people["reviewer"], organisation=orgs["hd"], role=Role.HARDSHIP_CASEWORKER)
    theirs = emergency(orgs, people, funds, by=people["reviewer"])  # they prepared the application
    on_their_file, their_child = family_on_file(orgs["hd"], prepared_by=people["reviewer"], name="李春梅",
                                                resident_id="110108198003030028")
    their_file = schooling(people, funds, on_their_file, their_child)  # they prepared the file
    response = home(client, people["reviewer"])
    assert listed(response, Role.REVIEWER) == [waiting.number]
    card = programme_card(response, Role.REVIEWER)
    [work] = card.lists
    [row] = work.rows
    assert row.cells[0] == f'<a href="{LIST}{waiting.pk}/#action-approve">{waiting.number}</a>'
    assert [str(cell) for cell in row.cells[1:]] == ["金秋助学", "王建国", "¥3,000.00",
                                                     f"{today().year}年{today().month}月{today().day}日", "待审批"]
    [metric] = card.metrics
    assert (metric.label, metric.value, metric.url) == ("待审批的帮扶项目申请", 1, f"{LIST}?work=approve#applications")
    page = client.get(LIST, {"work": "approve"})
    assert [row["application"] for row in page.context["rows"]] == [waiting]
    assert listed(home(client, reviewer2)) == [waiting.number, theirs.number, their_file.number]


def test_the_first_approver_is_not_offered_the_second_approval(client, people, rules, funds, family, reviewer2):
    file, child = family
    application = schooling(people, funds, file, child)  # ¥3,000, above the ¥2,000 single-approval limit
    apply(application, "approve", by=people["reviewer"])
    assert application.status == A.AWAITING_SECOND_APPROVAL
    assert listed(home(client, people["reviewer"])) == []
    assert metric_of(home(client, people["reviewer"])) == (0, "暂无待审批的帮扶项目申请")
    [row] = programme_card(home(client, reviewer2)).lists[0].rows
    assert "#action-approve_second" in row.cells[0] and str(row.cells[-1]) == "待复审批"


def metric_of(response):
    [metric] = programme_card(response).metrics
    return metric.value, metric.empty


def test_another_districts_application_is_not_listed(client, orgs, people, rules, funds, make_user):
    ours = emergency(orgs, people, funds)
    theirs = chaoyang_application(orgs, A.APPLIED)
    assert listed(home(client, people["reviewer"])) == [ours.number]
    chaoyang_reviewer = make_user("cy_reviewer", orgs["cy"], Role.REVIEWER)
    assert listed(home(client, chaoyang_reviewer)) == [theirs.number]
    assert theirs.number not in home(client, people["reviewer"]).content.decode()


# -- the caseworker -----------------------------------------------------------------------------------

def test_the_caseworker_sees_an_approved_unpaid_application_and_not_a_paid_one(client, orgs, people, rules, funds):
    approved = emergency(orgs, people, funds)
    apply(approved, "approve", by=people["reviewer"])  # ¥2,000, within the ¥3,000 limit
    assert approved.status == A.APPROVED
    emergency(orgs, people, funds, name="周建华", resident_id="110108198505050010")  # still awaiting approval
    paid_application(programme=P.SPRING_FESTIVAL, household=household_in_hardship(orgs["hd"], name="李春梅",
                     resident_id="110108198003030028"), fund=funds[P.SPRING_FESTIVAL], amount="1000.00",
                     paid_on=today(), number=f"BJ-HD-SNW-{YEAR}-9")
    chaoyang_application(orgs, A.APPROVED)
    response = home(client, people["caseworker"])
    assert listed(response) == [approved.number]
    card = programme_card(response)
    assert card.lists[0].rows[0].cells[0] == f'<a href="{LIST}{approved.pk}/#action-disburse">{approved.number}</a>'
    [metric] = card.metrics
    assert (metric.label, metric.value, metric.url) == ("待发放的帮扶项目", 1, f"{LIST}?work=pay#applications")
    page = client.get(LIST, {"work": "pay"})
    assert [row["application"] for row in page.context["rows"]] == [approved]


# -- the demo, and the queries ------------------------------------------------------------------

def test_the_demos_reviewer_and_caseworker_find_the_demo_applications_on_their_home(
        client, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", stdout=StringIO())
    users = get_user_model().objects.in_bulk(["reviewer", "caseworker"], field_name="username")
    waiting = home(client, users["reviewer"])
    assert [str(row.cells[1]) for row in programme_card(waiting).lists[0].rows] == ["金秋助学", "临时救助"]
    to_pay = home(client, users["caseworker"])
    assert [str(row.cells[1]) for row in programme_card(to_pay).lists[0].rows] == ["医疗救助"]


def home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("role, status", [("reviewer", A.APPLIED), ("caseworker", A.APPROVED)])
def test_the_home_reads_as_many_queries_for_eight_applications_as_for_one(
        client, orgs, people, rules, funds, role, status, django_assert_max_num_queries):
    def application(number):
        file, _child = family_on_file(orgs["hd"], prepared_by=people["caseworker"], name=f"王{number}",
                                      resident_id=f"1101081975{number:02d}010017", number=f"BJ-HD-KN-{YEAR}-{number:04d}")
        return paid_application(programme=P.SPRING_FESTIVAL, household=file.household, file=file,
                                fund=funds[P.SPRING_FESTIVAL], amount="1000.00", paid_on=today(),
                                number=f"BJ-HD-SNW-{YEAR}-{number}", status=status)

    application(1)
    one = home_queries(client, people[role])
    for number in range(2, 9):
        application(number)
    client.force_login(people[role])
    with django_assert_max_num_queries(one):
        response = client.get("/")
    assert len(programme_card(response).lists[0].rows) == 8
