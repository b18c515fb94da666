"""The two districts of the security tests: 海淀 staff, one of each role, and a small 朝阳 world of
their neighbours' records — a dispute case with its claimed task, a document and a paper its
worker sent online, a hardship file with its application task and a document, a publicity
objection under review, a fund, a civil-affairs match, a notification, a 临时救助 application with
a document, and a 朝阳 mediator's personal API token — that no 海淀 page may show or change.

Kept small on purpose: the generated tests send thousands of requests against it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Q, Subquery
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from api.auth import create_token
from api.models import PersonalToken
from cases.hardship.attachments import keep_attachment
from cases.hardship.civil_affairs.links import link_civil_records
from cases.hardship.identification import open_hardship_file
from cases.hardship.programmes.applications import apply_for_programme
from cases.models import (
    AidProgramme,
    AidProgrammeApplication,
    ApplicationAttachment,
    AuditEvent,
    DisputeCase,
    HardshipFile,
    Household,
    LinkCandidate,
    Objection,
    Organisation,
    Role,
)
from cases.models.hardship.records import AttachmentKind
from cases.models.hardship.states import H
from cases.platform.documents import issue_document
from notifications.models import Notification
from tests.hardship_fixtures import fund_with_budget, household_in_hardship
from tests.programme_fixtures import programme_fund, programme_rules
from tests.unit.hardship.test_civil_affairs_linking import civil, dispute_worker, valid_id
from workflows.dispute.flow import DisputeFlow, claim_task, open_dispute
from workflows.hardship.flow import HardshipFlow, ObjectionFlow, start_hardship_flow

# The roles of issue 17's generated test, each held by one 海淀 user (conftest.staff).
ROLES = ("mediator", "lead", "caseworker", "reviewer", "auditor", "orgadmin")

# What of 朝阳 may never appear on a 海淀 user's page.
CY_WORKER, CY_EMPLOYER, CY_HEAD = "赵铁柱", "朝阳某商贸有限公司", "李秀兰"
CY_OBJECTION = "邻居反映该户另有商铺出租收入未申报"
CY_CANDIDATE = "李蔷"
CY_ORGANISATIONS = ("朝阳区总工会", "建外街道调解中心")
CY_REGION, CY_HEAD_ID = "110105", valid_id("11010519800303002")  # a valid number: a form would take it
CY_WORKER_PHONE = "13801230007"  # where the public progress lookup sends 赵铁柱's code
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Chaoyang:
    """The foreign organisation's records, and what of them must never leak."""

    case: DisputeCase
    case_task: Task  # decide_acceptance, claimed by cy_mediator
    case_document: object
    file: HardshipFile
    file_task: Task  # take_application, waiting in the caseworkers' queue
    file_document: object
    objection: Objection
    objection_task: Task
    fund: object
    candidate: LinkCandidate
    notification: Notification
    mediator: object
    caseworker: object
    attachment: ApplicationAttachment  # a paper 赵铁柱 sent with an online application
    application: AidProgrammeApplication  # 临时救助 for 李秀兰's household, awaiting approval
    application_document: object
    token: PersonalToken  # cy_mediator's personal API token

    @property
    def markers(self) -> tuple[str, ...]:
        return (self.case.number, CY_WORKER, CY_EMPLOYER, CY_HEAD, CY_OBJECTION, CY_CANDIDATE, *CY_ORGANISATIONS,
                self.application.number, self.token.prefix)

    def state(self) -> dict:
        """What a refused request must leave as it was, read in three queries (it is read thousands of times)."""
        def of(model, pk, field="status"):
            return Subquery(model.objects.filter(pk=pk).values(field)[:1])

        row = DisputeCase.objects.filter(pk=self.case.pk).values(case=F("status")).annotate(
            file=of(HardshipFile, self.file.pk), objection=of(Objection, self.objection.pk),
            candidate=of(LinkCandidate, self.candidate.pk), notification_read=of(Notification, self.notification.pk, "read_at"),
            application=of(AidProgrammeApplication, self.application.pk),
            cause=of(Household, self.file.household_id, "cause"),
            token_revoked=of(PersonalToken, self.token.pk, "revoked_at"),
        ).get()
        tasks = Task.objects.filter(process__in=self.processes).order_by("pk").values_list("pk", "status", "owner_id")
        return {"journal": AuditEvent.objects.count(), **row, "tasks": list(tasks)}

    def journal_of_chaoyang(self) -> int:
        """Journal entries about 朝阳: of its organisations, or by its people."""
        chaoyang = Organisation.objects.subtree_of([self.case.organisation.parent])
        return AuditEvent.objects.filter(Q(organisation__in=chaoyang) | Q(actor__in=[self.mediator, self.caseworker])).count()

    @property
    def processes(self) -> list[int]:
        return [self.case_task.process_id, self.file_task.process_id, self.objection_task.process_id]


