"""The civil-affairs department's batches through the API: validated, imported and linked as
`import_civil_affairs` imports a file (the same code), idempotent by batch id, each record's
outcome readable; refusals and the client's reach."""

import pytest

from api.system.models import CivilAffairsBatch, CivilAffairsBatchRecord
from cases.hardship.civil_affairs.imports import import_civil_affairs
from cases.models import AuditEvent, CivilAffairsImport, CivilAffairsRecord, LinkCandidate, LinkStatus
from cases.models.actors import system
from cases.rules.validators import resident_id_check_char
from tests.unit.rest_api.conftest import open_case
from tests.unit.rest_api.system.conftest import connected

pytestmark = pytest.mark.django_db

BATCHES = "/api/v1/civil-affairs/batches"
WANG = "11010519491231002X"  # 王秀英, the worker of the dispute open_case opens at 中关村街道


def record(ref, name, id_number="", **changes):
    return {"ref": ref, "name": name, "id_number": id_number, "birth_date": "", "region": "110105", "category": "低保",
            "household_size": 2, "monthly_amount": "1400.00", "since": "2025-01-01", **changes}


RECORDS = [
    record("MZ1", "王秀英", WANG),
    record("MZ2", "赵大", "", birth_date="1960-05-01"),
    record("MZ3", "钱二", "", region="1101"),  # no birth date, a bad region: refused
]


def batch(batch_id="B-2026-11-03", records=RECORDS, **changes):
    return {"batch_id": batch_id, "records": records, **changes}


@pytest.fixture
def department(orgs):
    return connected(orgs["hd"], ["civil_affairs:write", "civil_affairs:read"], name="海淀区民政局")


