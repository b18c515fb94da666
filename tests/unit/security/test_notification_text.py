"""Issue 17, point 8: a notification is stored as the plain text it is — SMS and email to the
parties carry a name like “A&B<北京>科技有限公司” as typed, never `&lt;` or `&amp;` — and the
pages that show it as HTML escape it there."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Channel
from cases.rules.claims import ClaimType
from notifications.models import Delivery, Notification, SmsRecord
from tests.consent import consent_recorded_in_task
from workflows.dispute.flow import DisputeFlow, claim_task, complete_task, open_dispute

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKER, EMPLOYER, CONTACT = "王<小>&明", "A&B<北京>科技有限公司", "孙&丽"
WORKER_PHONE, EMPLOYER_PHONE = "13800138000", "010-62345678"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


@pytest.fixture
def accepted(orgs, people, django_capture_on_commit_callbacks):
    """A case of WORKER against EMPLOYER, accepted: the acceptance goes to both parties."""
    lead = people["lead"]
    with freeze_time(at("2026-11-02", 9)), django_capture_on_commit_callbacks(execute=True):
        case = open_dispute(
            organisation=orgs["hd_street"], by=lead, channel=Channel.WALK_IN_WRITTEN,
            received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9), facts="拖欠工资。",
            worker=WorkerInput(name=WORKER, phone=WORKER_PHONE, email="wang@example.com"),
            employer=EmployerInput(name=EMPLOYER, contact_name=CONTACT, contact_phone=EMPLOYER_PHONE),
            claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal("100.00"))],
        ).case
    with freeze_time(at("2026-11-03")), django_capture_on_commit_callbacks(execute=True):
        task = case.process.task_set.get(flow_task=DisputeFlow.decide_acceptance, finished__isnull=True)
        claim_task(task, lead)
        consent_recorded_in_task(task, lead)
        complete_task(task, by=lead, transition="accept")
    case.refresh_from_db()
    return case


def test_point_8_sms_and_email_to_the_parties_carry_the_names_as_typed(accepted):
    sentence = f"{WORKER}与{EMPLOYER}的劳动争议调解申请"
    [to_worker] = SmsRecord.objects.to_phone(WORKER_PHONE).values_list("text", flat=True)
    [to_employer] = SmsRecord.objects.to_phone(EMPLOYER_PHONE).values_list("text", flat=True)
    assert f"{WORKER}：" in to_worker and sentence in to_worker
    assert f"{CONTACT}：" in to_employer and sentence in to_employer
    [email] = mail.outbox
    assert sentence in email.body and f"{WORKER}：" in email.body
    for text in (to_worker, to_employer, email.body):
        assert "&lt;" not in text and "&amp;" not in text and "&gt;" not in text
    for body in Delivery.objects.filter(kind="case_accepted").values_list("body", flat=True):
        assert sentence in body and "&amp;" not in body


def test_point_8_the_inbox_shows_the_stored_text_escaped_once(client, accepted, people):
    notice = Notification.objects.get(kind="case_accepted", recipient=people["lead"])
    assert f"{WORKER}与{EMPLOYER}" in notice.body  # stored raw

    client.force_login(people["lead"])
    page = client.get("/notifications/").content.decode()

    assert "王&lt;小&gt;&amp;明与A&amp;B&lt;北京&gt;科技有限公司" in page
    assert EMPLOYER not in page and "&amp;lt;" not in page and "&amp;amp;" not in page
