"""The case pages: registration (登记申请), the case page with its tabs and actions, downloads, search."""

import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import AuditAction, AuditEvent, DisputeCase, DisputeStatus, Document
from cases.platform.transitions import available_transitions
from tests.consent import consent_recorded
from tests.dispute_cases import SIGNED_SCAN, at
from tests.identifiers import resident_id, uscc
from tests.unit.disputes.test_non_performance import effective_2026_10_20  # noqa: F401  (a fixture)
from workflows.dispute.flow import DisputeFlow
from workflows.dispute.pages import download_name, flow_step_transitions
from workflows.models import DisputeProcess

pytestmark = pytest.mark.django_db

REGISTER = "/cases/register/"
SEARCH = "/cases/search/"




def application(orgs, **changes) -> dict:
    now = timezone.localtime()
    data = {
        "channel": "walk_in_written", "organisation": str(orgs["hd_street"].pk),
        "received_on": now.date().isoformat(), "received_at": (now - timedelta(minutes=5)).strftime("%H:%M"),
        "employment_start": "2024-03-01", "employment_end": "", "infringement_known_on": "",
        "facts": "公司拖欠三个月工资未发。",
        "worker-name": "张三", "worker-resident_id": resident_id(), "worker-phone": "13800138000",
        "worker-address": "北京市海淀区中关村大街1号",
        "employer-name": "北京某科技有限公司", "employer-uscc": uscc(), "employer-address": "北京市海淀区",
        "employer-legal_representative": "李四", "employer-contact_name": "王五", "employer-contact_phone": "010-62345678",
        "claims-TOTAL_FORMS": "2", "claims-INITIAL_FORMS": "0", "claims-MIN_NUM_FORMS": "0", "claims-MAX_NUM_FORMS": "1000",
        "claims-0-claim_type": "wage_arrears", "claims-0-description": "2026年8月至10月工资",
        "claims-0-amount_claimed": "23196.00",
        "claims-1-claim_type": "", "claims-1-description": "", "claims-1-amount_claimed": "",
    }
    data.update(changes)
    if now.hour == 0 and now.minute < 5:  # just after midnight the time five minutes ago is yesterday's
        data["received_at"] = "00:00"
    return data


def register(client, user, orgs, **changes):
    client.force_login(user)
    return client.post(REGISTER, application(orgs, **changes))


def registered_case(client, user, orgs, **changes) -> DisputeCase:
    response = register(client, user, orgs, **changes)
    assert response.status_code == 302, response.context and response.context["forms"].main.errors
    return DisputeCase.objects.get(pk=int(re.search(r"/cases/(\d+)/$", response["Location"]).group(1)))


def page_text(response) -> str:
    return response.content.decode()


# -- registration -------------------------------------------------------------------------------

def test_a_registration_opens_the_case_and_its_flow_and_goes_to_the_case_page(client, orgs, people):
    response = register(client, people["mediator"], orgs)

    case = DisputeCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:case_detail", args=[case.pk])
    assert case.status == DisputeStatus.REGISTERED
    assert case.organisation == orgs["hd_street"]
    assert case.worker.resident_id == resident_id()
    assert case.claims.get().amount_claimed == 23196
    process = DisputeProcess.objects.get(case=case)
    assert Task.objects.filter(process=process, flow_task_type="HUMAN", status=STATUS.NEW).count() == 1

    page = client.get(response["Location"])
    text = page_text(page)
    assert "已登记" in text
    assert f"已登记案件{case.number}" in text  # the success message
    assert "¥23,196.00" in text
    assert "受理审查期限" in text and "个工作日" in text


