"""帮扶申请进度查询 (/public/hardship/progress/): the application (or file) number + the head's
resident ID + SMS code to the phone on record; the same answer whatever was typed (no
enumeration); the household's own view of its file in plain words, the next step and its date."""

from datetime import date

import pytest
from freezegun import freeze_time

from cases.models import CodePurpose, HardshipFile, HardshipStatus as H, PhoneCode
from cases.platform.deadlines import apply_trigger
from notifications.models import SmsRecord
from tests.dispute_cases import at
from tests.hardship_fixtures import file_in_state, household_in_hardship, minimum_living_standard
from tests.public_pages import WORKER_PHONE, phone_confirmed, sms_code
from tests.unit.public.test_hardship_page import HEAD_ID, PAGE as APPLY_PAGE, authorisation, posted

pytestmark = pytest.mark.django_db

PAGE = "/public/hardship/progress/"
FILE_PAGE = "/public/hardship/progress/file/"
HOUSEHOLD_HEAD_ID = "110108197501010017"  # 王建国 (tests/hardship_fixtures.py)
SAME_MESSAGE = "如果申请编号和身份证号码无误，验证码已发送到申请时登记的手机号码"


def household(orgs, phone=WORKER_PHONE):
    found = household_in_hardship(orgs["hd"])
    found.head.phone = phone
    found.head.save(update_fields=["phone"])
    return found


def applied_file(orgs, status=H.APPLIED, **fields):
    return file_in_state(household(orgs), status, applied_on=date(2026, 3, 2), **fields)


@pytest.fixture
def applied(orgs):
    return applied_file(orgs)


def look_up(client, number, identity=HOUSEHOLD_HEAD_ID):
    return client.post(PAGE, {"step": "lookup", "number": number, "identity": identity})


def signed_in(client, number, identity=HOUSEHOLD_HEAD_ID, phone=WORKER_PHONE):
    assert look_up(client, number, identity)["Location"] == PAGE
    response = client.post(PAGE, {"step": "confirm_code", "code": sms_code(phone)})
    assert response["Location"] == FILE_PAGE
    return client.get(FILE_PAGE).content.decode()


def test_the_page_asks_for_the_number_and_the_identity(client, applied):
    html = client.get(f"{PAGE}?number={applied.pk}").content.decode()
    assert 'id="lookup-form"' in html and f'value="{applied.pk}"' in html and "申请人（户主）的公民身份号码" in html


@pytest.mark.parametrize("number, identity", [("99999", HOUSEHOLD_HEAD_ID), (None, "110108197501010025"),
                                              (None, HOUSEHOLD_HEAD_ID)])
def test_every_lookup_answers_alike_and_only_a_match_gets_a_code(client, applied, number, identity):
    response = look_up(client, number or applied.pk, identity)
    assert (response.status_code, response["Location"]) == (302, PAGE)
    page = client.get(PAGE).content.decode()
    assert SAME_MESSAGE in page and 'id="confirm-code"' in page
    matched = number is None and identity == HOUSEHOLD_HEAD_ID
    assert SmsRecord.objects.to_phone(WORKER_PHONE).exists() == matched
    row = PhoneCode.objects.get()  # an unmatched lookup is kept too: it counts against the address
    assert (row.purpose, row.hardship_file_id) == (CodePurpose.HARDSHIP_PROGRESS, applied.pk if matched else None)
    wrong = client.post(PAGE, {"step": "confirm_code", "code": "000000"}).content.decode()
    assert "验证码不正确，还可以再试4次" in wrong  # and fails with the same words
    assert client.get(FILE_PAGE)["Location"] == PAGE


def test_a_wrong_identity_number_shows_nothing_of_the_file(client, applied):
    look_up(client, applied.pk, "110108197501010025")
    for html in (client.get(PAGE).content.decode(),
                 client.post(PAGE, {"step": "confirm_code", "code": "123456"}).content.decode()):
        assert applied.household.head.name not in html and "海淀区总工会" not in html
        assert "139****5678" not in html  # not even where the code would have gone
    assert not SmsRecord.objects.exists()


def test_too_many_lookups_from_one_address_are_refused(client, applied, settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "PUBLIC_CODES_PER_CLIENT_HOUR": 2}
    look_up(client, "99998")
    look_up(client, "99999")
    response = look_up(client, applied.pk)
    assert response.status_code == 429 and "请一小时后再试" in response.content.decode()
    assert not SmsRecord.objects.exists()


def test_a_second_lookup_within_the_minute_carries_on_with_the_first_code(client, applied):
    look_up(client, applied.pk)
    first = sms_code(WORKER_PHONE)
    look_up(client, f" {applied.pk} ")
    assert SmsRecord.objects.to_phone(WORKER_PHONE).count() == 1
    assert client.post(PAGE, {"step": "confirm_code", "code": first})["Location"] == FILE_PAGE


