"""Issue 17 point 2: TOTP two-factor sign-in, required for superusers, organisation admins and
auditors, optional for everyone else. Codes are computed as an authenticator app computes them
(tests/totp.py), from the key the enrolment page shows."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from cases.models import AuditAction, AuditEvent
from tests.totp import next_code, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/setup/"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def sign_in(client, username, password=None):
    response = client.post(LOGIN, {"username": username, "password": password or f"pw-{username}"},
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302, "the password step failed"
    return response


def shown_key(client) -> str:
    page = client.get(ENROL).content.decode()
    return re.search(r'<code id="totp-key"[^>]*>([A-Z2-7 ]+)</code>', page).group(1)


def enrol(client) -> str:
    key = shown_key(client)
    response = client.post(ENROL, {"code": totp_code(key), "next": "/"})
    assert response.status_code == 302
    return key


def test_point_2_the_code_helper_matches_rfc_6238():
    assert totp_code(b"12345678901234567890", at=59, digits=8) == "94287082"
    assert totp_code(b"12345678901234567890", at=1111111109, digits=8) == "07081804"


@pytest.mark.parametrize("role", ["auditor", "admin"])  # admin: the city's organisation admin
def test_point_2_a_role_that_requires_it_is_sent_to_enrolment_and_can_use_nothing_else(client, people, role):
    user = people[role]
    sign_in(client, user.username)

    for path in ["/", "/audit/", "/reports/", "/notifications/", "/lockouts/"]:
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, f"{ENROL}?next={path.replace('/', '%2F')}")
    page = client.get(ENROL).content.decode()
    assert "必须使用两步验证" in page
    assert "<svg" in page


def test_point_2_a_superuser_must_enrol_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw-root")
    sign_in(client, "root")

    assert client.get("/admin/")["Location"] == f"{ENROL}?next=%2Fadmin%2F"


def test_point_2_enrolment_with_the_shown_key_lets_the_auditor_in_and_is_journalled(client, people):
    auditor = people["auditor"]
    sign_in(client, auditor.username)
    key = shown_key(client)

    wrong = client.post(ENROL, {"code": "000000" if totp_code(key) != "000000" else "111111"})
    assert "验证码不正确：请输入身份验证器中当前显示的6位数字。" in wrong.content.decode()
    with freeze_time(tick=True) as frozen:
        frozen.tick(2)  # past the one-second wait a wrong code earns
        response = client.post(ENROL, {"code": totp_code(key), "next": "/audit/"})

        assert (response.status_code, response["Location"]) == (302, "/audit/")
        assert client.get("/").status_code == 200
    device = TOTPDevice.objects.get(user=auditor)
    assert device.confirmed
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_CHANGED, name="two_factor_enrolled",
                                     actor_label="hd_auditor").count() == 1


def test_point_2_a_user_with_an_authenticator_enters_its_code_after_the_password(client, people):
    auditor = people["auditor"]
    sign_in(client, auditor.username)
    key = enrol(client)
    client.post("/accounts/logout/")

    sign_in(client, auditor.username)
    assert client.get("/audit/")["Location"] == f"{VERIFY}?next=%2Faudit%2F"
    assert client.get(ENROL)["Location"] == f"{VERIFY}?next=%2Faccounts%2Ftwo-factor%2Fsetup%2F"
    response = client.post(VERIFY, {"code": next_code(key), "next": "/audit/"})

    assert (response.status_code, response["Location"]) == (302, "/audit/")
    assert client.get("/audit/").status_code == 200


def test_point_2_a_wrong_code_is_refused_in_chinese_journalled_and_slows_the_next(client, people):
    auditor = people["auditor"]
    device = TOTPDevice.objects.create(user=auditor, name="手机", confirmed=True)
    sign_in(client, auditor.username)

    with freeze_time("2026-03-02 09:00:00"):
        right = totp_code(device.bin_key)
        wrong = client.post(VERIFY, {"code": "000000" if right != "000000" else "111111"})
        too_fast = client.post(VERIFY, {"code": right})

    assert "验证码不正确：请输入身份验证器中当前显示的6位数字。" in wrong.content.decode()
    assert "验证码错误次数过多，请于1秒后再试。" in too_fast.content.decode()
    assert client.get("/").status_code == 302
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, name="two_factor")
    assert [event.data for event in events] == [{"username": "hd_auditor", "ip": "127.0.0.1"}] * 2
    with freeze_time("2026-03-02 09:00:02"):
        assert client.post(VERIFY, {"code": totp_code(device.bin_key)}).status_code == 302


def test_point_2_a_mediator_needs_no_second_factor_but_may_add_one(client, people):
    mediator = people["mediator"]
    sign_in(client, mediator.username)
    assert client.get("/").status_code == 200
    page = client.get(ENROL).content.decode()
    assert "启用两步验证后" in page

    key = enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, mediator.username)

    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"
    client.post(VERIFY, {"code": next_code(key)})
    assert client.get("/").status_code == 200


def test_point_2_without_enforcement_only_users_with_an_authenticator_are_asked(client, people, settings):
    settings.TWO_FACTOR_ENFORCED = False
    sign_in(client, people["auditor"].username)

    assert client.get("/").status_code == 200


def test_point_2_the_demo_seed_gives_the_two_factor_accounts_a_printed_key(client, transactional_db):
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    printed = out.getvalue()

    assert "auditor | 审计员 | 海淀区总工会 | demo-auditor-2026 | DEMOAUDITORUNIONCASETOTPKEYAAAAA" in printed
    assert "orgadmin | 组织管理员 | 北京市总工会 | demo-orgadmin-2026 | DEMOORGADMINUNIONCASETOTPKEYAAAA" in printed
    assert "admin | 超级用户 | （全部） | demo-admin-2026 | DEMOADMINUNIONCASETOTPKEYAAAAAAA" in printed
    assert "mediator | 调解员 | 中关村街道劳动争议调解中心 | demo-mediator-2026 | —" in printed
    sign_in(client, "auditor", "demo-auditor-2026")
    client.post(VERIFY, {"code": totp_code("DEMOAUDITORUNIONCASETOTPKEYAAAAA")})
    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("role", ["mediator", "lead", "caseworker", "reviewer", "auditor", "admin"])
def test_point_2_every_role_opens_two_factor_from_the_menu(client, people, role):
    client.force_login(people[role])

    home = client.get("/")
    if home.status_code == 302:  # a role that must enrol is already there
        assert home["Location"] == f"{ENROL}?next=%2F"
    else:
        assert f'href="{ENROL}"' in home.content.decode()
    page = client.get(ENROL)

    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert re.search(r'<code id="totp-key"[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', page.content.decode())
