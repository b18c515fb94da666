"""Issue 20, "English": with English chosen, a page says nothing that mixes Chinese and English.

The demo's users (manage.py seed_demo) switch to English through the language switch (the
set_language view) and read the pages a day's work goes through: a case in mediation with its
running clocks, the notification inbox with a deadline reminder, a hardship file on aid, and the
funds pages. No text node of theirs may hold both CJK (ideographs or full-width punctuation such
as ：（），；、) and Latin letters, except for what ALLOWED says and the regions that SKIPPED names.
Words only Chinese are no mix: what the records hold (a note, a document's title) stays as kept.
"""

import re
from datetime import date
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation
from freezegun import freeze_time

from cases.models import Agent, Employer, Fund, HardshipFile, Household, HouseholdMember, Organisation, Worker
from cases.platform.deadlines.sweep import check_deadlines
from cases.platform.transitions import apply
from cases.selectors import cn_day, day_label
from tests.consent import consent_recorded
from tests.dispute_cases import at, register_case

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # ideographs, CJK and full-width punctuation
LATIN = re.compile(r"[A-Za-z]")

# What may stay in Chinese inside an English line; each is taken out of a text before the check.
ALLOWED = [
    # Case, file and application numbers (BJ-HD-ZGC-2026-0001, BJ-HD-KN-2026-0002, BJ-HD-SNW-2026-0001).
    re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2}(?:-[A-Z0-9]+)+-\d{4}-\d{4}(?![0-9])"),
    # Legal citations: a law or rule by its title (《劳动争议调解仲裁法》第十六条), and the document
    # number of the rules an assessment applied (京工发〔2024〕12号).
    re.compile(r"《[^》]+》(?:第[一二三四五六七八九十百零]+[条款项])*"),
    re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号"),
    # A file's name as it was uploaded (“调解协议书签署原件.pdf”, 送达回证.pdf).
    re.compile(r"“?[^\s“”]+\.(?:pdf|jpe?g|png|xlsx?|csv|ofd|docx?)”?", re.IGNORECASE),
]


def names_on_record() -> list[str]:
    """People's, places' and organisations' names as recorded (and a fund's, which its
    organisation gives it): longest first, so that 海淀区总工会2026年助学资金 goes before 海淀区总工会."""
    users = get_user_model().objects.all()
    names = {f"{user.last_name}{user.first_name}".strip() for user in users}
    names |= set(Organisation.objects.values_list("name", flat=True))
    names |= set(Fund.objects.values_list("name", flat=True))
    names |= set(Employer.objects.values_list("name", flat=True))
    names |= {worker.name for worker in Worker.objects.all()}  # encrypted at rest: read through the model
    names |= {member.name for member in HouseholdMember.objects.all()}
    names |= {agent.name for agent in Agent.objects.all()}  # a party's authorised representative
    names |= set(Household.objects.values_list("address", flat=True))  # a place's name: an address
    return sorted((name for name in names if name), key=len, reverse=True)


