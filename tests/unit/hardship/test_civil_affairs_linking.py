"""Linking civil-affairs records to the people on file (issue 5): exact matches become candidate
hardship files, likely ones wait for a caseworker, strangers are left alone; members of a
household are linked through its head; decisions are scoped, journalled and final."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.hardship.civil_affairs.file import record_key
from cases.hardship.civil_affairs.imports import import_civil_affairs
from cases.hardship.civil_affairs.links import confirm_link, link_civil_records, reject_link
from cases.models import (
    AuditAction,
    AuditEvent,
    Channel,
    CivilAffairsImport,
    CivilAffairsRecord,
    DisputeCase,
    Employer,
    HardshipFile,
    HardshipStatus,
    Household,
    HouseholdMember,
    IdentificationSource,
    LinkCandidate,
    LinkStatus,
    Relation,
    Role,
    Worker,
)
from cases.models.actors import system
from cases.rules.validators import resident_id_check_char
from tests.hardship_fixtures import file_in_state, household_in_hardship

pytestmark = pytest.mark.django_db

WANG_ID = "110108197501010017"  # 王建国, born 1975-01-01, 海淀
SYSTEM = system("import_civil_affairs")


def valid_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


@pytest.fixture
def wang(orgs):
    """王建国's household in Haidian: him and two children without worker records."""
    return household_in_hardship(orgs["hd"], name="王建国", resident_id=WANG_ID)


def civil(org, name, *, id_number="", birth=None, region="110108", category="低保", size=3, amount="1400.00"):
    """A civil-affairs record as an import would leave it."""
    run = CivilAffairsImport.objects.filter(organisation=org).first() or CivilAffairsImport.objects.create(
        organisation=org, file_name="t.csv", sha256="0" * 64, purpose="困难职工精准识别与帮扶")
    return CivilAffairsRecord.objects.create(
        organisation=org, record_key=record_key(name=name, id_number=id_number, birth_date=birth, region=region),
        name=name, id_number=id_number, birth_date=birth, region=region, category=category, household_size=size,
        monthly_amount=Decimal(amount), first_import=run,
    )


def dispute_worker(org, name, resident_id=None, birth=None) -> Worker:
    """A worker known only from a dispute case (no household)."""
    worker = Worker.objects.create(name=name, resident_id=resident_id, birth_date=birth)
    sequence = DisputeCase.objects.count() + 1
    DisputeCase.objects.create(
        organisation=org, year=2026, sequence=sequence, number=f"T-2026-{sequence:04d}", worker=worker,
        employer=Employer.objects.create(name="某公司"), channel=Channel.WALK_IN_WRITTEN,
        received_on=date(2026, 1, 5), facts="拖欠工资",
    )
    return worker


def test_exact_valid_id_is_confirmed_and_becomes_a_candidate_file(orgs, wang):
    record = civil(orgs["hd"], "王建国", id_number=WANG_ID, birth=date(1975, 1, 1))
    summary = link_civil_records(organisation=orgs["hd"])
    assert (summary.matched, summary.review, summary.files_opened) == (1, 0, 1)
    candidate = LinkCandidate.objects.get()
    assert (candidate.civil_record, candidate.worker, candidate.member) == (record, wang.head, None)
    assert candidate.status == LinkStatus.CONFIRMED and candidate.decided_by is None
    assert candidate.decision_note.startswith("自动匹配：") and "身份证号一致且有效" in candidate.decision_note
    assert candidate.score == Decimal("1.0000") and candidate.organisation == orgs["hd"]
    file = candidate.hardship_file
    assert file.status == HardshipStatus.IDENTIFIED and file.household == wang
    assert (file.source, file.civil_record) == (IdentificationSource.CIVIL_AFFAIRS, record)
    assert file.prepared_by is None
    from workflows.models import HardshipProcess

    assert HardshipProcess.objects.filter(file=file).exists()
    assert CivilAffairsRecord.objects.get().linked_at is not None
    event = AuditEvent.objects.get(name="link_civil_records")
    assert event.actor_label == "system:import_civil_affairs" and event.data["confirmed_links"] == [candidate.pk]


@pytest.mark.parametrize("match, review, expected", [
    (0.85, 0.70, LinkStatus.CONFIRMED),  # the defaults: 0.88 is a match
    (0.95, 0.70, LinkStatus.PENDING),
    (0.99, 0.90, None),
])
def test_thresholds_come_from_settings(orgs, wang, settings, match, review, expected):
    # No ID, one of three name characters different, birth date and region equal: 0.88.
    civil(orgs["hd"], "王建华", birth=date(1975, 1, 1))
    settings.UNIONCASE = {**settings.UNIONCASE, "LINKAGE_MATCH_THRESHOLD": match, "LINKAGE_REVIEW_THRESHOLD": review}
    link_civil_records(organisation=orgs["hd"])
    assert list(LinkCandidate.objects.values_list("status", flat=True)) == ([expected] if expected else [])