def test_errors_are_shown_in_chinese_under_their_fields_and_nothing_typed_is_lost(client, orgs, people):
    bad_id = resident_id()[:17] + ("0" if resident_id()[17] != "0" else "1")
    response = register(
        client, people["mediator"], orgs, **{
            "worker-resident_id": bad_id, "employer-name": "", "employer-uscc": uscc()[:17] + "I",
            "claims-0-amount_claimed": "一万元", "worker-address": "北京市海淀区某某路8号",
        },
    )

    assert response.status_code == 200
    assert not DisputeCase.objects.exists()
    forms = response.context["forms"]
    assert forms.worker.errors["resident_id"] == ["公民身份号码校验码不正确（GB 11643）。"]
    assert forms.employer.errors["name"] == ["请填写用人单位名称。"]
    assert forms.claims.forms[0].errors["amount_claimed"] == [
        "请求金额“一万元”不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"]
    text = page_text(response)
    assert "公民身份号码校验码不正确（GB 11643）。" in text
    assert f'value="{bad_id}"' in text
    assert 'value="北京市海淀区某某路8号"' in text
    assert 'value="一万元"' in text
    assert "公司拖欠三个月工资未发。" in text


def test_a_claim_error_lands_on_its_own_row_when_an_empty_row_comes_first(client, orgs, people):
    response = register(client, people["mediator"], orgs, **{
        "claims-0-claim_type": "", "claims-0-description": "", "claims-0-amount_claimed": "",
        "claims-1-claim_type": "overtime_pay", "claims-1-amount_claimed": "-5",
    })

    forms = response.context["forms"]
    assert not forms.claims.forms[0].errors
    assert forms.claims.forms[1].errors["amount_claimed"] == ["请求金额不能为负数。"]


def test_an_application_without_claims_is_told_to_add_one(client, orgs, people):
    response = register(client, people["mediator"], orgs, **{
        "claims-0-claim_type": "", "claims-0-description": "", "claims-0-amount_claimed": ""})

    assert "请至少填写一项请求事项。" in page_text(response)
    assert not DisputeCase.objects.exists()


def test_a_time_barred_claim_is_shown_with_its_date_and_needs_confirmation(client, orgs, people):
    known = (timezone.localdate() - timedelta(days=800)).isoformat()
    changes = {"claims-0-claim_type": "economic_compensation", "infringement_known_on": known}

    first = register(client, people["mediator"], orgs, **changes)
    assert first.status_code == 200
    assert not DisputeCase.objects.exists()
    warnings = first.context["review_warnings"]
    assert [w.code for w in warnings] == ["time_barred"]
    limitation_date = first.context["limitation"].limitation_date
    assert f"{limitation_date.year}年{limitation_date.month}月{limitation_date.day}日" in page_text(first)
    assert "我已知悉上述提示，继续登记" in page_text(first)
    digest = first.context["warnings_digest"]

    unticked = client.post(REGISTER, application(orgs, warnings_digest=digest, **changes))
    assert not DisputeCase.objects.exists()
    assert "请阅读下方提示并勾选" in page_text(unticked)

    stale = client.post(REGISTER, application(orgs, warnings_digest="0" * 16, acknowledge_warnings="on", **changes))
    assert stale.status_code == 200 and not DisputeCase.objects.exists()

    confirmed = client.post(REGISTER, application(orgs, warnings_digest=digest, acknowledge_warnings="on", **changes))
    assert confirmed.status_code == 302
    event = AuditEvent.objects.get(name="register")
    assert [w["code"] for w in event.data["warnings_acknowledged"]] == ["time_barred"]


def test_a_possible_duplicate_names_the_open_case_before_saving(client, orgs, people):
    first = registered_case(client, people["mediator"], orgs)

    again = register(client, people["mediator"], orgs)

    assert again.status_code == 200
    assert DisputeCase.objects.count() == 1
    assert [w.code for w in again.context["review_warnings"]] == ["possible_duplicate"]
    assert first.number in page_text(again)


def late_application(orgs, **changes) -> dict:
    """An application received 31 days ago, entered only now: a late entry (补录)."""
    received = timezone.localdate() - timedelta(days=31)
    return {"received_on": received.isoformat(), "received_at": "10:00", **changes}


