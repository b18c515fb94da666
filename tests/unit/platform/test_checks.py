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


def audit_key_check_ids(settings, *, key: str, debug: bool = False) -> set[str]:
    settings.AUDIT_HMAC_KEY, settings.DEBUG = key, debug
    return {message.id for message in run_checks(tags=["security"], include_deployment_checks=True)
            if message.id in ("unioncase.E020", "unioncase.W020")}


def test_point_5_check_deploy_refuses_an_unset_or_public_audit_key_when_debug_is_off(settings):
    assert audit_key_check_ids(settings, key="") == {"unioncase.E020"}
    assert audit_key_check_ids(settings, key="unioncase-development-audit-key:not-secret:never-in-production") == {
        "unioncase.E020"}
    assert audit_key_check_ids(settings, key="short-audit-key") == {"unioncase.W020"}
    assert audit_key_check_ids(settings, key="Zk3pW9qLr2Xv8TnB5cYh1MdF7gJs4aQe") == set()  # 32 characters
    assert audit_key_check_ids(settings, key="", debug=True) == set()  # development


def test_point_5_the_audit_key_check_runs_only_under_check_deploy(settings):
    settings.AUDIT_HMAC_KEY, settings.DEBUG = "", False
    assert "unioncase.E020" not in {message.id for message in run_checks()}
    [error] = [m for m in run_checks(include_deployment_checks=True) if m.id == "unioncase.E020"]
    assert error.is_serious() and "AUDIT_HMAC_KEY" in error.msg and "rekey_audit_chain" in error.hint