# Regions of a page left out, and why: the assessment's steps and the rules they cite are the
# legal record of an identification, written in Chinese and stored with the file
# (cases/rules/eligibility.py); the live recomputation beside them is the same text.
SKIPPED = {"stored-steps", "live-steps", "live-citations"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextNodes(HTMLParser):
    """The text nodes of a page, outside <script>, <style> and the SKIPPED regions."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.skip_from: int | None = None
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.open.append(tag)
        if self.skip_from is None and (tag in ("script", "style") or dict(attrs).get("id") in SKIPPED):
            self.skip_from = len(self.open)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open and self.open.pop() != tag:
            pass
        if self.skip_from is not None and len(self.open) < self.skip_from:
            self.skip_from = None

    def handle_data(self, data):
        if self.skip_from is None and data.strip():
            self.nodes.append(" ".join(data.split()))


def mixed_lines(html: str, names: list[str]) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    mixed = []
    for node in parser.nodes:
        rest = node
        for name in names:
            rest = rest.replace(name, " ")
        for allowed in ALLOWED:
            rest = allowed.sub(" ", rest)
        if CJK.search(rest) and LATIN.search(rest):
            mixed.append(node)
    return mixed


def test_the_checker_finds_a_mix_and_lets_names_numbers_and_citations_pass():
    page = """<html><body><p>Worker（申请人）</p><p>Mediation period: ends 2026年11月17日</p>
        <p>Case BJ-HD-ZGC-2026-0001 王秀英 v. 北京某科技有限公司</p><p>See 《劳动争议调解仲裁法》第十六条.</p>
        <p>调解期限</p><script>var a = "英文";</script><ol id="stored-steps"><li>结论：Severe hardship</li></ol>
        <br><p>Rules: 京工发〔2024〕12号</p></body></html>"""

    assert mixed_lines(page, ["北京某科技有限公司", "王秀英"]) == [
        "Worker（申请人）", "Mediation period: ends 2026年11月17日"]


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "2026年12月22日"), ("en", "Dec. 22, 2026")])
def test_a_day_is_written_in_the_readers_language(language, shown):
    with translation.override(language):
        assert day_label(date(2026, 12, 22)) == shown
        assert day_label(None) == ""
        assert cn_day(date(2026, 12, 22)) == "2026年12月22日"  # a typed value a form reads back, in every language


@pytest.fixture(autouse=True)
def language_restored():
    """The language switch activates English in this thread, and no request turns it off: the
    tests after these must not read their messages in English."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def demo(client, django_capture_on_commit_callbacks):
    return seeded_demo(django_capture_on_commit_callbacks)


def seeded_demo(django_capture_on_commit_callbacks) -> dict:
    """The demo's accounts, households, funds and programme applications, and a wage claim received
    at 中关村 on 2026-11-02, accepted and assigned to the demo mediator; on 2026-11-13 the sweep
    reminds the mediator that the mediation period ends on the 17th."""
    call_command("seed_demo", "--force", stdout=StringIO())
    users = {user.username: user for user in get_user_model().objects.all()}
    orgs = {"hd_street": Organisation.objects.get(code="BJ-HD-ZGC")}
    people = {"mediator": users["mediator"], "lead": users["lead"]}
    with freeze_time(at("2026-11-02")):
        case = register_case(orgs, people, date(2026, 11, 2))
        consent_recorded(case, users["mediator"])
        with django_capture_on_commit_callbacks(execute=True):  # its two acceptance notices, to be served
            apply(case, "accept", by=users["mediator"])
        apply(case, "assign", by=users["lead"], data={"mediator": users["mediator"]})
    with freeze_time(at("2026-11-13", 8)):
        check_deadlines(today=date(2026, 11, 13))
    return {"users": users, "case": case}


def read_in_english(client, user, paths) -> dict[str, str]:
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Language"] == "en", path
        pages[path] = response.content.decode()
    return pages


def test_the_demo_pages_in_english_mix_no_chinese_into_english(client, demo):
    case, users = demo["case"], demo["users"]
    files = list(HardshipFile.objects.exclude(number="").order_by("pk"))
    funds = list(Fund.objects.order_by("pk"))
    assert files and funds

    with freeze_time(at("2026-11-13", 10)):
        pages = read_in_english(client, users["mediator"], [f"/cases/{case.pk}/", "/notifications/"])
        pages |= read_in_english(client, users["caseworker"], [
            *(f"/hardship/files/{file.pk}/" for file in files),
            "/hardship/funds/", *(f"/hardship/funds/{fund.pk}/" for fund in funds)])

    case_page = pages[f"/cases/{case.pk}/"]
    assert "Nov. 17, 2026" in case_page  # the mediation period's last day, in English
    assert case.number in pages["/notifications/"]  # the reminder is there (its words are kept in Chinese)
    names = names_on_record()
    mixed = {path: lines for path, html in pages.items() if (lines := mixed_lines(html, names))}
    assert mixed == {}, "\n".join(f"{path}: {line}" for path, lines in mixed.items() for line in lines)