def test_application_received_over_30_days_ago_needs_a_leads_confirmation_on_the_form(client, orgs, people):
    refused = register(client, people["mediator"], orgs, **late_application(orgs, **{
        "worker-address": "北京市海淀区某某路8号", "late_entry_reason": "试图自行补录"}))

    assert refused.status_code == 200 and not DisputeCase.objects.exists()
    form = refused.context["form"]
    assert "late_entry_reason" not in form.fields  # a mediator is not offered the reason: a lead must confirm
    [message] = form.errors["received_on"]
    assert "距今已31天" in message and "须由调解组长确认，调解员不能单独登记" in message
    text = page_text(refused)
    assert message in text
    assert 'value="北京市海淀区某某路8号"' in text and "公司拖欠三个月工资未发。" in text  # nothing typed is lost

    client.force_login(people["lead"])
    assert "补录原因" in page_text(client.get(REGISTER))
    no_reason = client.post(REGISTER, application(orgs, **late_application(orgs)))
    assert no_reason.status_code == 200 and not DisputeCase.objects.exists()
    assert "属于补录：请填写补录原因" in no_reason.context["form"].errors["late_entry_reason"][0]

    case = registered_case(client, people["lead"], orgs, **late_application(
        orgs, late_entry_reason="申请人上月提交的书面申请漏登，现补录。"))
    assert case.received_on == timezone.localdate() - timedelta(days=31)
    event = AuditEvent.objects.get(name="register", subject_id=str(case.pk))
    assert event.data["late_entry"]["reason"] == "申请人上月提交的书面申请漏登，现补录。"
    assert event.data["late_entry"]["confirmed_by"] == {"id": people["lead"].pk, "label": "hd_lead"}


def test_a_received_date_before_the_law_is_refused_on_the_form(client, orgs, people):
    response = register(client, people["lead"], orgs, received_on="1990-01-01", received_at="10:00",
                        late_entry_reason="补录")

    assert response.status_code == 200 and not DisputeCase.objects.exists()
    [message] = response.context["form"].errors["received_on"]
    assert "早于《劳动争议调解仲裁法》施行之日（2008年5月1日）" in message


def test_a_case_closed_in_the_last_twelve_months_is_named_with_its_status_and_end_date(client, orgs, people):
    first = registered_case(client, people["mediator"], orgs)
    ended = timezone.localdate() - timedelta(days=1)
    DisputeCase.objects.filter(pk=first.pk).update(status=DisputeStatus.CLOSED, ended_on=ended)  # test setup

    again = register(client, people["mediator"], orgs)
    assert again.status_code == 200 and DisputeCase.objects.count() == 1
    text = page_text(again)
    assert f"{first.number}（中关村街道调解中心，已结案，{ended.year}年{ended.month}月{ended.day}日办结）" in text

    confirmed = client.post(REGISTER, application(orgs, warnings_digest=again.context["warnings_digest"],
                                                  acknowledge_warnings="on"))
    assert confirmed.status_code == 302
    second = DisputeCase.objects.exclude(pk=first.pk).get()
    assert list(second.related_cases.all()) == [first]


def test_only_mediators_and_leads_may_register(client, orgs, people):
    client.force_login(people["auditor"])
    assert client.get(REGISTER).status_code == 403
    client.force_login(people["mediator"])
    page = client.get(REGISTER)
    assert page.status_code == 200
    choices = [org.pk for org in page.context["form"].fields["organisation"].queryset]
    assert orgs["hd_street"].pk in choices and orgs["cy_street"].pk not in choices


def test_registering_in_an_organisation_outside_ones_scope_is_refused(client, orgs, people):
    response = register(client, people["mediator"], orgs, organisation=str(orgs["cy_street"].pk))

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == ["所选组织不在您可以登记的范围内，请重新选择。"]
    assert not DisputeCase.objects.exists()


# -- the case page ----------------------------------------------------------------------------------