def test_a_batch_is_imported_linked_and_answered(department, orgs, people):
    open_case(orgs, people)  # 王秀英 is on file in 海淀
    response = department.post(BATCHES, batch(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rows"] == {"total": 3, "created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert body["applied"] is True and body["organisation"]["code"] == "BJ-HD"
    assert [(e["position"], e["ref"]) for e in body["errors"]] == [(3, "MZ3")]
    assert "区域“1101”应为6位行政区划代码" in body["errors"][0]["reason"]
    assert body["outcomes"] == {"linked": 1, "awaiting_review": 0, "excluded": 0, "no_match": 1, "not_compared": 0}
    run = CivilAffairsImport.objects.get()
    assert run.file_name == "接口批次 B-2026-11-03" and run.organisation == orgs["hd"]
    event = AuditEvent.objects.get(name="import_civil_affairs")
    assert event.actor_label == f"system:client:{department.system_client.pk}" and event.data["rejected"] == 1
    link = LinkCandidate.objects.get()
    assert link.status == LinkStatus.CONFIRMED and link.hardship_file is not None

    records = department.get(body["records"]).json()
    assert records["next"] is None
    assert [(r["position"], r["ref"], r["result"]["code"], r["outcome"]["code"]) for r in records["results"]] == [
        (1, "MZ1", "created", "linked"), (2, "MZ2", "created", "no_match"), (3, "MZ3", "rejected", "rejected")]
    assert records["results"][0]["hardship_file"]["status"]["code"] == link.hardship_file.status
    assert records["results"][2]["reason"] == body["errors"][0]["reason"]
    summary = department.get(f"{BATCHES}/B-2026-11-03").json()
    assert summary["rows"] == body["rows"] and summary["outcomes"] == body["outcomes"]


def test_a_repeated_batch_gets_the_first_answer_and_changes_nothing(department, orgs):
    first = department.post(BATCHES, batch(), format="json")
    again = department.post(BATCHES, batch(), format="json")
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CivilAffairsImport.objects.count() == 1 and CivilAffairsBatch.objects.count() == 1
    changed = department.post(BATCHES, batch(records=[record("MZ9", "孙三", WANG)]), format="json")
    assert changed.status_code == 422 and changed.json()["type"] == "urn:unioncase:problem:batch-id-reused"
    assert CivilAffairsRecord.objects.count() == 2
    # A new batch with the same people: nothing changed in the records, as importing a file twice.
    later = department.post(BATCHES, batch("B-2026-11-04"), format="json").json()
    assert later["rows"] == {"total": 3, "created": 0, "updated": 0, "unchanged": 2, "rejected": 1}
    rows = department.get(later["records"]).json()["results"]
    assert [row["result"]["code"] for row in rows] == ["unchanged", "unchanged", "rejected"]


def test_all_or_nothing_refuses_the_whole_batch_and_keeps_the_refusal(department):
    response = department.post(BATCHES, batch(all_or_nothing=True), format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["records.2"]
    assert not CivilAffairsRecord.objects.exists()
    run = CivilAffairsImport.objects.get()
    assert run.applied is False  # the receipt is kept, as the command keeps it
    repeat = department.post(BATCHES, batch(all_or_nothing=True), format="json")
    assert repeat.status_code == 422 and repeat.json() == response.json() and CivilAffairsImport.objects.count() == 1
    rows = department.get(f"{BATCHES}/B-2026-11-03/records").json()["results"]
    assert [row["outcome"]["code"] for row in rows] == ["not_imported", "not_imported", "rejected"]


def test_the_rows_are_checked_as_the_command_checks_a_file(department, orgs, tmp_path):
    zhou = "11010519491231003" + resident_id_check_char("11010519491231003")
    rows = [record("A", "周一", zhou), record("B", "", ""), record("C", "吴二", "", birth_date="2099-01-01"),
            record("D", "周一", zhou)]
    answer = department.post(BATCHES, batch("CHECK", rows), format="json").json()
    columns = ["name", "id_number", "birth_date", "region", "category", "household_size", "monthly_amount", "since"]
    path = tmp_path / "民政.csv"
    path.write_text("\n".join([",".join(columns), *(",".join(str(row[c]) for c in columns) for row in rows)]),
                    encoding="utf-8")
    run = import_civil_affairs(path, organisation=orgs["cy"], by=system("tests"), purpose="核对")
    from_file = [error["reason"] for error in run.errors]
    assert [error["reason"] for error in answer["errors"]] == [
        reason.replace("第2行", "第1行") for reason in from_file]  # the file's lines count its header
    assert len(from_file) == 3


def test_the_body_is_checked_before_anything_is_kept(department):
    empty = department.post(BATCHES, {"batch_id": "bad id/1", "records": []}, format="json")
    assert empty.status_code == 422
    assert empty.json()["errors"] == {"batch_id": ["批次编号只能由1至100个字母、数字和 . _ : - 组成。"],
                                      "records": ["不能为空数组。"]}
    nested = department.post(BATCHES, batch(records=[{"name": ["a"]}]), format="json")
    assert nested.json()["errors"] == {"records.0.name": ["应为文本。"]}
    assert not CivilAffairsBatch.objects.exists() and not CivilAffairsImport.objects.exists()


def test_a_batch_is_for_an_organisation_in_reach_and_read_by_its_sender(department, orgs):
    outside = department.post(BATCHES, batch(organisation="BJ-CY"), format="json")
    assert outside.status_code == 403 and not CivilAffairsImport.objects.exists()
    street = department.post(BATCHES, batch(organisation="BJ-HD-ZGC"), format="json")
    assert street.status_code == 201 and street.json()["organisation"]["code"] == "BJ-HD-ZGC"
    other = connected(orgs["hd"], ["civil_affairs:read"], name="另一客户端")
    assert other.get(f"{BATCHES}/B-2026-11-03").status_code == 404
    assert other.get(f"{BATCHES}/B-2026-11-03/records").status_code == 404
    assert department.get(f"{BATCHES}/NONE").status_code == 404


def test_the_records_are_read_page_by_page(department):
    many = [record(f"R{n}", f"测试{n}", "", birth_date=f"1970-01-{n:02d}") for n in range(1, 6)]
    department.post(BATCHES, batch("PAGES", many), format="json")
    first = department.get(f"{BATCHES}/PAGES/records?limit=2").json()
    assert [row["position"] for row in first["results"]] == [1, 2]
    second = department.get(first["next"]).json()
    assert [row["position"] for row in second["results"]] == [3, 4]
    assert CivilAffairsBatchRecord.objects.count() == 5
