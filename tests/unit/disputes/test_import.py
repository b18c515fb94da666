"""Historical dispute import (issue 7): a valid file (each outcome), invalid rows with line and
reason, all-or-nothing, re-import, XLSX, numbering, the audit trail, the command and the reports."""

import csv
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cases.disputes import imports as dispute_import
from cases.disputes.import_rows import COLUMNS
from cases.disputes.imports import DisputeImportRefused, import_disputes
from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import (
    Agreement,
    AuditAction,
    AuditEvent,
    CaseNumberCounter,
    Channel,
    Deadline,
    DisputeCase,
    DisputeStatus,
    Document,
    Employer,
    Payment,
    Worker,
)
from cases.platform.audit.journal import verify_chain
from cases.statistics.disputes import dispute_figures
from cases.statistics.period import Period
from notifications.models import Delivery
from tests import identifiers

pytestmark = pytest.mark.django_db


def resident_id(n: int) -> str:
    return identifiers.resident_id(n, region="110108", born="19800101")


def uscc(n: int) -> str:
    return identifiers.uscc(n, series="MA2")


def row(**changes) -> dict:
    values = {
        "case_no": "BJ-HD-ZGC-2023-0007", "org_code": "BJ-HD-ZGC", "received_on": "2023-03-01",
        "accepted_on": "2023-03-03", "worker_name": "张伟", "worker_id_number": resident_id(1),
        "employer_name": "北京某科技有限公司", "employer_uscc": uscc(1), "claim_type": "wage_arrears",
        "claimed_yuan": "12000.00", "outcome": "agreement", "agreement_effective_on": "2023-03-20",
        "awarded_yuan": "10000", "paid_yuan": "10000",
    }
    values.update(changes)
    return values


FAILED = row(case_no="BJ-HD-ZGC-2023-0008", worker_name="李娜", worker_id_number=resident_id(2), outcome="failed",
             agreement_effective_on="", awarded_yuan="", paid_yuan="")
WITHDRAWN = row(case_no="老-2022-15", received_on="2022-11-02", accepted_on="2022-11-04", worker_name="王芳",
                worker_id_number="", employer_uscc="", outcome="withdrawn", agreement_effective_on="",
                awarded_yuan="", paid_yuan="")
REJECTED = row(case_no="BJ-HD-ZGC-2023-0009", accepted_on="", outcome="rejected", claim_type="social_insurance",
               agreement_effective_on="", awarded_yuan="", paid_yuan="")
PARTLY_PAID = row(case_no="BJ-HD-ZGC-2023-0010", paid_yuan="4000.50", claim_type="overtime_pay")
PENDING = row(case_no="BJ-HD-ZGC-2023-0011", received_on="2023-06-01", accepted_on="2023-06-02", outcome="pending",
              agreement_effective_on="", awarded_yuan="", paid_yuan="")
EVERY_OUTCOME = [row(), FAILED, WITHDRAWN, REJECTED, PARTLY_PAID, PENDING]


def write_csv(path, rows, header=COLUMNS):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(column, "") for column in COLUMNS])
    return path


def by_number(number) -> DisputeCase:
    return DisputeCase.objects.get(number=number)


def test_each_outcome_lands_in_the_state_it_implies(orgs, tmp_path):
    result = import_disputes(write_csv(tmp_path / "h.csv", EVERY_OUTCOME))

    assert (result.total, result.imported, result.already_imported, result.errors) == (6, 6, 0, [])
    states = {case.number: case.status for case in DisputeCase.objects.all()}
    assert states == {
        "BJ-HD-ZGC-2023-0007": DisputeStatus.PERFORMED, "BJ-HD-ZGC-2023-0008": DisputeStatus.FAILED,
        "老-2022-15": DisputeStatus.WITHDRAWN, "BJ-HD-ZGC-2023-0009": DisputeStatus.REJECTED,
        "BJ-HD-ZGC-2023-0010": DisputeStatus.PERFORMING, "BJ-HD-ZGC-2023-0011": DisputeStatus.ACCEPTED,
    }
    performed = by_number("BJ-HD-ZGC-2023-0007")
    assert (performed.accepted_on, performed.ended_on, performed.channel) == (
        date(2023, 3, 3), date(2023, 3, 20), Channel.UNRECORDED)
    agreement = Agreement.objects.get(case=performed)
    assert agreement.effective_on == date(2023, 3, 20)
    assert performed.claims.get().amount_awarded == Decimal("10000.00")
    partly = Payment.objects.get(instalment__agreement__case__number="BJ-HD-ZGC-2023-0010")
    assert (partly.amount, partly.paid_on) == (Decimal("4000.50"), date(2023, 3, 20))
    assert by_number("BJ-HD-ZGC-2023-0009").accepted_on is None
    assert by_number("BJ-HD-ZGC-2023-0009").claims.get().claim_type == "social_insurance"