def test_the_file_page_needs_the_code(client, applied):
    assert client.get(FILE_PAGE)["Location"] == PAGE
    look_up(client, applied.pk)
    assert client.get(FILE_PAGE)["Location"] == PAGE  # a code sent is not a code typed


def test_an_online_application_is_followed_from_its_confirmation_page(client, orgs):
    with freeze_time(at("2026-11-02")):
        minimum_living_standard(year=2026)
        phone_confirmed(client, APPLY_PAGE)
        assert client.post(APPLY_PAGE, {**posted(orgs), **authorisation()}).status_code == 302
        file = HardshipFile.objects.get()
        done = client.get("/public/hardship/done/").content.decode()
        assert f'id="application-number">{file.pk}<' in done
        assert f'href="{PAGE}?number={file.pk}"' in done
        html = signed_in(client, file.pk, HEAD_ID.lower())
    assert '<p class="pub-stage" id="file-stage">申请已收到，等待工作人员登记</p>' in html
    assert 'aria-current="step">申请已收到<' in html and "工作人员会打电话与您联系" in html
    assert "周建华" in html and f"{HEAD_ID[:6]}********{HEAD_ID[-4:]}" in html
    assert HEAD_ID not in html and WORKER_PHONE not in html  # the ID masked, as the other pages do


def test_a_file_in_publicity_says_where_and_until_when(client, orgs):
    with freeze_time(at("2026-02-11", 9)):
        file = applied_file(orgs, H.IN_PUBLICITY, publicity_started_on=date(2026, 2, 11), review_held_on=date(2026, 2, 10),
                            publicity_place="海淀区总工会一楼公示栏")
        apply_trigger(file, "start_publicity", organisation=file.organisation, today=date(2026, 2, 11))
        html = signed_in(client, file.pk)
    assert '<p class="pub-stage" id="file-stage">正在公示</p>' in html
    # Five working days after Wednesday 11 February 2026 end on 25 February (the Spring Festival between).
    assert "评议结果正在海淀区总工会一楼公示栏公示。公示期至2026年2月25日" in html
    assert 'class="pub-step pub-step--done">民主评议<' in html and 'aria-current="step">公示<' in html


def test_a_file_not_identified_gives_the_reason_the_staff_recorded(client, orgs):
    file = applied_file(orgs, H.NOT_IDENTIFIED, visited_on=date(2026, 3, 5),
                        closed_reason="经民政核对，家庭人均月收入高于本市低保标准的2倍。")
    html = signed_in(client, file.pk)
    assert '<p class="pub-stage" id="file-stage">未予认定</p>' in html
    assert "经民政核对，家庭人均月收入高于本市低保标准的2倍。" in html and "决定不认定为困难职工" in html
    # The steps it went through, then the decision: no step it never reached.
    assert 'pub-step--done">入户调查<' in html and 'aria-current="step">未予认定<' in html
    assert ">民主评议<" not in html and ">已建档<" not in html


def test_an_open_file_is_found_by_its_file_number_too(client, orgs):
    file = applied_file(orgs, H.OPEN, next_review_due=date(2027, 1, 5))
    html = signed_in(client, file.number.lower())
    assert '<p class="pub-stage" id="file-stage">已建档</p>' in html and "困难类别：深度困难" in html
    assert f"档案编号{file.number}" in html and "下次复核在2027年1月5日前" in html


def test_a_household_that_never_applied_is_not_found(client, orgs):
    candidate = file_in_state(household(orgs), H.IDENTIFIED, source="civil_affairs")  # the civil-affairs data's hit
    look_up(client, candidate.pk)
    assert not SmsRecord.objects.exists() and PhoneCode.objects.get().hardship_file is None


def test_a_code_for_a_case_does_not_open_a_hardship_file(client, applied):
    signed_in(client, applied.pk)
    assert client.get("/public/progress/case/")["Location"] == "/public/progress/"


def test_leaving_ends_the_view(client, applied):
    signed_in(client, applied.pk)
    client.post("/public/hardship/progress/leave/")
    assert client.get(FILE_PAGE)["Location"] == PAGE
    assert 'id="confirm-code"' not in client.get(PAGE).content.decode()


def test_the_index_links_the_lookup_and_no_copy_is_kept(client, applied):
    assert f'href="{PAGE}"' in client.get("/public/").content.decode()
    signed_in(client, applied.pk)
    for url in (FILE_PAGE, PAGE):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_the_application_number_must_be_digits_or_a_file_number(client, applied):
    look_up(client, "9" * 40)  # no id: kept as matching nothing, not a database error
    assert PhoneCode.objects.get().hardship_file is None

