"""案件进度查询 (/public/progress/): case number + identity number + SMS code; the same answer
whatever was typed (no enumeration); the party's own view of the case; opening a notice served
electronically is its service, recorded through the door and starting the clocks that run from
service; nothing of the other party's personal data."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from cases.models import (
    Agreement,
    AuditEvent,
    Deadline,
    Document,
    Instalment,
    MediationSession,
    PhoneCode,
    ServiceRecord,
)
from cases.platform.transitions import apply
from cases.rules import deadlines as clock_rules
from cases.rules.deadlines import DayUnit, LegalClock
from notifications.models import SmsRecord
from tests.consent import consent_recorded
from tests.dispute_cases import SHANGHAI, at, register_case
from tests.public_pages import WORKER_PHONE, sms_code

pytestmark = pytest.mark.django_db

PAGE = "/public/progress/"
CASE_PAGE = "/public/progress/case/"
WORKER_ID = "11010519491231002X"
EMPLOYER_USCC = "91350100M000100Y43"
EMPLOYER_PHONE = "13700001111"


def e_consent(case, by, *, party="worker", address=WORKER_PHONE):
    apply(case, "record_electronic_consent", by=by, data={
        "party": party, "channel": "sms", "address": address, "consent_method": "written",
        "given_on": case.received_on, "given_by": "王秀英" if party == "worker" else "孙丽（人事经理）"})


@pytest.fixture
def registered(orgs, people):
    """王秀英's wage claim received on Monday 2026-11-02; she consented to SMS service at her mobile."""
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people)
        e_consent(case, people["mediator"])
    return case


@pytest.fixture
def accepted(registered, people, django_capture_on_commit_callbacks):
    with freeze_time(at("2026-11-03")):
        consent_recorded(registered, people["mediator"])
        with django_capture_on_commit_callbacks(execute=True):
            apply(registered, "accept", by=people["mediator"])
    registered.refresh_from_db()
    return registered


def look_up(client, number, identity):
    return client.post(PAGE, {"step": "lookup", "number": number, "identity": identity})


def signed_in(client, case, identity=WORKER_ID, phone=WORKER_PHONE):
    assert look_up(client, case.number, identity).status_code == 302
    response = client.post(PAGE, {"step": "confirm_code", "code": sms_code(phone)})
    assert response["Location"] == CASE_PAGE
    return client


def notice(case, party="worker"):
    return Document.objects.get(kind="acceptance_notice", variant=party, subject_id=str(case.pk))


def test_the_page_asks_for_the_number_and_the_identity(client, registered):
    html = client.get(f"{PAGE}?case={registered.number}").content.decode()
    assert 'id="lookup-form"' in html and f'value="{registered.number}"' in html and "登录" not in html


@pytest.mark.parametrize("number, identity", [("BJ-HD-ZGC-2026-9999", WORKER_ID), (None, "110105194912310038"),
                                              (None, WORKER_ID)])
def test_every_lookup_answers_alike_and_only_a_match_gets_a_code(client, registered, number, identity):
    response = look_up(client, number or registered.number, identity)
    assert (response.status_code, response["Location"]) == (302, PAGE)
    page = client.get(PAGE).content.decode()
    assert "如果案件编号和证件号码无误，验证码已发送到该案件登记的手机号码" in page and 'id="confirm-code"' in page
    matched = number is None and identity == WORKER_ID
    assert SmsRecord.objects.to_phone(WORKER_PHONE).exists() == matched
    assert PhoneCode.objects.count() == 1  # an unmatched lookup is kept too: it counts against the address
    wrong = client.post(PAGE, {"step": "confirm_code", "code": "000000"}).content.decode()
    assert "验证码不正确，还可以再试4次" in wrong  # and fails with the same words


def test_too_many_lookups_from_one_address_are_refused(client, registered, settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "PUBLIC_CODES_PER_CLIENT_HOUR": 2}
    look_up(client, "BJ-HD-ZGC-2026-0500", WORKER_ID)
    look_up(client, "BJ-HD-ZGC-2026-0501", WORKER_ID)
    response = look_up(client, registered.number, WORKER_ID)
    assert response.status_code == 429 and "请一小时后再试" in response.content.decode()
    assert not SmsRecord.objects.exists()


