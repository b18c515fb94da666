"""The contract run's data, made in a fresh database before the app starts:

    python -m tests.contract.fixtures OUT.json      (DATABASE_URL names the fresh database)

It migrates, runs the demo seed (`seed_demo`: the Beijing tree, one user per role, a hardship
file waiting in the caseworkers' queue, the aid programmes' files and documents) and adds
disputes at 中关村街道 in every place a worklist shows them — four in the acceptance queue,
one claimed by the mediator, one accepted (its notices issued) and assigned to the mediator —
and one at 朝阳 (建外街道), outside the mediator's scope. It makes personal tokens for the
mediator (the staff principal) and the caseworker (the hardship principal), and registers a
system client bound to 海淀 with every scope (`system_principal`), two of the disputes and the
demo hardship file counting as applications it sent.

OUT.json holds the tokens by principal, what the system client may and may not reach, and the
ids of what exists (cases, files, tasks,
documents; the tasks of every kind, a flow's start and gateways too):
tests/contract/hooks.py makes requests with them, so that generated requests reach
real records as well as missing ones.
"""

import io
import json
import os
import sys
from decimal import Decimal

CONSENT = {"decision": "consented", "consent_method": "written", "given_by": "李四（法定代表人）"}
TOKEN_DAYS = 1


def _open(organisation, by, *, worker: str, resident_id: str, amount: str):
    from django.utils import timezone

    from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
    from cases.models import Channel
    from cases.rules.claims import ClaimType
    from workflows.dispute.flow import open_dispute

    now = timezone.localtime()
    return open_dispute(
        organisation=organisation, by=by, channel=Channel.WALK_IN_WRITTEN, received_on=now.date(), received_at=now,
        acknowledge_warnings=True, facts="用人单位自2026年8月起拖欠工资，多次催要未果。",
        worker=WorkerInput(name=worker, resident_id=resident_id, phone="13800138000"),
        employer=EmployerInput(name="北京某科技有限公司", uscc="91350100M000100Y43", legal_representative="李四"),
        claims=[ClaimInput(claim_type=ClaimType.WAGE_ARREARS, amount_claimed=Decimal(amount))],
    ).case


def _open_task(subject, node_name: str):
    from workflows.dispute.flow import OPEN_TASK_STATUSES
    from workflows.dispute.pages import subject_tasks

    return next(task for task in subject_tasks(subject).filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
                if task.flow_task.name == node_name)


# The workers of the disputes made here, each a different person (valid made-up resident IDs).
WORKERS = ["王秀英", "陈志强", "刘芳", "赵磊", "孙丽", "周强", "吴敏"]


def _workers():
    from tests.identifiers import resident_id

    return iter([(name, resident_id(700 + n, region="110108", born="19850101")) for n, name in enumerate(WORKERS)])


def seed_disputes(users, organisations) -> dict:
    from django.utils import timezone

    from workflows.dispute.flow import claim_task
    from workflows.transition_requests import take

    mediator, lead = users["mediator"], users["lead"]
    zgc = organisations["BJ-HD-ZGC"]
    people = _workers()
    queued = [_open(zgc, mediator, worker=name, resident_id=rid, amount=f"{10000 + 5000 * n}.00")
              for n, (name, rid) in zip(range(4), people, strict=False)]
    name, rid = next(people)
    claimed = _open(zgc, mediator, worker=name, resident_id=rid, amount="8000.00")
    claim_task(_open_task(claimed, "decide_acceptance"), mediator)

    name, rid = next(people)
    accepted = _open(zgc, mediator, worker=name, resident_id=rid, amount="45000.00")
    claim_task(_open_task(accepted, "decide_acceptance"), mediator)
    take(accepted, "record_consent", by=mediator, data={**CONSENT, "decided_on": timezone.localdate().isoformat()})
    take(accepted, "accept", by=mediator, data={})
    claim_task(_open_task(accepted, "assign_mediator"), lead)
    take(accepted, "assign", by=lead, data={"mediator": mediator.pk})

    name, rid = next(people)
    elsewhere = _open(organisations["BJ-CY-JW"], users["cy_mediator"], worker=name, resident_id=rid, amount="12000.00")
    return {"queued": queued, "claimed": claimed, "accepted": accepted, "elsewhere": elsewhere}


