"""Money and the file's end, as the walk found them:

- a receipt from a fund owned by another organisation (the city's) is headed and sealed by that
  organisation, whose series numbers it;
- one rule says which funds a user works with: the fund list, the fund's page and paying from it;
- approving a plan above its fund's available balance is warned about, with both amounts, before
  the approval (and allowed: the payment is what may never overdraw the fund);
- an exited file has no next review date, and re-entry is offered only until it was taken."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time
from pypdf import PdfReader

from cases.hardship import aid
from cases.models import AidPlan, Disbursement, Document, HardshipFile, HardshipStatus, PlanStatus, Role
from cases.platform.deadlines import apply_trigger
from cases.platform.transitions import apply
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.unit.hardship.walk.flow_steps import at

pytestmark = pytest.mark.django_db

H = HardshipStatus
FILES, FUNDS = "/hardship/files/", "/hardship/funds/"


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def file(orgs, people):
    return file_in_state(household_in_hardship(orgs["hd"]), prepared_by=people["caseworker"],
                         proposed_aid_amount=Decimal("3000.00"))


@pytest.fixture
def city_caseworker(orgs, make_user):
    return make_user("bj_caseworker", orgs["bj"], Role.HARDSHIP_CASEWORKER)


def approved_plan(file, people, fund, amount, today) -> AidPlan:
    outcome = apply(file, "propose_aid_plan", by=people["caseworker"], data={
        "aid_type": fund.aid_type, "fund": fund, "amount": amount, "instalments": 1,
        "first_payment_on": today, "purpose": "生活救助"})
    plan = AidPlan.objects.get(pk=outcome.event.data["created"]["pk"])
    apply(file, "approve_aid_plan", by=people["reviewer"], data={"plan": plan})
    plan.refresh_from_db()
    return plan


def pay(file, by, plan, amount, today):
    return apply(file, "disburse", by=by, data={"plan": plan, "amount": amount, "paid_on": today, "recipient": "王建国"})


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pages))


# -- the receipt of another organisation's fund ------------------------------------------------

def test_a_receipt_from_the_citys_fund_is_headed_and_sealed_by_the_city(
        orgs, people, file, city_caseworker, today, django_capture_on_commit_callbacks):
    city_fund = fund_with_budget(orgs["bj"], year=today.year, budget=Decimal("5000.00"))
    plan = approved_plan(file, people, city_fund, "800.00", today)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = pay(file, city_caseworker, plan, "800.00", today)
    payment = Disbursement.objects.get(pk=outcome.event.data["created"]["pk"])
    assert payment.receipt_number == f"BJ-LK-{today.year}-000001"  # the city's series

    receipt = Document.objects.get(transition_event=outcome.event, kind="aid_receipt")
    text = pdf_text(receipt)
    assert text.startswith("北京市总工会帮扶资金领款凭证")  # headed by the fund's organisation
    assert "北京市总工会（印章）" in text and "海淀区总工会" not in text
    assert receipt.organisation == orgs["hd"]  # still the file's document, downloaded from its page


# -- one rule for the fund list, the fund's page and paying -------------------------------------

@pytest.mark.parametrize("who, fund_of, reaches", [
    ("caseworker", "hd", True),     # the district's own fund
    ("caseworker", "bj", False),    # the city's fund: not the district caseworker's
    ("city", "bj", True),           # the city's caseworker: the city's fund ...
    ("city", "hd", True),           # ... and every fund below it
    ("cy", "hd", False),            # another district's
])
def test_the_fund_list_the_funds_page_and_paying_from_it_are_one_rule(
        client, orgs, people, file, city_caseworker, make_user, today, who, fund_of, reaches):
    payer = {"caseworker": people["caseworker"], "city": city_caseworker,
             "cy": make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)}[who]
    fund = fund_with_budget(orgs[fund_of], year=today.year, budget=Decimal("5000.00"))
    plan = approved_plan(file, people, fund, "300.00", today)

    client.force_login(payer)
    listed = fund.name in client.get(FUNDS).content.decode()
    page = client.get(f"{FUNDS}{fund.pk}/").status_code
    try:
        pay(file, payer, plan, "300.00", today)
        paid = True
    except PermissionDenied as refusal:
        paid = False
        if who == "caseworker":  # on their own file: told whose fund it is and who pays from it
            assert "北京市总工会的资金，不在您的帮扶资金范围内" in str(refusal)
    assert (listed, page == 200, paid) == (reaches, reaches, reaches)
    assert page in (200, 404)


def test_the_file_page_offers_payment_only_from_funds_in_reach(client, orgs, people, file, city_caseworker, today):
    city_plan = approved_plan(file, people, fund_with_budget(orgs["bj"], year=today.year), "300.00", today)
    client.force_login(people["caseworker"])
    page = client.get(f"{FILES}{file.pk}/?tab=aid")
    assert "disburse" not in [row["name"] for row in page.context["actions"]]
    assert "北京市总工会的资金，由北京市总工会的帮扶工作人员发放" in page.content.decode()

    own_plan = approved_plan(file, people, fund_with_budget(orgs["hd"], year=today.year), "200.00", today)
    page = client.get(f"{FILES}{file.pk}/")
    form = next(row["form"] for row in page.context["actions"] if row["name"] == "disburse")
    assert list(form.fields["plan"].queryset) == [own_plan]
    assert "北京市总工会" in form.fields["plan"].help_text and city_plan.pk != own_plan.pk


# -- approving above the available balance ------------------------------------------------------

def test_approving_a_plan_above_the_available_balance_is_warned_before_and_then_allowed(
        client, orgs, people, file, today):
    fund = fund_with_budget(orgs["hd"], year=today.year, budget=Decimal("1000.00"))
    promised = approved_plan(file, people, fund, "600.00", today)  # promised, not yet paid
    client.force_login(people["caseworker"])
    client.post(f"{FILES}{file.pk}/actions/propose_aid_plan/", {
        "propose_aid_plan-aid_type": "living", "propose_aid_plan-fund": str(fund.pk),
        "propose_aid_plan-amount": "500.00", "propose_aid_plan-instalments": "1",
        "propose_aid_plan-first_payment_on": today.isoformat(), "propose_aid_plan-purpose": "医疗后生活救助"})
    plan = AidPlan.objects.get(file=file, status=PlanStatus.PROPOSED)

    client.force_login(people["reviewer"])
    body = client.get(f"{FILES}{file.pk}/").content.decode()
    warning = (f"本计划金额¥500.00超过“{fund}”的可用余额¥400.00（余额¥1,000.00，已批准尚未发放¥600.00）")
    approval_form = re.search(rf'<form[^>]*id="action-approve_aid_plan-{plan.pk}".*?</form>', body, re.S).group(0)
    assert f'id="shortfall-{plan.pk}"' in approval_form and warning in approval_form  # above its button

    response = client.post(f"{FILES}{file.pk}/actions/approve_aid_plan/", {"approve_aid_plan-plan": str(plan.pk)},
                           follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED  # warned, not refused
    assert "可用余额不足，尚差¥100.00" in response.content.decode()
    pay(file, people["caseworker"], promised, "600.00", today)
    with pytest.raises(ValidationError, match="资金不能透支"):  # paying is where the fund is protected
        pay(file, people["caseworker"], plan, "500.00", today)


def test_a_plan_within_the_available_balance_is_approved_without_a_warning(client, orgs, people, file, today):
    fund = fund_with_budget(orgs["hd"], year=today.year, budget=Decimal("1000.00"))
    outcome = apply(file, "propose_aid_plan", by=people["caseworker"], data={
        "aid_type": "living", "fund": fund, "amount": "1000.00", "instalments": 1, "first_payment_on": today,
        "purpose": "生活救助"})
    plan = AidPlan.objects.get(pk=outcome.event.data["created"]["pk"])
    assert aid.shortfall_warning(plan) == ""
    client.force_login(people["reviewer"])
    assert f'id="shortfall-{plan.pk}"' not in client.get(f"{FILES}{file.pk}/").content.decode()


# -- an exited file -----------------------------------------------------------------------------

def test_an_exited_file_shows_no_next_review_date(client, orgs, people):
    household = household_in_hardship(orgs["hd"])
    file = file_in_state(household, H.EXIT_PUBLICITY, prepared_by=people["caseworker"],
                         next_review_due=date(2027, 3, 12), exit_reason="retired",
                         exit_publicity_started_on=date(2026, 6, 2))
    apply_trigger(file, "begin_exit", organisation=file.organisation, today=date(2026, 6, 2))
    with freeze_time(at("2026-06-15", 9)):
        apply(file, "exit_file", by=people["caseworker"])
    file.refresh_from_db()
    assert file.status == H.EXITED and file.next_review_due is None and file.review_due_on is None

    legacy = file_in_state(household_in_hardship(orgs["hd"], name="李秀兰", resident_id="110105198003030028"),
                           H.EXITED, prepared_by=people["caseworker"], next_review_due=date(2027, 3, 12),
                           exited_on=date(2026, 6, 15))  # exited before the date was cleared at exit
    client.force_login(people["caseworker"])
    body = client.get(f"{FILES}{legacy.pk}/").content.decode()
    assert '<dd id="next-review">—</dd>' in body and "2027年3月12日" not in body
    assert "2027年3月12日" not in client.get(FILES).content.decode()


def test_re_entry_is_offered_until_it_is_taken(client, orgs, people):
    exited = file_in_state(household_in_hardship(orgs["hd"]), H.EXITED, prepared_by=people["caseworker"],
                           exited_on=date(2026, 6, 15))
    client.force_login(people["caseworker"])
    assert 'id="action-re_enter"' in client.get(f"{FILES}{exited.pk}/").content.decode()

    response = client.post(f"{FILES}{exited.pk}/actions/re_enter/", {"re_enter-reason": "配偶突发重病。"})
    assert response.status_code == 302
    new_file = HardshipFile.objects.get(previous_file=exited)
    assert new_file.status == H.IDENTIFIED

    body = client.get(f"{FILES}{exited.pk}/").content.decode()
    assert 'id="action-re_enter"' not in body and "重新纳入帮扶后的档案" in body
    with pytest.raises(ValidationError, match="该家庭已重新纳入帮扶"):
        apply(exited, "re_enter", by=people["caseworker"], reason="再次申请。")
    # Nor after the re-entry ended not identified: the household applies afresh.
    apply(new_file, "reject", by=people["caseworker"], reason="经核实家庭收入已超过标准。")
    assert 'id="action-re_enter"' not in client.get(f"{FILES}{exited.pk}/").content.decode()
