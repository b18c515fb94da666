"""The 疑似困难 pages: the caseworker's queue (masked, highest score first, scoped), the
side-by-side detail, confirm and reject through the services, inline errors, the menu link."""

from datetime import date

import pytest

from cases.hardship.civil_affairs.links import link_civil_records
from cases.models import AuditAction, AuditEvent, HardshipFile, HardshipStatus, LinkCandidate, LinkStatus, Role
from tests.unit.hardship.test_civil_affairs_linking import WANG_ID, civil, dispute_worker, valid_id

pytestmark = pytest.mark.django_db

LIST = "/hardship/candidates/"

WANG_WEI_ID = valid_id("11010819850505003")
TYPO_WANG = WANG_ID[:14] + WANG_ID[16] + WANG_ID[15] + WANG_ID[14] + WANG_ID[17]


def detail(link) -> str:
    return f"{LIST}{link.pk}/"


@pytest.fixture
def queue(orgs):
    """Two pending links in Haidian (0.84 and 0.825) and one in Chaoyang."""
    from tests.hardship_fixtures import household_in_hardship

    household_in_hardship(orgs["hd"], name="王建国", resident_id=WANG_ID)
    civil(orgs["hd"], "王建国", id_number=TYPO_WANG, birth=date(1975, 1, 1))
    dispute_worker(orgs["hd_street"], "王伟", WANG_WEI_ID, date(1985, 5, 5))
    civil(orgs["hd"], "王玮", birth=date(1985, 5, 5), size=2, amount="700.50")
    link_civil_records(organisation=orgs["hd"])
    dispute_worker(orgs["cy_street"], "李强", valid_id("11010519800808006"), date(1980, 8, 8))
    civil(orgs["cy"], "李蔷", birth=date(1980, 8, 8), region="110105")
    link_civil_records(organisation=orgs["cy"])
    links = {link.civil_record.name: link for link in LinkCandidate.objects.select_related("civil_record")}
    assert all(link.status == LinkStatus.PENDING for link in links.values())
    return links


def test_list_is_scoped_masked_and_sorted_by_score(client, people, queue):
    client.force_login(people["caseworker"])
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("王建国") < page.index("王玮")  # 84.0% before 82.5%
    assert "84.0%" in page and "82.5%" in page
    assert "110108********0017" in page  # 王建国 on file, masked
    assert WANG_WEI_ID[:6] + "********" + WANG_WEI_ID[-4:] in page
    assert WANG_ID not in page and TYPO_WANG not in page and WANG_WEI_ID not in page
    assert TYPO_WANG[:6] + "********" + TYPO_WANG[-4:] in page
    assert "李蔷" not in page and "李强" not in page  # Chaoyang's
    assert "疑似困难职工" in page  # the menu link


def test_only_caseworkers_get_the_pages_and_the_menu_link(client, people, orgs, make_user, queue):
    client.force_login(people["mediator"])
    assert client.get(LIST).status_code == 403
    assert client.get(detail(queue["王玮"])).status_code == 403
    assert "疑似困难职工" not in client.get("/cases/search/").content.decode()
    cy_caseworker = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    client.force_login(cy_caseworker)
    page = client.get(LIST).content.decode()
    assert "李蔷" in page and "王玮" not in page
    assert client.get(detail(queue["王玮"])).status_code == 404
    response = client.post(detail(queue["王玮"]), {"action": "confirm", "note": ""})
    assert response.status_code == 404
    assert LinkCandidate.objects.get(pk=queue["王玮"].pk).status == LinkStatus.PENDING


def test_anonymous_is_sent_to_sign_in(client, queue):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_detail_shows_both_records_side_by_side_with_reasons(client, people, queue):
    client.force_login(people["caseworker"])
    link = queue["王玮"]
    response = client.get(detail(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "王玮" in page and "王伟" in page
    assert "82.5%" in page
    assert WANG_WEI_ID[:6] + "********" + WANG_WEI_ID[-4:] in page and WANG_WEI_ID not in page
    assert "1985年5月5日" in page and "110108" in page
    assert "低保" in page and "¥700.50" in page
    assert "姓名相近" in page and "出生日期一致" in page and "缺少身份证号" in page
    rows = response.context["rows"]
    by_key = {row["key"]: row for row in rows}
    assert by_key["name"]["same"] is False and by_key["birth_date"]["same"] is True
    assert by_key["region"]["civil"] == by_key["region"]["file"] == "110108"
    assert 'id="confirm-form"' in page and 'id="reject-form"' in page
    view = AuditEvent.objects.get(action=AuditAction.SENSITIVE_VIEW, name="view_civil_link")
    assert view.actor == people["caseworker"] and view.subject_id == str(link.pk)


def test_confirm_opens_the_file_and_says_so(client, people, queue):
    client.force_login(people["caseworker"])
    link = queue["王玮"]
    response = client.post(detail(link), {"action": "confirm", "note": "电话核实为同一人"}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED and link.decided_by == people["caseworker"]
    file = HardshipFile.objects.get()
    assert link.hardship_file == file and file.status == HardshipStatus.IDENTIFIED
    page = response.content.decode()
    assert "已确认王玮为民政救助对象" in page and str(file) in page
    # No longer in the queue; the detail now says who decided.
    assert [row["link"].pk for row in response.context["rows"]] == [queue["王建国"].pk]
    decided = client.get(detail(link)).content.decode()
    assert 'id="confirm-form"' not in decided and "hd_caseworker" in decided and "已确认" in decided


def test_reject_needs_a_reason_shown_inline_and_keeps_what_was_typed(client, people, queue):
    client.force_login(people["caseworker"])
    link = queue["王建国"]
    response = client.post(detail(link), {"action": "reject", "note": "   "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写排除理由" in page and 'role="alert"' in page
    assert LinkCandidate.objects.get(pk=link.pk).status == LinkStatus.PENDING
    response = client.post(detail(link), {"action": "reject", "note": "身份证号不同，经核实不是同一人"}, follow=True)
    assert "已排除" in response.content.decode()
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED and link.decision_note == "身份证号不同，经核实不是同一人"
    assert not HardshipFile.objects.exists()


def test_deciding_twice_shows_the_reason_inline(client, people, queue):
    client.force_login(people["caseworker"])
    link = queue["王建国"]
    client.post(detail(link), {"action": "reject", "note": "不是同一人"})
    response = client.post(detail(link), {"action": "confirm", "note": ""})
    assert response.status_code == 400
    assert "不能重复处理" in response.content.decode()
    assert not HardshipFile.objects.exists()


def test_auditor_cannot_see_the_queue(client, people, queue):
    client.force_login(people["auditor"])
    assert client.get(LIST).status_code == 403