def notice(organisation, subject, by):
    return issue_document(kind="notice", organisation=organisation, subject=subject, by=by, context={
        "title": "调解通知书", "document_number": "朝建调通字〔2026〕第0007号", "addressee": CY_WORKER,
        "paragraphs": [f"你与{CY_EMPLOYER}之间的劳动争议调解申请，本中心已受理。"], "date": "2026年11月2日",
    })


def dispute_today(organisation, by, *, worker: str, employer: str, n: int, phone: str = "") -> DisputeCase:
    """A wage claim received now at `organisation`, registered by `by` with its flow open."""
    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from cases.rules.claims import ClaimType
    from tests.identifiers import resident_id, uscc

    return open_dispute(
        acknowledge_warnings=True, organisation=organisation, by=by, channel="walk_in_written",
        received_on=timezone.localdate(), received_at=timezone.now(), facts="拖欠工资两个月。",
        worker=WorkerInput(name=worker, resident_id=resident_id(n), phone=phone),
        employer=EmployerInput(name=employer, uscc=uscc(n)),
        claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("18000.00"))],
    ).case


def hardship_file_with_flow(organisation, by, *, head: str, resident_id: str, region: str) -> HardshipFile:
    """A household in hardship at `organisation` whose application waits in the caseworkers' queue."""
    household = household_in_hardship(organisation, name=head, resident_id=resident_id, region=region)
    file = open_hardship_file(household=household, by=by, source="application", year=2025)
    start_hardship_flow(file, by=by)
    return file


def build_chaoyang(orgs, make_user) -> Chaoyang:
    """朝阳's records, made through the services as its own staff would."""
    mediator = make_user("cy_mediator", orgs["cy_street"], Role.MEDIATOR)
    caseworker = make_user("cy_caseworker", orgs["cy"], Role.HARDSHIP_CASEWORKER)
    today = timezone.localdate()
    case = dispute_today(orgs["cy_street"], mediator, worker=CY_WORKER, employer=CY_EMPLOYER, n=7,
                         phone=CY_WORKER_PHONE)
    attachment = ApplicationAttachment.objects.create(
        case=case, file=SimpleUploadedFile("工资条.png", PNG), original_name="工资条.png",
        sha256=hashlib.sha256(PNG).hexdigest(), size=len(PNG), content_type="image/png")
    case_task = Task.objects.get(process__disputeprocess__case=case, flow_task=DisputeFlow.decide_acceptance)
    claim_task(case_task, mediator)
    case_task.refresh_from_db()

    file = hardship_file_with_flow(orgs["cy"], caseworker, head=CY_HEAD, resident_id=CY_HEAD_ID, region=CY_REGION)
    file_task = Task.objects.get(process__hardshipprocess__file=file, flow_task=HardshipFlow.take_application,
                                 status=STATUS.NEW)
    keep_attachment(file, SimpleUploadedFile("授权书.pdf", b"%PDF-1.7\n%%EOF\n"), AttachmentKind.AUTHORISATION,
                    by=caseworker)
    objection = Objection.objects.create(file=file, stage=H.IN_PUBLICITY, content=CY_OBJECTION, recorded_by=caseworker)
    ObjectionFlow.start.run(objection=objection)
    objection_task = Task.objects.get(process__objectionprocess__objection=objection,
                                      flow_task=ObjectionFlow.review_objection)

    dispute_worker(orgs["cy_street"], "李强", valid_id("11010519800808006"), date(1980, 8, 8))
    civil(orgs["cy"], CY_CANDIDATE, birth=date(1980, 8, 8), region="110105")
    link_civil_records(organisation=orgs["cy"])

    # 李秀兰's household, in identification (not on file), had an accident: 临时救助, awaiting approval.
    programme_rules(today.year, region=CY_REGION)
    application = apply_for_programme(
        programme=AidProgramme.EMERGENCY, by=caseworker, household=file.household, reason="家中失火，急需救助。",
        fund=programme_fund(orgs["cy"], AidProgramme.EMERGENCY, year=today.year),
        event_on=today - timedelta(days=3), requested_amount=Decimal("2000.00"))

    notification = Notification.objects.create(
        recipient=mediator, kind="task_assigned", title=f"新任务：{case.number} {CY_WORKER}",
        body=f"{CY_WORKER}诉{CY_EMPLOYER}", link=f"/cases/{case.pk}/", idempotency_key=f"security-{case.pk}",
    )
    return Chaoyang(
        case=case, case_task=case_task, case_document=notice(orgs["cy_street"], case, mediator),
        file=file, file_task=file_task, file_document=notice(orgs["cy"], file, caseworker),
        objection=objection, objection_task=objection_task,
        fund=fund_with_budget(orgs["cy"], year=today.year),
        candidate=LinkCandidate.objects.get(civil_record__name=CY_CANDIDATE),
        notification=notification, mediator=mediator, caseworker=caseworker, attachment=attachment,
        application=application, application_document=notice(orgs["cy"], application, caseworker),
        token=create_token(user=mediator, name="调解员手机应用", days=90)[0],
    )

