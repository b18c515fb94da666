"""Generated documents: Chinese PDFs with embedded fonts, fingerprinted, immutable,
issued once per transition, corrected by new versions, and issued by a Celery task."""

import hashlib
import importlib
import io
import re
import sys
from contextlib import closing
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from cases.documents import registry as document_kinds
from cases.documents.registry import DocumentKind, all_kinds, get_kind
from cases.models import AuditAction, AuditEvent, Document, ImmutableError
from cases.platform import documents
from cases.platform.audit.journal import append_event
from cases.platform.documents import issue_correction, issue_document, render_pdf, template_version
from cases.platform.holiday_schedules import ScheduleEntry, propose_schedule
from cases.tasks.documents import issue_document_task

MEDIATION_NOTICE = {
    "title": "调解通知书",
    "document_number": "海中调通字〔2026〕第0007号",
    "addressee": "张三",
    "paragraphs": ["你申请的劳动争议调解已经受理。", "请按时到场。"],
    "date": "2026年11月24日",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def page_fonts(content: bytes) -> list:
    reader = PdfReader(io.BytesIO(content))
    return [font.get_object() for page in reader.pages
            for font in page["/Resources"]["/Font"].values()]


def transition_event(subject, organisation, actor):
    return append_event(action=AuditAction.TRANSITION, actor=actor, subject=subject,
                        organisation=organisation, name="approve", from_state="proposed", to_state="approved")


# -- Rendering ------------------------------------------------------------------------------

def test_the_pdf_carries_the_chinese_that_went_in():
    kind = get_kind("notice")
    rendered = render_pdf(template=kind.template, context={**MEDIATION_NOTICE, "organisation_name": "中关村街道调解中心"})

    text = pdf_text(rendered.content)
    assert "张三" in text and "劳动争议调解" in text
    assert "中关村街道调解中心（印章）" in text and "海中调通字〔2026〕第0007号" in text
    assert rendered.pages == 1


def test_the_pdf_embeds_a_subset_of_the_noto_cjk_font():
    rendered = render_pdf(template="documents/notice.html", context=MEDIATION_NOTICE)

    fonts = page_fonts(rendered.content)
    assert fonts
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
        assert re.fullmatch(r"/[A-Z]{6}\+Noto-.*CJK.*", str(font["/BaseFont"]))
    # The whole Noto Serif CJK face is 26 MB; a subset for one page is a small fraction.
    assert len(rendered.content) < 1_000_000


@pytest.mark.django_db  # the samples' periods end on working days: the calendar reads approved schedules
def test_every_registered_kind_renders_its_sample():
    assert {"notice", "holiday_schedule_decision"} <= {kind.code for kind in all_kinds()}
    for kind in all_kinds():
        rendered = render_pdf(template=kind.template, context=kind.sample_context())
        assert rendered.content.startswith(b"%PDF-") and rendered.pages >= 1


def test_the_holiday_decision_groups_days_into_periods_and_makeup_workdays():
    context = get_kind("holiday_schedule_decision").sample_context()

    spring = next(period for period in context["holidays"] if period["name"] == "春节")
    assert (spring["start"], spring["end"], spring["days"]) == ("2月15日", "2月23日", 9)
    assert len(context["holidays"]) == 7
    assert [day["date"] for day in context["workdays"] if day["name"] == "国庆节"] == ["9月20日", "10月10日"]
    assert context["workdays"][0]["weekday"] == "星期日"


def test_a_kind_cannot_be_registered_twice_under_one_code():
    clash = DocumentKind(code="notice", title="另一种通知书", template="documents/notice.html",
                         sample_context=dict)
    with pytest.raises(ValueError):
        document_kinds.register(clash)
    with pytest.raises(LookupError):
        get_kind("no_such_kind")


def test_documents_load_no_file_outside_their_templates_and_nothing_from_the_network():
    fetcher = documents._LocalFetcher(documents.templates_dir())
    own = (documents.templates_dir() / "base.css").as_uri()
    with closing(fetcher.fetch(own)) as response:
        assert b"@page" in response.read()
    for url in ("file:///etc/passwd", "http://example.com/seal.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_template_version_follows_the_templates_it_extends_and_includes(settings, tmp_path):
    folder = tmp_path / "templates" / "documents"
    folder.mkdir(parents=True)
    (folder / "probe_base.html").write_text("<p>{% block body %}{% endblock %}</p>", encoding="utf-8")
    (folder / "probe_part.html").write_text("甲", encoding="utf-8")
    (folder / "probe.html").write_text(
        '{% extends "documents/probe_base.html" %}{% block body %}{% include "documents/probe_part.html" %}'
        "{% endblock %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]

    first = template_version("documents/probe.html")
    notice = template_version("documents/notice.html")
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    (folder / "probe_part.html").write_text("乙", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0]}]  # a fresh engine: the loader forgets the old source
    documents._template_version.cache_clear()

    assert template_version("documents/probe.html") != first
    assert template_version("documents/notice.html") == notice


# -- Issuing ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_issued_document_stores_the_file_whose_sha256_it_records(orgs, people):
    document = issue_document(kind="notice", organisation=orgs["hd_street"], context=MEDIATION_NOTICE,
                              by=people["mediator"])

    content = document.file.read()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.size, document.pages, document.version) == (len(content), 1, 1)
    assert document.file.name.endswith(f"notice-{document.sha256[:12]}.pdf")
    assert document.template_name == "documents/notice.html"
    assert document.template_version == template_version("documents/notice.html")
    assert document.title == "调解通知书" and document.created_by == people["mediator"]
    assert "海淀区总工会" not in pdf_text(content) and "中关村街道调解中心（印章）" in pdf_text(content)

    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_ISSUED)
    assert event.data["document_id"] == document.pk and event.data["sha256"] == document.sha256
    assert event.actor == people["mediator"] and event.organisation == orgs["hd_street"]