def test_parties_are_found_by_resident_id_and_uscc_and_created_once(orgs, tmp_path):
    existing = Worker.objects.create(name="张伟", resident_id=resident_id(1))
    import_disputes(write_csv(tmp_path / "h.csv", EVERY_OUTCOME))

    assert by_number("BJ-HD-ZGC-2023-0007").worker == existing
    assert by_number("BJ-HD-ZGC-2023-0010").worker == existing
    assert Employer.objects.filter(uscc=uscc(1)).count() == 1
    assert Employer.objects.filter(uscc__isnull=True, name="北京某科技有限公司").count() == 1
    assert by_number("老-2022-15").worker.resident_id is None
    born = Worker.objects.with_resident_id(resident_id(2)).get()
    assert born.birth_date == date(1980, 1, 1)


def test_imported_cases_issue_nothing_and_only_the_pending_one_opens_clocks_and_a_flow(orgs, tmp_path):
    from viewflow.workflow.models import Process

    import_disputes(write_csv(tmp_path / "h.csv", EVERY_OUTCOME))

    assert Document.objects.count() == 0
    assert Delivery.objects.count() == 0
    # Cases that had ended open nothing; the pending one (accepted 2023-06-02) joins the work
    # (issue 16, point 14: tests/unit/disputes/test_imported_pending.py).
    pending = by_number("BJ-HD-ZGC-2023-0011")
    assert set(Deadline.objects.values_list("subject_id", "clock", "imported")) == {
        (str(pending.pk), "dispute.mediation", True), (str(pending.pk), "dispute.arbitration_right", True)}
    assert list(Process.objects.values_list("disputeprocess__case__number", flat=True)) == ["BJ-HD-ZGC-2023-0011"]


def test_the_audit_trail_marks_each_event_imported_with_the_file_and_row_hashes(orgs, tmp_path):
    result = import_disputes(write_csv(tmp_path / "h.csv", [row(), FAILED]))
    case = by_number("BJ-HD-ZGC-2023-0008")

    events = list(AuditEvent.objects.for_subject(case))
    assert [(e.name, e.from_state, e.to_state) for e in events] == [
        ("register", "", DisputeStatus.REGISTERED), ("import_history", DisputeStatus.REGISTERED, DisputeStatus.FAILED)]
    assert events[0].data["imported"] is True and events[1].data["imported"] is True
    assert events[1].data["input"]["file_sha256"] == result.sha256
    assert events[1].data["input"]["line"] == 3
    assert len(events[1].data["input"]["row_sha256"]) == 64
    assert events[1].actor_label == "system:import_disputes"
    run = AuditEvent.objects.get(action=AuditAction.IMPORT, name="import_disputes")
    assert run.data | {"sha256": "-"} == {
        "file_name": "h.csv", "sha256": "-", "applied": True, "all_or_nothing": False, "rows_total": 2,
        "imported": 2, "already_imported": 0, "rejected": 0, "error_lines": []}
    assert verify_chain().intact