def test_a_second_lookup_within_the_minute_carries_on_with_the_first_code(client, registered):
    look_up(client, registered.number, WORKER_ID)
    first = sms_code(WORKER_PHONE)
    look_up(client, registered.number, WORKER_ID.lower())
    assert SmsRecord.objects.to_phone(WORKER_PHONE).count() == 1
    assert client.post(PAGE, {"step": "confirm_code", "code": first})["Location"] == CASE_PAGE


def test_the_case_page_needs_the_code(client, registered):
    assert client.get(CASE_PAGE)["Location"] == PAGE
    look_up(client, registered.number, WORKER_ID)
    assert client.get(CASE_PAGE)["Location"] == PAGE  # a code sent is not a code typed


def test_a_registered_case_shows_its_stage_and_the_day_of_the_decision(client, registered):
    with freeze_time(at("2026-11-02", 15)):
        html = signed_in(client, registered).get(CASE_PAGE).content.decode()
    assert "已收到申请，正在审查" in html and "将在2026年11月5日前决定是否受理" in html
    assert 'aria-current="step">提交申请<' in html and "暂时没有送达给您的文书" in html


def test_an_accepted_case_shows_its_notice_and_opening_it_serves_it(client, accepted, people):
    with freeze_time(at("2026-11-04", 9)):
        html = signed_in(client, accepted).get(CASE_PAGE).content.decode()
        assert '<p class="pub-stage" id="case-stage">已受理</p>' in html
        assert "受理通知书" in html and "尚未打开：打开即送达" in html
        response = client.get(f"/public/progress/case/documents/{notice(accepted).pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    record = ServiceRecord.objects.get(document=notice(accepted), party="worker")
    assert (record.method, record.served_on, record.electronic_address, record.recipient) == (
        "electronic", date(2026, 11, 4), WORKER_PHONE, "王秀英")
    assert record.electronic_consent is not None and record.recorded_by is None
    event = AuditEvent.objects.get(name="record_service", subject_id=str(accepted.pk))
    assert event.actor_label == "system:public_progress"
    assert AuditEvent.objects.filter(name="download_document", actor_label="system:public_progress").count() == 1
    with freeze_time(at("2026-11-04", 9) + timedelta(minutes=20)):  # opened again, within the half hour
        client.get(f"/public/progress/case/documents/{notice(accepted).pk}/")
        html = client.get(CASE_PAGE).content.decode()
    assert ServiceRecord.objects.filter(document=notice(accepted)).count() == 1  # served once, on the first opening
    assert "已送达（电子送达，2026年11月4日）" in html
    assert AuditEvent.objects.filter(name="download_document", actor_label="system:public_progress").count() == 2


def test_a_notice_whose_file_is_missing_is_not_served_by_a_failed_opening(client, accepted):
    document = notice(accepted)
    document.file.storage.delete(document.file.name)
    with freeze_time(at("2026-11-04", 9)):
        response = signed_in(client, accepted).get(f"/public/progress/case/documents/{document.pk}/")
    assert response.status_code == 404
    assert not ServiceRecord.objects.filter(document=document).exists()
    assert not AuditEvent.objects.filter(name="download_document", subject_id=str(document.pk)).exists()


@pytest.fixture
def service_clock(monkeypatch):
    """A clock that runs from the worker's service of her acceptance notice (no period of this
    domain does: cases/rules/deadlines.py), declared for this test only."""
    rule = LegalClock(code="test.after_worker_service", name="送达后十日（测试）", unit=DayUnit.CALENDAR, length=10,
                      citation="测试用期限", runs_from_service_of="acceptance_notice", service_to="worker",
                      statutory=False)
    monkeypatch.setitem(clock_rules.CLOCKS, rule.code, rule)
    return rule


def test_opening_the_notice_starts_the_clocks_that_run_from_its_service(client, accepted, service_clock):
    assert not Deadline.objects.for_subject(accepted).filter(clock=service_clock.code).exists()
    with freeze_time(at("2026-11-04", 9)):
        signed_in(client, accepted).get(f"/public/progress/case/documents/{notice(accepted).pk}/")
    clock = Deadline.objects.for_subject(accepted).get(clock=service_clock.code)
    # Ten days from Wednesday 11-04 end on Saturday 11-14, a rest day: the period ends on Monday 11-16.
    assert (clock.starts_on, clock.due_on, clock.state) == (date(2026, 11, 4), date(2026, 11, 16), "open")


def test_without_consent_a_notice_is_listed_but_not_opened_here(client, orgs, people,
                                                                django_capture_on_commit_callbacks):
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people)
        case.worker.phone = WORKER_PHONE
        case.worker.save(update_fields=["phone"])
        consent_recorded(case, people["mediator"])
        with django_capture_on_commit_callbacks(execute=True):
            apply(case, "accept", by=people["mediator"])
        html = signed_in(client, case).get(CASE_PAGE).content.decode()
        assert "调解组织将当面交给您或邮寄给您" in html
        assert f"/public/progress/case/documents/{notice(case).pk}/" not in html
        assert client.get(f"/public/progress/case/documents/{notice(case).pk}/").status_code == 404
    assert not ServiceRecord.objects.exists()