@pytest.mark.django_db
def test_an_issued_document_cannot_be_changed(orgs, people):
    document = issue_document(kind="notice", organisation=orgs["hd_street"], context=MEDIATION_NOTICE,
                              by=people["mediator"])
    document.title = "改过的标题"
    with pytest.raises(ImmutableError):
        document.save()


@pytest.mark.django_db
def test_issuing_again_for_the_same_transition_returns_the_first_document(orgs, people):
    event = transition_event(orgs["hd_street"], orgs["hd_street"], people["lead"])
    first = issue_document(kind="notice", organisation=orgs["hd_street"], context=MEDIATION_NOTICE,
                           transition_event=event, by=people["lead"])
    again = issue_document(kind="notice", organisation=orgs["hd_street"],
                           context={**MEDIATION_NOTICE, "addressee": "李四"}, transition_event=event, by=people["lead"])

    assert again.pk == first.pk and again.sha256 == first.sha256
    assert Document.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_ISSUED).count() == 1


@pytest.mark.django_db
def test_each_variant_of_one_transition_is_its_own_document(orgs, people):
    event = transition_event(orgs["hd_street"], orgs["hd_street"], people["lead"])
    for party in ("applicant", "respondent"):
        issue_document(kind="notice", organisation=orgs["hd_street"], context=MEDIATION_NOTICE,
                       transition_event=event, variant=party, by=people["lead"])

    assert sorted(Document.objects.values_list("variant", flat=True)) == ["applicant", "respondent"]


@pytest.mark.django_db
def test_a_failed_save_leaves_no_file_behind(orgs, people, media_root):
    with pytest.raises(ValidationError):
        issue_document(kind="notice", organisation=orgs["hd_street"],
                       context={**MEDIATION_NOTICE, "title": "长" * 201}, by=people["mediator"])

    assert not any(path.is_file() for path in media_root.rglob("*"))
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_correction_is_a_new_version_that_supersedes_the_original(orgs, people):
    original = issue_document(kind="notice", organisation=orgs["hd_street"], context=MEDIATION_NOTICE,
                              by=people["mediator"])
    corrected = issue_correction(document=original, context={**MEDIATION_NOTICE, "addressee": "张叁"},
                                 by=people["lead"])

    assert (corrected.version, corrected.supersedes, corrected.kind) == (2, original, "notice")
    assert corrected.organisation == original.organisation and corrected.sha256 != original.sha256
    text = pdf_text(corrected.file.read())
    assert "张叁" in text and "本文书为第2版" in text and original.sha256[:16] in text
    original.refresh_from_db()
    assert original.superseded_by == corrected
    with pytest.raises(ValidationError):
        issue_correction(document=original, context=MEDIATION_NOTICE, by=people["lead"])