def test_invalid_rows_are_reported_by_line_and_reason_and_nothing_of_them_is_written(orgs, tmp_path):
    rows = [
        row(),
        row(case_no="BJ-HD-ZGC-2023-0020", org_code="NOPE"),
        row(case_no="BJ-HD-ZGC-2023-0021", worker_id_number="110108198001010000"),
        row(case_no="BJ-HD-ZGC-2023-0022", outcome="settled"),
        row(case_no="BJ-HD-ZGC-2023-0023", outcome="rejected", agreement_effective_on="", awarded_yuan="",
            paid_yuan=""),
        row(case_no="BJ-HD-ZGC-2023-0024", paid_yuan="20000"),
        row(case_no="BJ-HD-ZGC-2023-0025", received_on="2023-02-30"),
        row(case_no="BJ-HD-ZGC-2023-0007"),
        row(case_no="BJ-HD-ZGC-2023-0026", outcome="failed"),
    ]
    result = import_disputes(write_csv(tmp_path / "h.csv", rows))

    reasons = {error["line"]: error["reason"] for error in result.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "没有代码为“NOPE”的组织" in reasons[3]
    assert "身份" in reasons[4]
    assert "未知的办理结果“settled”" in reasons[5]
    assert "不予受理的案件不应填写受理日期" in reasons[6]
    assert "履行金额（¥20,000.00）不能超过协议金额（¥10,000.00）" in reasons[7]
    assert "收到申请日期" in reasons[8]
    assert "与第2行重复" in reasons[9]
    assert "只有达成调解协议的案件才能填写" in reasons[10]
    assert list(DisputeCase.objects.values_list("number", flat=True)) == ["BJ-HD-ZGC-2023-0007"]
    assert result.imported == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_in_error(orgs, tmp_path):
    path = write_csv(tmp_path / "h.csv", [row(), FAILED, row(case_no="X-1", org_code="NOPE")])

    with pytest.raises(DisputeImportRefused) as refused:
        import_disputes(path, all_or_nothing=True)

    assert [error["line"] for error in refused.value.result.errors] == [4]
    assert DisputeCase.objects.count() == Worker.objects.count() == Agreement.objects.count() == 0
    run = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (run.data["applied"], run.data["imported"], run.data["error_lines"]) == (False, 0, [4])


def test_all_or_nothing_rolls_back_when_a_row_fails_while_writing(orgs, tmp_path):
    import_disputes(write_csv(tmp_path / "first.csv", [row()]))
    clash = row(case_no="BJ-HD-ZGC-2023-7", worker_id_number=resident_id(5))  # year 2023, sequence 7 again
    path = write_csv(tmp_path / "second.csv", [FAILED, clash])

    with pytest.raises(DisputeImportRefused) as refused:
        import_disputes(path, all_or_nothing=True)

    assert refused.value.result.errors[0]["line"] == 3
    assert list(DisputeCase.objects.values_list("number", flat=True)) == ["BJ-HD-ZGC-2023-0007"]


def test_reimporting_the_same_file_changes_nothing(orgs, tmp_path):
    path = write_csv(tmp_path / "h.csv", EVERY_OUTCOME)
    import_disputes(path)
    snapshot = (DisputeCase.objects.count(), Worker.objects.count(), Employer.objects.count(),
                Payment.objects.count(), list(CaseNumberCounter.objects.values_list("year", "last")))
    events = AuditEvent.objects.exclude(action=AuditAction.IMPORT).count()

    again = import_disputes(path)

    assert (again.imported, again.already_imported, again.errors) == (0, 6, [])
    assert snapshot == (DisputeCase.objects.count(), Worker.objects.count(), Employer.objects.count(),
                        Payment.objects.count(), list(CaseNumberCounter.objects.values_list("year", "last")))
    assert AuditEvent.objects.exclude(action=AuditAction.IMPORT).count() == events


def test_a_known_number_with_different_content_is_an_error_not_an_edit(orgs, tmp_path):
    import_disputes(write_csv(tmp_path / "h.csv", [row()]))

    changed = import_disputes(write_csv(tmp_path / "h2.csv", [row(paid_yuan="5000")]))

    assert changed.imported == 0
    assert "此前已导入，本行内容与当时不同" in changed.errors[0]["reason"]
    assert by_number("BJ-HD-ZGC-2023-0007").status == DisputeStatus.PERFORMED


def test_xlsx_with_chinese_headers_and_typed_cells(orgs, tmp_path):
    from cases.disputes.import_rows import COLUMN_LABELS

    book = Workbook()
    sheet = book.active
    sheet.append([COLUMN_LABELS[column] for column in COLUMNS])
    values = row(received_on=date(2023, 3, 1), accepted_on=date(2023, 3, 3), agreement_effective_on=date(2023, 3, 20),
                 claimed_yuan=12000, awarded_yuan=10000.0, paid_yuan=2500, claim_type="拖欠劳动报酬")
    sheet.append([values[column] for column in COLUMNS])
    path = tmp_path / "h.xlsx"
    book.save(path)

    result = import_disputes(path)

    assert (result.imported, result.errors) == (1, [])
    case = by_number("BJ-HD-ZGC-2023-0007")
    assert (case.status, case.received_on, case.claims.get().claim_type) == (
        DisputeStatus.PERFORMING, date(2023, 3, 1), "wage_arrears")


def test_live_registration_after_an_import_takes_the_next_number(orgs, people, tmp_path):
    import_disputes(write_csv(tmp_path / "h.csv", [row(case_no="BJ-HD-ZGC-2026-0041", received_on="2026-01-05",
                                                        accepted_on="2026-01-06", agreement_effective_on="2026-01-20"),
                                                   row(case_no="旧编号-1", received_on="2026-02-01",
                                                       accepted_on="2026-02-02", agreement_effective_on="2026-02-20")]))
    assert by_number("旧编号-1").sequence == 42

    # Received on 2 March and entered later: a late entry (补录), which a lead registers with a reason.
    registered = register_dispute(
        organisation=orgs["hd_street"], by=people["lead"], channel=Channel.WALK_IN_WRITTEN,
        received_on=date(2026, 3, 2), received_at=None if date.today() == date(2026, 3, 2) else _noon(2026, 3, 2),
        facts="拖欠工资", worker=WorkerInput(name="赵六"), employer=EmployerInput(name="某公司"),
        claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="100")], acknowledge_warnings=True,
        late_entry_reason="三月收到的书面申请，导入历史案件后补录。",
    )

    assert registered.case.number == "BJ-HD-ZGC-2026-0043"


