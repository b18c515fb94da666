"""The system check names what the machine lacks to produce proper Chinese PDFs."""

from django.core.checks import run_checks

from cases import checks


def document_check_ids() -> set[str]:
    return {message.id for message in run_checks(tags=["documents"])}


def test_this_machine_passes_the_document_checks():
    assert "Noto Serif CJK SC" in checks.cjk_font_families()
    assert checks.harfbuzz_subset_loadable()
    assert not {"unioncase.E001", "unioncase.E002", "unioncase.W001"} & document_check_ids()


def test_no_chinese_font_is_an_error_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_families", lambda: [])

    errors = [m for m in run_checks(tags=["documents"]) if m.id == "unioncase.E001"]
    assert len(errors) == 1 and errors[0].is_serious()
    assert "apt-get install fonts-noto-cjk" in str(errors[0].hint)
    assert "unioncase.E002" not in document_check_ids()


def test_no_harfbuzz_subset_is_an_error_that_says_pdfs_will_be_slow(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_loadable", lambda: False)

    errors = [m for m in run_checks(tags=["documents"]) if m.id == "unioncase.E002"]
    assert len(errors) == 1 and errors[0].is_serious()
    assert "apt-get install libharfbuzz-subset0" in str(errors[0].hint) and "数秒" in str(errors[0].hint)
    assert "unioncase.E001" not in document_check_ids()


def test_the_detections_report_missing_libraries_as_missing(monkeypatch):
    monkeypatch.setattr(checks, "_load", lambda *names: None)

    assert checks.cjk_font_families() == []
    assert checks.harfbuzz_subset_loadable() is False
    assert {"unioncase.E001", "unioncase.E002"} <= document_check_ids()


def test_a_harfbuzz_older_than_weasyprint_needs_counts_as_missing(monkeypatch):
    monkeypatch.setattr(checks, "HARFBUZZ_MINIMUM", (999, 0, 0))

    assert checks.harfbuzz_subset_loadable() is False


def test_a_seal_font_that_is_not_installed_is_a_warning_naming_what_is(settings):
    settings.UNIONCASE = {**settings.UNIONCASE, "DOCUMENT_FONT_FAMILY": "方正小标宋简体"}

    warnings = [m for m in run_checks(tags=["documents"]) if m.id == "unioncase.W001"]
    assert len(warnings) == 1 and not warnings[0].is_serious()
    assert "方正小标宋简体" in str(warnings[0].msg) and "Noto Serif CJK SC" in str(warnings[0].hint)