def test_the_other_partys_notice_and_personal_data_stay_hidden(client, accepted, people):
    accepted.employer.contact_phone = EMPLOYER_PHONE
    accepted.employer.save(update_fields=["contact_phone"])
    with freeze_time(at("2026-11-04", 9)):
        html = signed_in(client, accepted).get(CASE_PAGE).content.decode()
        assert client.get(f"/public/progress/case/documents/{notice(accepted, 'employer').pk}/").status_code == 404
    assert "北京某科技有限公司" in html  # the other party by name, as the notices name it
    for private in (EMPLOYER_USCC, EMPLOYER_PHONE, WORKER_ID, WORKER_PHONE):
        assert private not in html
    assert f"/cases/{accepted.pk}/" not in html


def test_the_employer_follows_the_case_with_its_credit_code(client, accepted, people):
    with freeze_time(at("2026-11-03", 11)):
        e_consent(accepted, people["mediator"], party="employer", address=EMPLOYER_PHONE)
    with freeze_time(at("2026-11-04", 9)):
        html = signed_in(client, accepted, EMPLOYER_USCC, EMPLOYER_PHONE).get(CASE_PAGE).content.decode()
        assert f"/public/progress/case/documents/{notice(accepted, 'employer').pk}/" in html
        assert f"/public/progress/case/documents/{notice(accepted, 'worker').pk}/" not in html
        client.get(f"/public/progress/case/documents/{notice(accepted, 'employer').pk}/")
    assert ServiceRecord.objects.get().party == "employer"


def test_sessions_and_instalments_are_shown(client, accepted, people):
    with freeze_time(at("2026-11-04", 9)):
        MediationSession.objects.create(case=accepted, number=1, starts_at=datetime(2026, 11, 6, 14, tzinfo=SHANGHAI),
                                        place="中关村街道调解室", mediator=people["mediator"], to_bring="劳动合同、工资条")
        agreement = Agreement.objects.create(case=accepted, terms="分两期支付。")
        Instalment.objects.create(agreement=agreement, number=1, due_on=date(2026, 11, 30), amount=Decimal("8000.00"))
        html = signed_in(client, accepted).get(CASE_PAGE).content.decode()
    assert "第1次调解定于2026年11月6日 14:00在中关村街道调解室进行" in html
    assert "第1次调解：2026年11月6日 14:00，中关村街道调解室" in html and "劳动合同、工资条" in html
    assert "第1期：2026年11月30日前支付 ¥8,000.00" in html and "未付 ¥8,000.00" in html


def test_the_view_ends_thirty_minutes_after_the_code(client, registered):
    start = timezone.now()
    with freeze_time(start):
        signed_in(client, registered)
    with freeze_time(start + timedelta(minutes=31)):
        assert client.get(CASE_PAGE)["Location"] == PAGE


def test_leaving_ends_the_view(client, registered):
    signed_in(client, registered)
    client.post("/public/progress/leave/")
    assert client.get(CASE_PAGE)["Location"] == PAGE
    assert re.search(r'id="confirm-code"', client.get(PAGE).content.decode()) is None


def test_no_copy_is_kept_and_the_session_key_changes_with_the_code(client, accepted):
    look_up(client, accepted.number, WORKER_ID)
    before = client.session.session_key
    client.post(PAGE, {"step": "confirm_code", "code": sms_code(WORKER_PHONE)})
    assert client.session.session_key != before
    for url in (CASE_PAGE, f"/public/progress/case/documents/{notice(accepted).pk}/", PAGE):
        assert "no-store" in client.get(url)["Cache-Control"]