def test_mistyped_id_goes_to_review(orgs, wang):
    # Two digits of the sequence swapped (not adjacent): 0.84, between review and match.
    typo = WANG_ID[:14] + WANG_ID[16] + WANG_ID[15] + WANG_ID[14] + WANG_ID[17]
    assert typo != WANG_ID
    record = civil(orgs["hd"], "王建国", id_number=typo, birth=date(1975, 1, 1))
    summary = link_civil_records(organisation=orgs["hd"])
    assert (summary.matched, summary.review, summary.files_opened) == (0, 1, 0)
    candidate = LinkCandidate.objects.get()
    assert (candidate.civil_record, candidate.worker, candidate.status) == (record, wang.head, LinkStatus.PENDING)
    assert candidate.decided_at is None and candidate.hardship_file is None
    assert any("身份证号" in reason for reason in candidate.reasons)
    assert not HardshipFile.objects.exists()


def test_missing_id_with_a_different_name_character_goes_to_review(orgs):
    worker = dispute_worker(orgs["hd_street"], "王伟", valid_id("11010819850505003"), date(1985, 5, 5))
    civil(orgs["hd"], "王玮", birth=date(1985, 5, 5))
    link_civil_records(organisation=orgs["hd"])
    candidate = LinkCandidate.objects.get()
    assert (candidate.worker, candidate.status, candidate.organisation) == (worker, LinkStatus.PENDING,
                                                                           orgs["hd_street"])
    assert "缺少身份证号" in candidate.reasons and "姓名相近" in candidate.reasons


def test_a_stranger_is_linked_to_no_one(orgs, wang):
    civil(orgs["hd"], "陈静", id_number=valid_id("11010519910505004"), birth=date(1991, 5, 5), region="110105")
    summary = link_civil_records(organisation=orgs["hd"])
    assert summary.unmatched == 1 and not LinkCandidate.objects.exists()
    assert not AuditEvent.objects.filter(name="link_civil_records").exists()


def test_household_member_without_worker_record_is_linked_through_the_head(orgs, wang):
    child = wang.members.get(name="王家属1")
    civil(orgs["hd"], "王家属1", birth=date(2010, 5, 1), size=3)
    link_civil_records(organisation=orgs["hd"])
    candidate = LinkCandidate.objects.get()
    assert (candidate.member, candidate.worker) == (child, wang.head)
    assert candidate.status == LinkStatus.CONFIRMED
    assert candidate.hardship_file.household == wang


def test_existing_active_file_is_not_doubled(orgs, wang):
    active = file_in_state(wang, HardshipStatus.APPLIED)
    civil(orgs["hd"], "王建国", id_number=WANG_ID)
    summary = link_civil_records(organisation=orgs["hd"])
    assert (summary.matched, summary.files_opened) == (1, 0)
    assert LinkCandidate.objects.get().hardship_file == active
    assert HardshipFile.objects.count() == 1


def test_auto_match_for_a_worker_without_household_registers_one(orgs):
    worker = dispute_worker(orgs["hd_street"], "刘洋", valid_id("11010819790404005"))
    civil(orgs["hd"], "刘洋", id_number=worker.resident_id, region="110108")
    link_civil_records(organisation=orgs["hd"])
    household = Household.objects.get(head=worker)
    assert (household.organisation, household.region_code) == (orgs["hd_street"], "110108")
    member = household.members.get()
    assert (member.worker, member.relation, member.birth_date) == (worker, Relation.SELF, date(1979, 4, 4))
    assert LinkCandidate.objects.get().hardship_file.household == household


def test_relinking_is_idempotent_and_never_resurrects_a_rejected_link(orgs, wang, people):
    typo = WANG_ID[:14] + WANG_ID[16] + WANG_ID[15] + WANG_ID[14] + WANG_ID[17]
    civil(orgs["hd"], "王建国", id_number=typo, birth=date(1975, 1, 1))
    link_civil_records(organisation=orgs["hd"])
    candidate = LinkCandidate.objects.get()
    again = link_civil_records(organisation=orgs["hd"])
    assert again.already_known == 1 and LinkCandidate.objects.count() == 1
    reject_link(candidate, by=people["caseworker"], note="经核实不是同一人")
    link_civil_records(organisation=orgs["hd"])
    assert LinkCandidate.objects.count() == 1
    assert LinkCandidate.objects.get().status == LinkStatus.REJECTED