def cy_mediator(organisations):
    """A mediator of 建外街道 (朝阳): the demo seed has staff only in 海淀."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role

    user, _created = get_user_model().objects.get_or_create(username="contract-cy-mediator",
                                                            defaults={"first_name": "朝阳调解"})
    Membership.objects.get_or_create(user=user, organisation=organisations["BJ-CY-JW"], role=Role.MEDIATOR)
    return user


def claim_hardship_work(caseworker) -> None:
    """The caseworker claims the oldest task of the queue, so that 我的待办 has a row too."""
    from workflows.dispute.flow import claim_task
    from workflows.hardship.views import hardship_queue

    task = hardship_queue(caseworker).first()
    if task is not None:
        claim_task(task, caseworker)


def system_principal(organisations, by):
    """A system client (OAuth2 client credentials, api/system/) of 海淀区总工会 holding every scope,
    and its client id and secret, with which tests/contract/hooks.py asks the token endpoint for a token."""
    from api.system.clients import register_client
    from api.system.models import SCOPES

    client, secret = register_client(name="契约测试客户端（海淀）", organisation=organisations["BJ-HD"],
                                     scopes=list(SCOPES), by=by)
    return client, {"client_id": client.application.client_id, "client_secret": secret}


def submitted_by(client, *, cases, files) -> None:
    """The client's own applications, whose progress it may read: as if it had sent them."""
    from api.system.models import SubmittedApplication

    for case in cases:
        SubmittedApplication.objects.create(client=client, case=case)
    for file in files:
        SubmittedApplication.objects.create(client=client, file=file)


def reach_of(client, other) -> dict:
    """What the system client may name (its subtree's codes) and what it must never see: the codes
    of another district's subtree (朝阳) and the numbers of that district's cases."""
    from cases.models import DisputeCase, Organisation

    outside = Organisation.objects.subtree_of([other])
    return {
        "own_codes": sorted(Organisation.objects.subtree_of([client.organisation]).values_list("code", flat=True)),
        "foreign_codes": sorted(outside.values_list("code", flat=True)),
        "foreign_numbers": sorted(DisputeCase.objects.filter(organisation__in=outside).values_list("number", flat=True)),
    }


def known_ids() -> dict:
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Task

    from api.system.models import SubmittedApplication
    from cases.models import DisputeCase, Document, HardshipFile
    from workflows.hardship.views import hardship_tasks

    def documents(model) -> list[int]:
        return list(Document.objects.filter(subject_type=ContentType.objects.get_for_model(model))
                    .order_by("pk").values_list("pk", flat=True))

    hardship_task_ids = set(hardship_tasks().values_list("pk", flat=True))
    submitted = SubmittedApplication.objects.order_by("pk")
    return {
        "application_dispute": [row.case_id for row in submitted.filter(case__isnull=False)],
        "application_hardship": [row.file_id for row in submitted.filter(file__isnull=False)],
        "dispute": list(DisputeCase.objects.order_by("pk").values_list("pk", flat=True)),
        "hardship_file": list(HardshipFile.objects.order_by("pk").values_list("pk", flat=True)),
        "dispute_task": list(Task.objects.exclude(pk__in=hardship_task_ids).order_by("pk").values_list("pk", flat=True)),
        "hardship_task": sorted(hardship_task_ids),
        "dispute_document": documents(DisputeCase),
        "hardship_document": documents(HardshipFile),
    }


def make(out_path: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from api.auth import create_token
    from cases.models import HardshipFile, Organisation

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    organisations = {organisation.code: organisation for organisation in Organisation.objects.all()}
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["mediator", "lead", "caseworker"])}
    users["cy_mediator"] = cy_mediator(organisations)
    disputes = seed_disputes(users, organisations)
    claim_hardship_work(users["caseworker"])
    client, credentials = system_principal(organisations, users["lead"])
    submitted_by(client, cases=[disputes["queued"][0], disputes["claimed"]],
                 files=HardshipFile.objects.filter(organisation=organisations["BJ-HD"]).order_by("pk")[:1])
    principals = {
        "staff": create_token(user=users["mediator"], name="契约测试（调解员）", days=TOKEN_DAYS)[1],
        "hardship": create_token(user=users["caseworker"], name="契约测试（帮扶工作人员）", days=TOKEN_DAYS)[1],
        "system": credentials,
    }
    data = {"principals": principals, "ids": known_ids(), "reach": reach_of(client, organisations["BJ-CY"]),
            "cases": {name: [c.pk for c in value] if isinstance(value, list) else value.pk
                      for name, value in disputes.items()}}
    with open(out_path, "w") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
    return data


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    data = make(argv[0])
    counts = {name: len(ids) for name, ids in data["ids"].items()}
    print(f"contract fixtures: {counts}; system client: {data['principals']['system']['client_id']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