def test_historical_import_is_not_held_to_the_received_date_rules_of_live_registration(orgs, tmp_path):
    # Live registration refuses dates before 2008-05-01 and wants a lead for a late entry
    # (cases/rules/intake.py); history comes in by its own path, without clocks, and keeps its dates.
    result = import_disputes(write_csv(tmp_path / "h.csv", [
        row(case_no="BJ-HD-ZGC-2005-0003", received_on="2005-06-01", accepted_on="2005-06-03",
            agreement_effective_on="2005-06-20"),
        row(),
    ]))

    assert (result.imported, result.errors) == (2, [])
    assert by_number("BJ-HD-ZGC-2005-0003").received_on == date(2005, 6, 1)
    assert by_number("BJ-HD-ZGC-2023-0007").received_on == date(2023, 3, 1)


def test_registration_refuses_the_imported_only_channel(orgs, people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        register_dispute(organisation=orgs["hd_street"], by=people["mediator"], channel=Channel.UNRECORDED,
                         received_on=date.today(), facts="x", worker=WorkerInput(name="赵六"),
                         employer=EmployerInput(name="某公司"), claims=[ClaimInput(claim_type="wage_arrears", amount_claimed="100")])
    assert "channel" in refused.value.message_dict


def test_imported_cases_count_in_the_statistics(orgs, tmp_path):
    import_disputes(write_csv(tmp_path / "h.csv", EVERY_OUTCOME))

    figures = dispute_figures(organisation=orgs["hd"], period=Period(date(2023, 1, 1), date(2023, 12, 31)))

    # accepted in 2023: 0007, 0008, 0010, 0011 (0009 rejected; 老-2022-15 accepted in 2022)
    assert figures.accepted == 4
    assert figures.mediated_successfully == 2
    assert figures.recovered == Decimal("20000.00")
    assert figures.paid == Decimal("14000.50")


def test_the_command_prints_a_summary_and_fails_on_rows_in_error(orgs, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import_disputes", str(write_csv(tmp_path / "ok.csv", EVERY_OUTCOME)), stdout=out, stderr=err)
    assert "新导入6件，此前已导入0件，错误0行" in out.getvalue()
    assert "导入历史案件 [" in err.getvalue() and "100% 6/6" in err.getvalue()

    bad = write_csv(tmp_path / "bad.csv", [row(case_no="BJ-HD-ZGC-2023-0030", outcome="")])
    err = StringIO()
    with pytest.raises(CommandError, match="有1行未导入"):
        call_command("import_disputes", str(bad), stdout=StringIO(), stderr=err)
    assert "第2行：请填写办理结果" in err.getvalue()


def test_the_command_explains_a_bad_header_or_a_missing_file(orgs, tmp_path):
    with pytest.raises(CommandError, match="缺少列"):
        call_command("import_disputes", str(write_csv(tmp_path / "h.csv", [], header=COLUMNS[:-1])),
                     stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_disputes", str(tmp_path / "none.csv"), stdout=StringIO(), stderr=StringIO())


def _noon(year, month, day):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(year, month, day, 12))


def names_in_chain_order():
    return list(AuditEvent.objects.filter(action=AuditAction.TRANSITION).order_by("seq")
                .values_list("name", flat=True))


def test_a_row_whose_sequence_is_held_is_set_aside_and_the_rest_written_at_once(orgs, tmp_path):
    import_disputes(write_csv(tmp_path / "clean.csv", EVERY_OUTCOME))
    # At once: the six register events in one append, then the six cases through the door.
    assert names_in_chain_order() == ["register"] * 6 + ["import_history"] * 6

    taken = row(case_no="BJ-HD-ZGC-2023-7", worker_id_number=resident_id(5))  # sequence 7 of 2023 again
    fine = row(case_no="BJ-HD-ZGC-2023-0031", worker_id_number=resident_id(6))
    also_fine = row(case_no="旧档-31", worker_id_number=resident_id(7))
    fine_again = row(case_no="BJ-HD-ZGC-2023-31", worker_id_number=resident_id(8))  # the same sequence as `fine`
    result = import_disputes(write_csv(tmp_path / "mixed.csv", [taken, fine, also_fine, fine_again]))

    assert result.imported == 2
    assert result.errors == [
        {"line": 2, "reason": "该组织本年度已有此编号的案件。"}, {"line": 5, "reason": "该组织本年度已有此编号的案件。"}]
    assert names_in_chain_order()[12:] == ["register", "register", "import_history", "import_history"]
    assert set(DisputeCase.objects.values_list("number", flat=True)) >= {"BJ-HD-ZGC-2023-0031", "旧档-31"}


def test_a_chunk_that_fails_while_writing_is_written_again_row_by_row(orgs, tmp_path, monkeypatch):
    import_disputes(write_csv(tmp_path / "clean.csv", EVERY_OUTCOME))
    # As if a live registration took sequence 7 of 2023 after the chunk was checked.
    monkeypatch.setattr(dispute_import, "_set_aside_held_numbers", lambda chunk, result: chunk)
    taken = row(case_no="BJ-HD-ZGC-2023-7", worker_id_number=resident_id(5))
    fine = row(case_no="BJ-HD-ZGC-2023-0031", worker_id_number=resident_id(6))
    also_fine = row(case_no="旧档-31", worker_id_number=resident_id(7))
    result = import_disputes(write_csv(tmp_path / "mixed.csv", [taken, fine, also_fine]))

    assert result.imported == 2
    assert result.errors == [{"line": 2, "reason": "该组织本年度已有此编号的案件。"}]
    assert names_in_chain_order()[12:] == ["register", "import_history"] * 2  # row by row
    assert set(DisputeCase.objects.values_list("number", flat=True)) >= {"BJ-HD-ZGC-2023-0031", "旧档-31"}
