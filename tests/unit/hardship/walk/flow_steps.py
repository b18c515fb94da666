"""A hardship file driven through its flow up to publicity, on a day of the test's choosing."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from cases.hardship.identification import open_hardship_file
from cases.models import Membership, Role
from cases.models.hardship.states import IdentificationSource
from tests.hardship_fixtures import household_in_hardship, second_visitor
from workflows.dispute.flow import claim_task, complete_task
from workflows.hardship.flow import HardshipFlow, start_hardship_flow

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHECKLIST = {key: True for key in ("identity_checked", "members_confirmed", "income_confirmed",
                                   "expenses_confirmed", "housing_observed", "neighbours_consulted")}


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, second=second, tzinfo=SHANGHAI)


def staff_of(orgs, people, make_user) -> dict:
    """The Haidian caseworker (who holds the reviewer role too: never approves what they prepared)
    and two reviewers."""
    Membership.objects.create(user=people["caseworker"], organisation=orgs["hd"], role=Role.REVIEWER)
    return {"caseworker": people["caseworker"], "reviewer": people["reviewer"],
            "reviewer2": make_user("hd_reviewer2", orgs["hd"], Role.REVIEWER)}


def open_task(file, name):
    file.refresh_from_db()
    return file.process.task_set.get(flow_task=getattr(HardshipFlow, name), finished__isnull=True)


def open_task_names(file) -> list[str]:
    return sorted(task.flow_task.name for task in file.process.task_set.filter(finished__isnull=True))


def do(file, name, person, transition, reason="", **data):
    task = open_task(file, name)
    if task.owner_id is None:
        claim_task(task, person)
        task.refresh_from_db()
    complete_task(task, by=person, transition=transition, reason=reason, data=data)
    file.refresh_from_db()
    return file


def identify_until_publicity(orgs, staff, *, publicity_on: str = "2026-03-03", proposed=Decimal("3000.00")):
    """Application to democratic review on the morning of `publicity_on`, publicity at ten."""
    worker = staff["caseworker"]
    with freeze_time(at(publicity_on, 9)):
        household = household_in_hardship(orgs["hd"])
        file = open_hardship_file(household=household, by=worker, source=IdentificationSource.APPLICATION, year=2025)
        start_hardship_flow(file, by=worker)
        do(file, "take_application", worker, "take_application", application_reason="本人大病，配偶失业，子女在读。")
        do(file, "home_visit", worker, "record_home_visit", visited_on=date(2026, 3, 2),
           authorisation_signed_on=date(2026, 3, 2), sensitive_consent_signed_on=date(2026, 3, 2),
           second_visitor=second_visitor(orgs["hd"]), findings="家中陈设简陋，医疗票据齐全。", checklist=CHECKLIST)
        do(file, "civil_check", worker, "record_civil_check", result="consistent", note="民政低保在册。")
        do(file, "democratic_review", worker, "record_democratic_review", held_on=date(2026, 3, 2),
           participants="工会主席、职工代表5人", votes_for=6, votes_against=0, votes_abstain=1,
           opinion="同意认定为深度困难职工。", proposed_aid_amount=proposed)
    with freeze_time(at(publicity_on, 10)):
        do(file, "publicise", worker, "start_publicity", place="单位公告栏")
    return file