# -- Command ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_render_sample_documents_writes_one_pdf_per_kind(tmp_path):
    out = io.StringIO()
    call_command("render_sample_documents", out=tmp_path / "samples", stdout=out)

    for kind in all_kinds():
        path = tmp_path / "samples" / f"{kind.code}.pdf"
        assert path.read_bytes().startswith(b"%PDF-")
        assert str(path) in out.getvalue()
    assert not Document.objects.exists()


def test_render_sample_documents_fails_when_a_kind_fails(tmp_path, monkeypatch):
    broken = DocumentKind(code="broken", title="坏模板", template="documents/missing.html", sample_context=dict)
    module = importlib.import_module("cases.management.commands.render_sample_documents")
    monkeypatch.setattr(module, "all_kinds", lambda: [get_kind("notice"), broken])

    with pytest.raises(CommandError, match="broken"):
        call_command("render_sample_documents", out=tmp_path, stdout=io.StringIO(), stderr=io.StringIO())
    assert (tmp_path / "notice.pdf").exists()


# -- Task -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_task_runs_eagerly_and_builds_the_decision_from_the_database(orgs, people):
    schedule = propose_schedule(
        year=2027, organisation=orgs["bj"], by=people["admin"], source="国务院办公厅关于2027年部分节假日安排的通知",
        entries=[ScheduleEntry(date(2027, 1, 1), "holiday", "元旦"), ScheduleEntry(date(2027, 1, 2), "holiday", "元旦"),
                 ScheduleEntry(date(2027, 1, 9), "workday", "元旦")],
    )
    people["admin"].last_name, people["admin"].first_name = "赵", "敏"
    people["admin"].save()
    event = transition_event(schedule, orgs["bj"], people["admin2"])

    document_id = issue_document_task.delay(
        kind="holiday_schedule_decision", transition_event_id=event.pk, by=people["admin2"].pk,
    ).get()

    document = Document.objects.get(pk=document_id)
    assert (document.subject, document.organisation, document.transition_event) == (schedule, orgs["bj"], event)
    text = pdf_text(document.file.read())
    assert "关于2027年节假日安排的审批决定" in text and "决定予以批准" in text
    assert "赵敏" in text and "1月1日至1月2日" in text and "1月9日" in text
    assert issue_document_task.delay(
        kind="holiday_schedule_decision", transition_event_id=event.pk, by="system:retry",
    ).get() == document_id
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_the_task_falls_back_to_the_context_it_was_given(orgs):
    document_id = issue_document_task.delay(
        kind="notice", organisation_id=orgs["cy_street"].pk, context=MEDIATION_NOTICE, by="system:import",
    ).get()

    document = Document.objects.get(pk=document_id)
    assert document.created_by is None and document.organisation == orgs["cy_street"]
    assert "张三" in pdf_text(document.file.read())
    assert AuditEvent.objects.get(action=AuditAction.DOCUMENT_ISSUED).actor_label == "system:import"


@pytest.mark.django_db
def test_the_task_refuses_a_kind_without_builder_or_context(orgs):
    with pytest.raises(ValueError):
        issue_document_task.delay(kind="notice", organisation_id=orgs["bj"].pk).get()


def test_the_tasks_package_tolerates_only_its_own_missing_submodules():
    import cases.tasks as package

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.delattr(package, "timers")
            patch.setitem(sys.modules, "cases.tasks.timers", None)
            importlib.reload(package)  # cases.tasks.timers itself missing: tolerated
            assert not hasattr(package, "timers") and hasattr(package, "documents")

            patch.delattr(package, "deadlines")
            patch.delitem(sys.modules, "cases.tasks.deadlines")
            patch.setitem(sys.modules, "cases.platform.deadlines", None)
            with pytest.raises(ModuleNotFoundError, match="cases.platform.deadlines"):
                importlib.reload(package)  # a module missing inside deadlines: not hidden
    finally:
        importlib.reload(package)