@pytest.fixture
def oral_case(client, orgs, people, django_capture_on_commit_callbacks):
    """An oral application registered through the page: the oral record is issued on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        case = registered_case(client, people["mediator"], orgs, channel="oral")
    client.logout()
    return case


def test_a_chaoyang_mediator_gets_404_for_a_haidian_case_and_its_documents(client, people, oral_case):
    document = Document.objects.filter(subject_id=str(oral_case.pk)).first()
    assert document is not None
    client.force_login(people["cy_mediator"])

    assert client.get(f"/cases/{oral_case.pk}/").status_code == 404
    assert client.get(f"/cases/{oral_case.pk}/documents/{document.pk}/").status_code == 404
    assert client.post(f"/cases/{oral_case.pk}/actions/withdraw/", {"withdraw-reason": "x"}).status_code == 404
    assert client.get("/cases/999999/").status_code == 404  # a case that does not exist looks the same
    oral_case.refresh_from_db()
    assert oral_case.status == DisputeStatus.REGISTERED


def test_the_header_masks_the_resident_id(client, people, oral_case):
    client.force_login(people["mediator"])
    text = page_text(client.get(f"/cases/{oral_case.pk}/"))

    assert "110105********" + resident_id()[-4:] in text
    assert resident_id() not in text


def test_the_mediator_is_offered_withdrawal_but_not_the_flow_steps(client, people, oral_case):
    client.force_login(people["mediator"])
    page = client.get(f"/cases/{oral_case.pk}/")

    names = [action["name"] for action in page.context["actions"]]
    assert "withdraw" in names
    assert "accept" not in names and "reject" not in names  # done in the 受理审查 task

    review = page.context["flow_tasks"]
    assert [(task["title"], task["link_label"]) for task in review] == [("受理审查", "领取")]
    assert review[0]["url"].endswith("/assign/")
    assert client.get(review[0]["url"]).status_code == 200

    refused = client.post(f"/cases/{oral_case.pk}/actions/accept/", follow=True)
    assert "请在流程任务“受理审查”中办理" in page_text(refused)
    oral_case.refresh_from_db()
    assert oral_case.status == DisputeStatus.REGISTERED


def test_withdrawal_asks_for_a_reason_and_ends_the_flow(client, people, oral_case):
    client.force_login(people["mediator"])

    missing = client.post(f"/cases/{oral_case.pk}/actions/withdraw/", {"withdraw-reason": " "})
    assert missing.status_code == 200
    assert "请填写理由。" in page_text(missing)
    oral_case.refresh_from_db()
    assert oral_case.status == DisputeStatus.REGISTERED

    done = client.post(f"/cases/{oral_case.pk}/actions/withdraw/", {"withdraw-reason": "申请人已与单位和解"}, follow=True)
    oral_case.refresh_from_db()
    assert oral_case.status == DisputeStatus.WITHDRAWN
    assert "已办理“申请人撤回”" in page_text(done)
    process = DisputeProcess.objects.get(case=oral_case)
    review = Task.objects.get(process=process, flow_task=DisputeFlow.decide_acceptance)
    assert review.status == STATUS.CANCELED
    # The page offers what the door allows minus what the flow's open tasks do.
    steps = flow_step_transitions(oral_case)
    offered = {action["name"] for action in done.context["actions"]}
    assert offered == {spec.name for spec in available_transitions(oral_case, people["mediator"])} - set(steps)
    assert "withdraw" not in offered


def test_an_action_outside_the_flow_is_offered_to_a_lead_only_when_the_door_allows_it(client, people, orgs):
    # Without a flow (a historical import registers the case alone) every allowed transition is here.
    from cases.disputes.intake import register_dispute
    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput

    case = register_dispute(
        organisation=orgs["hd_street"], by=people["lead"], channel="walk_in_written",
        received_on=timezone.localdate(), received_at=timezone.now(), facts="拖欠工资。",
        worker=WorkerInput(name="李四", resident_id=resident_id(7)), employer=EmployerInput(name="某公司"),
        claims=[ClaimInput("wage_arrears", "100")],
    ).case
    consent_recorded(case, people["lead"])
    client.force_login(people["lead"])

    names = {action["name"] for action in client.get(f"/cases/{case.pk}/").context["actions"]}

    assert names == {"accept", "reject", "withdraw"}
    rejected = client.post(f"/cases/{case.pk}/actions/reject/",
                           {"reject-reason": "不属于劳动争议", "reject-rejection_ground": "not_labour_dispute"},
                           follow=True)
    case.refresh_from_db()
    assert case.status == DisputeStatus.REJECTED
    assert "close" in {action["name"] for action in rejected.context["actions"]}


def test_the_auditor_reads_the_case_page_without_actions(client, people, oral_case):
    client.force_login(people["auditor"])
    page = client.get(f"/cases/{oral_case.pk}/")

    assert page.status_code == 200
    assert page.context["actions"] == []
    assert "/actions/" not in page_text(page)
    assert "您对本案只有查阅权限" in page_text(page)
    assert [task["link_label"] for task in page.context["flow_tasks"]] == ["查看"]
    assert client.get(page.context["flow_tasks"][0]["url"]).status_code == 200

    refused = client.post(f"/cases/{oral_case.pk}/actions/withdraw/", {"withdraw-reason": "试图撤回"}, follow=True)
    assert "审计员只能查阅，不能修改任何内容。" in page_text(refused)
    oral_case.refresh_from_db()
    assert oral_case.status == DisputeStatus.REGISTERED


def test_the_timeline_lists_the_case_events_in_order(client, people, oral_case, django_capture_on_commit_callbacks):
    client.force_login(people["mediator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cases/{oral_case.pk}/actions/withdraw/", {"withdraw-reason": "申请人已与单位和解"})

    timeline = client.get(f"/cases/{oral_case.pk}/").context["timeline"]

    titles = [entry.title for entry in timeline]
    assert titles[0] == "登记申请"
    assert titles[1].startswith("生成文书：口头申请记录")
    assert titles[2] == "申请人撤回"
    assert [entry.event.seq for entry in timeline] == sorted(entry.event.seq for entry in timeline)
    withdraw = timeline[2]
    assert (withdraw.from_state, withdraw.to_state, withdraw.reason) == ("已登记", "已撤回", "申请人已与单位和解")
    assert withdraw.actor == "hd_mediator"
    assert any("受理审查期限" in line for line in timeline[0].deadlines_opened)
    assert "受理审查期限" in withdraw.deadlines_cancelled
    # The termination notice the withdrawal produced, journalled after it, per party.
    assert {document.kind for document in withdraw.documents} == {"termination_notice"}
    assert titles[3:] == [f"生成文书：{document.title}" for document in withdraw.documents]
    assert len(timeline) == AuditEvent.objects.filter(subject_id__in=[
        str(oral_case.pk), *[str(d.pk) for d in Document.objects.all()]]).count()


def test_the_document_download_streams_the_stored_pdf(client, people, oral_case):
    document = Document.objects.get(subject_id=str(oral_case.pk), kind="oral_application_record")
    client.force_login(people["auditor"])

    page = client.get(f"/cases/{oral_case.pk}/?tab=documents")
    assert document.sha256[:12] in page_text(page)
    response = client.get(f"/cases/{oral_case.pk}/documents/{document.pk}/")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    issued = timezone.localtime(document.created_at).strftime("%Y%m%d-%H%M%S")
    assert quote(f"{oral_case.number}-{document.title}") in response["Content-Disposition"]
    assert quote(f"-{issued}-v1.pdf") in response["Content-Disposition"]
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == document.sha256
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT, name="download_document")
    assert logged.actor == people["auditor"] and logged.data["document_id"] == document.pk


# -- search -----------------------------------------------------------------------------------------

def test_search_finds_by_the_full_resident_id_and_shows_it_masked(client, orgs, people):
    case = registered_case(client, people["mediator"], orgs)
    client.force_login(people["auditor"])

    found = client.get(SEARCH, {"q": resident_id().lower()})
    text = page_text(found).split('id="search-results"')[1]  # the query itself stays in the box
    assert [row["case"] for row in found.context["rows"]] == [case]
    assert "110105********" + resident_id()[-4:] in text
    assert resident_id() not in text

    assert client.get(SEARCH, {"q": resident_id()[:10]}).context["rows"] == []  # no fishing by prefix
    assert [row["case"] for row in client.get(SEARCH, {"q": "某科技"}).context["rows"]] == [case]
    assert [row["case"] for row in client.get(SEARCH, {"q": uscc()}).context["rows"]] == [case]
    assert [row["case"] for row in client.get(SEARCH, {"q": case.number}).context["rows"]] == [case]


def test_search_stays_in_the_users_subtree_and_pages(client, orgs, people):
    registered_case(client, people["mediator"], orgs)
    client.force_login(people["cy_mediator"])
    assert client.get(SEARCH, {"q": "张三"}).context["rows"] == []

    client.force_login(people["mediator"])
    for n in range(2, 23):
        registered_case(client, people["mediator"], orgs, **{"worker-resident_id": resident_id(n)})
    first = client.get(SEARCH, {"q": "张三"})
    assert len(first.context["rows"]) == 20 and first.context["page"].paginator.count == 22
    second = client.get(SEARCH, {"q": "张三", "page": 2})
    assert len(second.context["rows"]) == 2


def test_the_menu_offers_registration_to_mediators_and_search_to_auditors(client, people):
    client.force_login(people["mediator"])
    text = page_text(client.get("/"))
    assert REGISTER in text and SEARCH in text
    client.force_login(people["auditor"])
    text = page_text(client.get("/"))
    assert REGISTER not in text and SEARCH in text
    client.force_login(people["caseworker"])
    text = page_text(client.get("/"))
    assert REGISTER not in text and SEARCH not in text


def test_a_case_without_a_flow_is_worked_from_its_page_to_performance(client, orgs, people):
    """An imported case (no flow) takes every step on its page, each form asking for what the step needs."""
    from cases.disputes.intake import register_dispute
    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from cases.platform.transitions import apply

    today = timezone.localdate()
    case = register_dispute(
        organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written", received_on=today,
        received_at=timezone.now(), facts="拖欠工资三个月。",
        worker=WorkerInput(name="王秀英", resident_id=resident_id(9)), employer=EmployerInput(name="某科技公司"),
        claims=[ClaimInput("wage_arrears", "30000.00")],
    ).case
    consent_recorded(case, people["mediator"])
    apply(case, "accept", by=people["mediator"])
    apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    client.force_login(people["mediator"])
    url = f"/cases/{case.pk}/actions/"

    def act(name, data):
        response = client.post(url + name + "/", {f"{name}-{key}": value for key, value in data.items()}, follow=True)
        messages_ = [str(message) for message in response.context["messages"]]
        assert any(message.startswith("已办理") for message in messages_), messages_
        return response

    starts = timezone.localtime() + timedelta(days=1)
    act("schedule_session", {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "街道调解室"})
    session = case.sessions.get()
    with freeze_time(starts + timedelta(hours=2), tick=True):  # minutes once the session was held
        act("record_session", {"session": session.pk, "attendees": "双方到场", "statements": "单位同意分期支付。",
                               "rights_explained": "on", "recusal_answer": "双方均不申请回避。",
                               "note_taker": "张华", "outcome": "达成协议"})
    claim = case.claims.get()
    first, second = today + timedelta(days=10), today + timedelta(days=40)
    act("draft_agreement", {"terms": "单位分两期支付工资。", "copies": "3", f"award_{claim.pk}": "24000",
                            "instalments": f"{first.isoformat()} 20000\n{second.isoformat()} 4000"})
    for signatory in ("worker", "employer", "mediator", "seal"):
        act("record_signature", {"signatory": signatory})
    act("upload_signed_original", {"scan": SimpleUploadedFile("签署原件.pdf", SIGNED_SCAN)})
    act("make_agreement_effective", {})
    instalment = case.agreement.instalments.get(number=1)
    page = act("record_payment", {"instalment": instalment.pk, "amount": "20000", "paid_on": today.isoformat(),
                                  "receipt_number": "SK-001"})

    case.refresh_from_db()
    assert case.status == DisputeStatus.PERFORMING
    totals = page.context["totals"]
    assert (totals.claimed_display, totals.awarded_display, totals.paid_display) == (
        "¥30,000.00", "¥24,000.00", "¥20,000.00")
    text = page_text(page)
    assert "街道调解室" in text and "单位同意分期支付。" in text and "SK-001" in text
    assert "¥4,000.00" in text  # the second instalment still owed
    assert "分期履行期限" in text  # its clock is among the open deadlines
    names = {action["name"] for action in page.context["actions"]}
    assert {"record_payment", "apply_for_review", "refer"} <= names
    assert "complete_performance" not in names  # not fully paid: the door's condition is unmet


def test_a_refused_action_keeps_its_form_and_says_why(client, orgs, people):
    from cases.disputes.intake import register_dispute
    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from cases.platform.transitions import apply

    case = register_dispute(
        organisation=orgs["hd_street"], by=people["mediator"], channel="walk_in_written",
        received_on=timezone.localdate(), received_at=timezone.now(), facts="拖欠工资。",
        worker=WorkerInput(name="王秀英"), employer=EmployerInput(name="某科技公司"),
        claims=[ClaimInput("wage_arrears", "100")],
    ).case
    consent_recorded(case, people["mediator"])
    apply(case, "accept", by=people["mediator"])
    apply(case, "assign", by=people["lead"], data={"mediator": people["mediator"]})
    client.force_login(people["mediator"])

    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/cases/{case.pk}/actions/schedule_session/",
                           {"schedule_session-starts_at": past, "schedule_session-place": "街道调解室"})

    assert response.status_code == 200
    assert "调解时间不能早于现在。" in page_text(response)
    assert 'value="街道调解室"' in page_text(response)
    assert not case.sessions.exists()


def test_two_documents_of_one_title_download_under_different_names():
    issued = timezone.make_aware(datetime(2026, 3, 2, 9, 30))
    first = SimpleNamespace(title="困难职工认定审批表", variant="", version=1, created_at=issued)
    second = SimpleNamespace(title="困难职工认定审批表", variant="", version=1,
                             created_at=issued + timedelta(days=2))
    to_worker = SimpleNamespace(title="受理通知书", variant="worker", version=1, created_at=issued)
    to_employer = SimpleNamespace(title="受理通知书", variant="employer", version=1, created_at=issued)
    names = {download_name("BJ-HD-KN-2026-0007", doc) for doc in (first, second, to_worker, to_employer)}
    assert len(names) == 4
    assert download_name("BJ-HD-2026-0001", to_worker) == "BJ-HD-2026-0001-受理通知书（劳动者）-20260302-093000-v1.pdf"


# -- issue 18: what several panels show is read once (documents, open tasks, instalments) ------------

FROM_TABLE = re.compile(r'\bFROM "(\w+)"')


def reads_by_table(queries) -> Counter:
    """How many SELECTs read each table first (FROM "table")."""
    return Counter(match.group(1) for query in queries if query["sql"].startswith("SELECT")
                   if (match := FROM_TABLE.search(query["sql"])))


def test_a_performing_case_page_reads_its_documents_tasks_and_instalments_once(
        client, people, effective_2026_10_20):  # noqa: F811
    case = effective_2026_10_20
    client.force_login(people["mediator"])
    with freeze_time(at("2026-10-25")):
        client.get(f"/cases/{case.pk}/")  # sessions, content types and the like warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    reads = reads_by_table(captured.captured_queries)
    assert reads["cases_document"] == 1, reads
    assert reads["viewflow_task"] == 1, reads
    # The instalment table (its payments apart), the 'fully paid' conditions of the two actions
    # offered (complete_performance and refer), and the payment form's choice of instalment; the
    # totals and the clocks read none of their own.
    assert reads["cases_instalment"] <= 4, reads
    assert reads["cases_payment"] <= 1, reads
    assert "第1期" in response.content.decode() or "¥10,000.00" in response.content.decode()
