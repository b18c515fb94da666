"""Aid funds through the door: plans proposed by a caseworker, approved by another person,
paid out of a fund that is never overdrawn, every yuan traceable to plan, approver and receipt."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.hardship.aid import allocate_budget, fund_ledger, fund_summary, open_fund
from cases.models import AidPlan, AuditEvent, Disbursement, Fund, FundEntry, Membership, PlanStatus, Role
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship

pytestmark = pytest.mark.django_db

def today():
    """Today where the product counts days (Asia/Shanghai), asked when used: a module-level date
    goes stale when a run crosses midnight there."""
    return timezone.localdate()
YEAR = today().year


@pytest.fixture
def household(orgs):
    return household_in_hardship(orgs["hd"])


@pytest.fixture
def file(household, people):
    return file_in_state(household, prepared_by=people["caseworker"], proposed_aid_amount=Decimal("3000.00"))


@pytest.fixture
def fund(orgs):
    return fund_with_budget(orgs["hd"], year=YEAR, budget=Decimal("10000.00"))


def plan_data(fund, amount="1000.00", **extra):
    return {"aid_type": fund.aid_type, "fund": fund, "amount": Decimal(amount), "first_payment_on": today(),
            "purpose": "春节前生活救助，分次发放", **extra}


def propose(file, by, fund, amount="1000.00", **extra) -> AidPlan:
    outcome = apply(file, "propose_aid_plan", by=by, data=plan_data(fund, amount, **extra))
    return AidPlan.objects.get(pk=outcome.event.data["created"]["pk"])


def approved_plan(file, people, fund, amount="1000.00", **extra) -> AidPlan:
    plan = propose(file, people["caseworker"], fund, amount, **extra)
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    plan.refresh_from_db()
    return plan


def pay(file, by, plan, amount, recipient="王建国"):
    return apply(file, "disburse", by=by, data={"plan": plan, "amount": Decimal(amount), "paid_on": today(),
                                                 "recipient": recipient})


def nothing_written(fund, counts):
    return (FundEntry.objects.filter(fund=fund).count(), Disbursement.objects.count()) == counts


def messages_of(error):
    return "；".join(error.messages)


# -- the happy path ------------------------------------------------------------------------


def test_an_approved_plan_is_paid_in_instalments_and_the_ledger_adds_up(orgs, people, file, fund):
    plan = propose(file, people["caseworker"], fund, "2000.00", instalments=2)
    assert plan.status == PlanStatus.PROPOSED and plan.prepared_by == people["caseworker"]
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == people["reviewer"] and plan.approved_at

    first = pay(file, people["caseworker"], plan, "1200.00").event.data["created"]
    second = pay(file, people["caseworker"], plan, "800.00", recipient="王小明").event.data["created"]

    disbursements = list(Disbursement.objects.filter(plan__fund=fund).order_by("pk"))
    assert [d.pk for d in disbursements] == [first["pk"], second["pk"]]
    assert [d.receipt_number for d in disbursements] == [f"BJ-HD-LK-{YEAR}-000001", f"BJ-HD-LK-{YEAR}-000002"]
    for disbursement in disbursements:
        assert disbursement.plan.approved_by == people["reviewer"]
        assert disbursement.entry.amount == -disbursement.amount and disbursement.entry.fund == fund
        assert disbursement.disbursed_by == people["caseworker"]
    summary = fund_summary(fund)
    assert summary.budget == Decimal("10000.00") and summary.paid == Decimal("2000.00")
    assert summary.budget - sum(d.amount for d in disbursements) == summary.balance == fund.balance()
    assert summary.balance == Decimal("8000.00")
    ledger = fund_ledger(fund)
    assert [row.balance for row in ledger] == [Decimal("10000.00"), Decimal("8800.00"), Decimal("8000.00")]
    assert [row.amount_out for row in ledger] == [Decimal("0"), Decimal("1200.00"), Decimal("800.00")]
    assert ledger[1].receipt_number == disbursements[0].receipt_number and ledger[2].plan == plan
    assert plan.paid() == plan.amount


def test_each_aid_transition_is_journalled_with_the_record_it_made(people, file, fund):
    plan = propose(file, people["caseworker"], fund)
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    disbursement = Disbursement.objects.get(pk=pay(file, people["caseworker"], plan, "1000.00").event.data["created"]["pk"])
    events = AuditEvent.objects.filter(subject_type="cases.hardshipfile", subject_id=str(file.pk))
    expected = [("propose_aid_plan", "hd_caseworker", "cases.aidplan", plan.pk),
                ("approve_aid_plan", "hd_reviewer", "cases.aidplan", plan.pk),
                ("disburse", "hd_caseworker", "cases.disbursement", disbursement.pk)]
    journalled = [(e.name, e.actor_label, e.data["created"]["model"], e.data["created"]["pk"])
                  for e in events.order_by("seq")]
    assert journalled == expected


# -- money that must not move --------------------------------------------------------------


def test_a_payment_beyond_the_fund_balance_is_refused_and_nothing_is_written(orgs, people, file):
    small = fund_with_budget(orgs["hd"], year=YEAR, budget=Decimal("500.00"))
    plan = approved_plan(file, people, small, "1000.00")
    counts = (FundEntry.objects.filter(fund=small).count(), Disbursement.objects.count())
    with pytest.raises(ValidationError) as refused:
        pay(file, people["caseworker"], plan, "800.00")
    assert "amount" in refused.value.message_dict
    assert "余额为¥500.00" in messages_of(refused.value) and "透支" in messages_of(refused.value)
    assert nothing_written(small, counts)
    assert small.balance() == Decimal("500.00")
    assert not AuditEvent.objects.filter(name="disburse").exists()


def test_a_plan_not_yet_approved_cannot_be_paid(people, file, fund):
    plan = propose(file, people["caseworker"], fund)
    counts = (FundEntry.objects.filter(fund=fund).count(), Disbursement.objects.count())
    with pytest.raises(ValidationError) as refused:
        pay(file, people["caseworker"], plan, "500.00")
    assert "plan" in refused.value.message_dict and "尚未审批" in messages_of(refused.value)
    assert nothing_written(fund, counts)


def test_no_more_than_the_plan_is_paid_under_it(people, file, fund):
    plan = approved_plan(file, people, fund, "1000.00")
    pay(file, people["caseworker"], plan, "600.00")
    counts = (FundEntry.objects.filter(fund=fund).count(), Disbursement.objects.count())
    with pytest.raises(ValidationError) as refused:
        pay(file, people["caseworker"], plan, "500.00")
    text = messages_of(refused.value)
    assert "amount" in refused.value.message_dict
    assert "¥1,100.00" in text and "¥1,000.00" in text and "尚可发放¥400.00" in text
    assert nothing_written(fund, counts)
    assert plan.paid() == Decimal("600.00")


def test_a_plan_of_another_file_cannot_be_paid_under_this_one(orgs, people, file, fund):
    other_file = file_in_state(household_in_hardship(orgs["hd"], name="李红", resident_id="11010519491231002X"),
                               prepared_by=people["caseworker"])
    plan = approved_plan(other_file, people, fund)
    with pytest.raises(ValidationError) as refused:
        pay(file, people["caseworker"], plan, "100.00")
    assert "plan" in refused.value.message_dict
    assert not Disbursement.objects.exists()


def test_plans_of_a_year_stay_within_the_approved_yearly_amount(people, file, fund):
    propose(file, people["caseworker"], fund, "2000.00")
    with pytest.raises(ValidationError) as refused:
        propose(file, people["caseworker"], fund, "1500.00")
    text = messages_of(refused.value)
    assert "amount" in refused.value.message_dict
    assert "¥3,500.00" in text and "¥3,000.00" in text
    assert AidPlan.objects.filter(file=file).count() == 1
    propose(file, people["caseworker"], fund, "1000.00")  # exactly up to the approved amount
    assert AidPlan.objects.filter(file=file).count() == 2


@pytest.mark.parametrize("amount", ["0", "-100.00", "10.005"])
def test_a_plan_needs_a_positive_amount_in_fen(people, file, fund, amount):
    with pytest.raises(ValidationError) as refused:
        propose(file, people["caseworker"], fund, amount)
    assert "amount" in refused.value.message_dict
    assert not AidPlan.objects.exists()


# -- funds that do not fit -----------------------------------------------------------------


def test_a_fund_of_another_organisation_cannot_pay_for_this_file(orgs, people, file):
    chaoyang = fund_with_budget(orgs["cy"], year=YEAR)
    with pytest.raises(ValidationError) as refused:
        propose(file, people["caseworker"], chaoyang)
    assert "fund" in refused.value.message_dict and "朝阳区总工会" in messages_of(refused.value)
    assert not AidPlan.objects.exists()
    city = fund_with_budget(orgs["bj"], year=YEAR)  # the city federation is above Haidian: allowed
    assert propose(file, people["caseworker"], city).fund == city


def test_the_fund_must_match_the_aid_type_and_the_year_of_the_first_payment(orgs, people, file, fund):
    with pytest.raises(ValidationError) as wrong_type:
        propose(file, people["caseworker"], fund, aid_type="medical")
    assert "fund" in wrong_type.value.message_dict and "医疗救助" in messages_of(wrong_type.value)
    with pytest.raises(ValidationError) as wrong_year:
        propose(file, people["caseworker"], fund, first_payment_on=today().replace(year=YEAR + 1, day=1))
    assert "first_payment_on" in wrong_year.value.message_dict
    assert not AidPlan.objects.exists()


# -- who may ---------------------------------------------------------------------------------


def test_whoever_prepared_a_plan_cannot_approve_it(orgs, people, file, fund, make_user):
    both = make_user("hd_both", orgs["hd"], Role.HARDSHIP_CASEWORKER)
    Membership.objects.create(user=both, organisation=orgs["hd"], role=Role.REVIEWER)
    plan = propose(file, both, fund)
    with pytest.raises(PermissionDenied, match="不能审批"):
        apply(file, "approve_aid_plan", by=both, data={"plan": plan})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED and plan.approved_by is None
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    plan.refresh_from_db()
    assert plan.approved_by == people["reviewer"]


def test_whoever_prepared_the_file_cannot_approve_its_plans(orgs, people, household, fund, make_user):
    both = make_user("hd_both", orgs["hd"], Role.HARDSHIP_CASEWORKER)
    Membership.objects.create(user=both, organisation=orgs["hd"], role=Role.REVIEWER)
    file = file_in_state(household, prepared_by=both)
    plan = propose(file, people["caseworker"], fund)
    with pytest.raises(PermissionDenied, match="双人审核"):
        apply(file, "approve_aid_plan", by=both, data={"plan": plan})
    assert AidPlan.objects.get(pk=plan.pk).status == PlanStatus.PROPOSED


def test_a_plan_is_approved_once(people, file, fund):
    plan = approved_plan(file, people, fund)
    with pytest.raises(ValidationError, match="已经批准"):
        apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})


def test_a_reviewer_cannot_pay_out(people, file, fund):
    plan = approved_plan(file, people, fund)
    with pytest.raises(PermissionDenied, match="帮扶工作人员"):
        pay(file, people["reviewer"], plan, "100.00")
    assert not Disbursement.objects.exists()


def test_a_caseworker_cannot_approve(people, file, fund):
    plan = propose(file, people["caseworker"], fund)
    with pytest.raises(PermissionDenied, match="审核人"):
        apply(file, "approve_aid_plan", by=people["caseworker"], data={"plan": plan})
    assert AidPlan.objects.get(pk=plan.pk).status == PlanStatus.PROPOSED


def test_an_auditor_changes_nothing(people, file, fund):
    plan = approved_plan(file, people, fund)
    proposed = propose(file, people["caseworker"], fund)
    before = (AidPlan.objects.count(), FundEntry.objects.count(), Disbursement.objects.count(),
              AuditEvent.objects.count())
    auditor = people["auditor"]
    attempts = [
        lambda: apply(file, "propose_aid_plan", by=auditor, data=plan_data(fund)),
        lambda: apply(file, "approve_aid_plan", by=auditor, data={"plan": proposed}),
        lambda: pay(file, auditor, plan, "100.00"),
        lambda: allocate_budget(fund=fund, amount=Decimal("100.00"), by=auditor, note="追加"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied, match="审计员只能查阅"):
            attempt()
    after = (AidPlan.objects.count(), FundEntry.objects.count(), Disbursement.objects.count(),
             AuditEvent.objects.count())
    assert after == before
    assert AidPlan.objects.get(pk=proposed.pk).status == PlanStatus.PROPOSED


# -- funds and budgets -----------------------------------------------------------------------


def test_an_org_admin_above_allocates_budget_and_it_is_journalled(people, fund):
    entry = allocate_budget(fund=fund, amount="2500.50", by=people["admin"], note="市总工会追加拨款")
    assert entry.amount == Decimal("2500.50") and entry.recorded_by == people["admin"]
    assert fund.balance() == Decimal("12500.50") == fund_summary(fund).budget
    event = AuditEvent.objects.get(name="allocate_budget")
    assert event.subject_type == "cases.fund" and event.subject_id == str(fund.pk)
    assert event.actor_label == "bj_admin" and event.data["entry"]["pk"] == entry.pk
    assert event.data["amount"] == "2500.50"


@pytest.mark.parametrize("amount", ["0", "-10.00", None])
def test_only_positive_budget_is_allocated(people, fund, amount):
    with pytest.raises(ValidationError) as refused:
        allocate_budget(fund=fund, amount=amount, by=people["reviewer"], note="追加")
    assert "amount" in refused.value.message_dict
    assert fund.balance() == Decimal("10000.00")


def test_a_caseworker_or_another_district_cannot_allocate(orgs, people, fund, make_user):
    cy_reviewer = make_user("cy_reviewer", orgs["cy"], Role.REVIEWER)
    for user in (people["caseworker"], cy_reviewer):
        with pytest.raises(PermissionDenied):
            allocate_budget(fund=fund, amount="100.00", by=user, note="追加")
    assert fund.balance() == Decimal("10000.00")
    assert not AuditEvent.objects.filter(name="allocate_budget").exists()


def test_a_fund_is_opened_with_its_budget_once_per_organisation_year_and_type(orgs, people):
    fund = open_fund(organisation=orgs["hd"], year=YEAR, aid_type="schooling", name="海淀助学资金",
                     budget=Decimal("50000.00"), by=people["reviewer"])
    assert fund_summary(fund).budget == Decimal("50000.00") == fund.balance()
    assert list(AuditEvent.objects.filter(subject_type="cases.fund").values_list("name", flat=True)
                .order_by("seq")) == ["open_fund", "allocate_budget"]
    with pytest.raises(ValidationError):
        open_fund(organisation=orgs["hd"], year=YEAR, aid_type="schooling", name="重复", budget=0,
                  by=people["reviewer"])
    with pytest.raises(PermissionDenied):
        open_fund(organisation=orgs["hd"], year=YEAR, aid_type="medical", name="医疗", budget=0,
                  by=people["caseworker"])


def test_receipts_are_numbered_per_paying_organisation_and_year(orgs, people, household, fund, make_user):
    file = file_in_state(household, prepared_by=people["caseworker"], proposed_aid_amount=Decimal("9000.00"))
    medical = fund_with_budget(orgs["hd"], aid_type="medical", year=YEAR)
    city = fund_with_budget(orgs["bj"], aid_type="schooling", year=YEAR)
    # The city's fund is paid by the city's caseworker (a fund in their reach), never by the district's.
    city_caseworker = make_user("bj_caseworker", orgs["bj"], Role.HARDSHIP_CASEWORKER)
    receipts = []
    for source in (fund, medical, city, fund):
        plan = approved_plan(file, people, source, "500.00", aid_type=source.aid_type)
        payer = city_caseworker if source == city else people["caseworker"]
        receipts.append(Disbursement.objects.get(
            pk=pay(file, payer, plan, "500.00").event.data["created"]["pk"]).receipt_number)
    assert receipts == [f"BJ-HD-LK-{YEAR}-000001", f"BJ-HD-LK-{YEAR}-000002", f"BJ-LK-{YEAR}-000001",
                        f"BJ-HD-LK-{YEAR}-000003"]
    assert all(re.fullmatch(r"[A-Z0-9-]+-LK-\d{4}-\d{6}", number) for number in receipts)


# -- the admin: the ledger is read, budgets go through the service --------------------------


@pytest.fixture
def root_client(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


NO_LEDGER_ROWS_POSTED = {"entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0",
                         "entries-MIN_NUM_FORMS": "0", "entries-MAX_NUM_FORMS": "1000"}


def test_the_ledger_cannot_be_added_to_changed_or_deleted_in_the_admin(root_client, fund):
    entry = FundEntry.objects.get(fund=fund)
    assert root_client.get(reverse("admin:cases_fundentry_add")).status_code == 403
    change = root_client.get(reverse("admin:cases_fundentry_change", args=[entry.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert root_client.post(reverse("admin:cases_fundentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert FundEntry.objects.filter(fund=fund).get().amount == Decimal("10000.00")


def test_budget_is_allocated_in_the_admin_through_the_service(root_client, fund):
    url = reverse("admin:cases_fund_change", args=[fund.pk])
    page = root_client.get(url)
    assert page.status_code == 200 and "余额¥10,000.00".encode() in page.content
    entries = {"entries-TOTAL_FORMS": "1", "entries-INITIAL_FORMS": "1", "entries-MIN_NUM_FORMS": "0",
               "entries-MAX_NUM_FORMS": "1000", "entries-0-id": str(FundEntry.objects.get(fund=fund).pk),
               "entries-0-fund": str(fund.pk)}
    refused = root_client.post(url, {"allocation": "500.00", "allocation_note": "", **entries})
    assert refused.status_code == 200 and "请填写摘要".encode() in refused.content
    assert fund.balance() == Decimal("10000.00")
    saved = root_client.post(url, {"allocation": "500.00", "allocation_note": "区财政追加", **entries})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert fund.balance() == Decimal("10500.00")
    event = AuditEvent.objects.get(name="allocate_budget")
    assert event.actor_label == "root" and event.reason == "区财政追加"


def test_a_fund_opened_in_the_admin_is_opened_by_the_service(root_client, orgs):
    response = root_client.post(reverse("admin:cases_fund_add"), {
        "organisation": orgs["hd"].pk, "year": YEAR, "aid_type": "medical", "name": "海淀医疗救助资金",
        "allocation": "20000.00", **NO_LEDGER_ROWS_POSTED})
    assert response.status_code == 302, response.content.decode()[:2000]
    fund = Fund.objects.get(name="海淀医疗救助资金")
    assert fund_summary(fund).budget == Decimal("20000.00")
    assert set(AuditEvent.objects.filter(subject_id=str(fund.pk)).values_list("name", flat=True)) == {
        "open_fund", "allocate_budget"}


def test_staff_without_a_fund_role_cannot_allocate_in_the_admin(client, people, fund):
    caseworker = people["caseworker"]
    caseworker.is_staff = True
    caseworker.save()
    caseworker.user_permissions.add(*Permission.objects.filter(codename__in=["view_fund", "change_fund"]))
    client.force_login(caseworker)
    entries = {"entries-TOTAL_FORMS": "1", "entries-INITIAL_FORMS": "1", "entries-MIN_NUM_FORMS": "0",
               "entries-MAX_NUM_FORMS": "1000", "entries-0-id": str(FundEntry.objects.get(fund=fund).pk),
               "entries-0-fund": str(fund.pk)}
    response = client.post(reverse("admin:cases_fund_change", args=[fund.pk]),
                           {"allocation": "500.00", "allocation_note": "追加", **entries})
    assert response.status_code == 200 and "需要：组织管理员、审核人".encode() in response.content
    assert fund.balance() == Decimal("10000.00")


def test_admin_lists_are_scoped_and_names_masked(client, orgs, people, file, fund, make_user):
    cy_fund = fund_with_budget(orgs["cy"], year=YEAR)
    plan = approved_plan(file, people, fund)
    pay(file, people["caseworker"], plan, "300.00")
    staff = make_user("hd_staff", orgs["hd"], Role.REVIEWER, is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_fund", "view_hardshipfile", "view_disbursement", "view_aidplan", "view_fundentry"]))
    client.force_login(staff)
    funds = client.get(reverse("admin:cases_fund_changelist")).content.decode()
    assert fund.name in funds and cy_fund.name not in funds and "¥9,700.00" in funds
    files = client.get(reverse("admin:cases_hardshipfile_changelist"), {"q": file.number}).content.decode()
    assert file.number in files and "王*国" in files and "王建国" not in files
    receipts = client.get(reverse("admin:cases_disbursement_changelist")).content.decode()
    assert f"BJ-HD-LK-{YEAR}-000001" in receipts and "王建国" not in receipts
    assert client.get(reverse("admin:cases_aidplan_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_hardshipfile_change", args=[file.pk])).status_code == 200
    outsider = make_user("cy_staff", orgs["cy"], Role.REVIEWER, is_staff=True)
    outsider.user_permissions.add(*Permission.objects.filter(codename__in=["view_fund", "view_hardshipfile"]))
    client.force_login(outsider)
    assert fund.name not in client.get(reverse("admin:cases_fund_changelist")).content.decode()
    assert client.get(reverse("admin:cases_hardshipfile_change", args=[file.pk])).status_code == 302