def test_import_links_new_records_and_reimport_adds_nothing(orgs, wang, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("姓名,身份证号,出生日期,区域,救助类别,家庭人口,月保障金额,起始日期\n"
                    f"王建国,{WANG_ID},1975-01-01,110108,低保,3,1400.00,2024-01-01\n"
                    "陈静,,1991-05-05,110105,低保,1,900.00,\n", encoding="utf-8")
    run = import_civil_affairs(path, organisation=orgs["hd"], by=SYSTEM, purpose="困难职工精准识别与帮扶")
    assert (run.link_summary.records, run.link_summary.matched, run.link_summary.files_opened) == (2, 1, 1)
    links, files = LinkCandidate.objects.count(), HardshipFile.objects.count()
    again = import_civil_affairs(path, organisation=orgs["hd"], by=SYSTEM, purpose="困难职工精准识别与帮扶")
    assert again.link_summary.records == 0
    assert (LinkCandidate.objects.count(), HardshipFile.objects.count()) == (links, files) == (1, 1)


# -- the caseworker's decision -----------------------------------------------------------------------------

@pytest.fixture
def pending_for_new_worker(orgs):
    """A review link for a worker known only from a Haidian dispute case."""
    worker = dispute_worker(orgs["hd_street"], "王伟", valid_id("11010819850505003"), date(1985, 5, 5))
    civil(orgs["hd"], "王玮", birth=date(1985, 5, 5), region="110108", size=2)
    link_civil_records(organisation=orgs["hd"])
    candidate = LinkCandidate.objects.get(status=LinkStatus.PENDING)
    assert candidate.worker == worker
    return candidate


def test_confirm_creates_household_and_file_and_is_journalled(orgs, people, pending_for_new_worker):
    candidate = confirm_link(pending_for_new_worker, by=people["caseworker"], note="电话核实为同一人")
    assert candidate.status == LinkStatus.CONFIRMED and candidate.decided_by == people["caseworker"]
    assert candidate.decision_note == "电话核实为同一人" and candidate.decided_at is not None
    household = Household.objects.get(head=candidate.worker)
    assert (household.region_code, household.organisation) == ("110108", orgs["hd_street"])
    self_member = HouseholdMember.objects.get(household=household)
    assert (self_member.relation, self_member.birth_date, self_member.worker) == (
        Relation.SELF, date(1985, 5, 5), candidate.worker)
    file = candidate.hardship_file
    assert file.status == HardshipStatus.IDENTIFIED and file.source == IdentificationSource.CIVIL_AFFAIRS
    assert file.prepared_by == people["caseworker"] and file.household == household
    event = AuditEvent.objects.get(name="confirm_link")
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        AuditAction.TRANSITION, people["caseworker"], "pending", "confirmed")
    assert event.data["hardship_file"] == file.pk


def test_confirm_uses_an_existing_household(orgs, people, wang):
    typo = WANG_ID[:14] + WANG_ID[16] + WANG_ID[15] + WANG_ID[14] + WANG_ID[17]
    civil(orgs["hd"], "王建国", id_number=typo, birth=date(1975, 1, 1))
    link_civil_records(organisation=orgs["hd"])
    candidate = confirm_link(LinkCandidate.objects.get(), by=people["caseworker"])
    assert candidate.hardship_file.household == wang and Household.objects.count() == 1


def test_reject_needs_a_reason_and_is_journalled(people, pending_for_new_worker):
    with pytest.raises(ValidationError) as error:
        reject_link(pending_for_new_worker, by=people["caseworker"], note="  ")
    assert "请填写排除理由" in str(error.value)
    candidate = reject_link(pending_for_new_worker, by=people["caseworker"], note="出生地不同，不是同一人")
    assert candidate.status == LinkStatus.REJECTED and candidate.decision_note == "出生地不同，不是同一人"
    assert not HardshipFile.objects.exists() and not Household.objects.exists()
    event = AuditEvent.objects.get(name="reject_link")
    assert event.reason == "出生地不同，不是同一人" and event.to_state == "rejected"


def test_a_decided_link_cannot_be_decided_again(people, pending_for_new_worker):
    confirm_link(pending_for_new_worker, by=people["caseworker"])
    for decide in (lambda: confirm_link(pending_for_new_worker, by=people["caseworker"]),
                   lambda: reject_link(pending_for_new_worker, by=people["caseworker"], note="误")):
        with pytest.raises(ValidationError) as error:
            decide()
        assert "已确认，不能重复处理" in str(error.value) and "hd_caseworker" in str(error.value)
    assert HardshipFile.objects.count() == 1


def test_auto_confirmed_link_cannot_be_decided(orgs, people, wang):
    civil(orgs["hd"], "王建国", id_number=WANG_ID)
    link_civil_records(organisation=orgs["hd"])
    with pytest.raises(ValidationError, match="系统自动匹配"):
        reject_link(LinkCandidate.objects.get(), by=people["caseworker"], note="不是")


def test_chaoyang_user_cannot_decide_a_haidian_link(orgs, people, make_user, pending_for_new_worker):
    cy_caseworker = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    for user in (cy_caseworker, people["mediator"], people["auditor"]):
        with pytest.raises(PermissionDenied):
            confirm_link(pending_for_new_worker, by=user)
        with pytest.raises(PermissionDenied):
            reject_link(pending_for_new_worker, by=user, note="不是同一人")
    pending_for_new_worker.refresh_from_db()
    assert pending_for_new_worker.status == LinkStatus.PENDING


def test_linking_stays_in_the_organisation_subtree(orgs, wang):
    civil(orgs["cy"], "王建国", id_number=WANG_ID)
    summary = link_civil_records(organisation=orgs["cy"])
    assert summary.people == 0 and not LinkCandidate.objects.exists()
