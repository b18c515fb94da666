"""The papers sent with an online application, on the case page's 文书 tab for those who may read
the case (mediators, leads, auditors of its subtree); every download journalled; none for others."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.disputes.online import OnlineApplication, apply_online
from cases.models import AuditEvent, CodePurpose
from cases.platform import phone_codes
from cases.rules.claims import ClaimType
from tests.public_pages import WORKER_PHONE, sms_code
from workflows.dispute.flow import open_dispute

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def online_case(orgs):
    purpose = CodePurpose.DISPUTE_APPLICATION
    row = phone_codes.send_code(purpose=purpose, phone=WORKER_PHONE, client="test")
    confirmation = phone_codes.confirm_code(code_id=row.pk, purpose=purpose, code=sms_code(WORKER_PHONE))
    application = OnlineApplication(
        organisation=orgs["hd_street"], worker=WorkerInput(name="王秀英", resident_id="11010519491231002X"),
        employer=EmployerInput(name="北京某科技有限公司"), claims=[ClaimInput(ClaimType.WAGE_ARREARS, "9000")],
        facts="拖欠工资。")
    return apply_online(application=application, confirmation=confirmation,
                        attachments=[SimpleUploadedFile("微信聊天记录.png", PNG)], electronic_service=False,
                        acknowledge_warnings=True, opener=open_dispute).case


@pytest.mark.parametrize("role", ["mediator", "lead", "auditor"])
def test_those_who_read_the_case_see_and_download_the_attachments(client, online_case, people, role):
    client.force_login(people[role])
    html = client.get(f"/cases/{online_case.pk}/").content.decode()
    attachment = online_case.application_attachments.get()
    url = f"/cases/{online_case.pk}/attachments/{attachment.pk}/"
    assert 'id="application-attachments"' in html and "微信聊天记录.png" in html and url in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    event = AuditEvent.objects.get(name="download_application_attachment")
    assert (event.actor, event.data["sha256"]) == (people[role], attachment.sha256)


def test_others_get_nothing(client, online_case, people):
    attachment = online_case.application_attachments.get()
    url = f"/cases/{online_case.pk}/attachments/{attachment.pk}/"
    client.force_login(people["cy_mediator"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert not AuditEvent.objects.filter(name="download_application_attachment").exists()
