"""The dispute queues' stored rows (workflows/dispute/queue_entries.py), filled from the open
human tasks of dispute cases and each case's nearest awaiting clock (cases/disputes/urgency.py,
written out here with the historical models)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce

AWAITING = Q(state__in=["open", "extended"]) | Q(state="breached", imported=True, closed_at__isnull=True)


def fill_entries(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    DisputeProcess = apps.get_model("workflows", "DisputeProcess")
    DisputeCase = apps.get_model("cases", "DisputeCase")
    Deadline = apps.get_model("cases", "Deadline")
    Instalment = apps.get_model("cases", "Instalment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Entry = apps.get_model("workflows", "DisputeQueueEntry")
    case_type = ContentType.objects.filter(app_label="cases", model="disputecase").first()
    instalment_type = ContentType.objects.filter(app_label="cases", model="instalment").first()
    processes = dict(DisputeProcess.objects.values_list("pk", "case_id"))
    tasks = list(Task.objects.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"],
                                     process_id__in=list(processes)).values_list("pk", "process_id", "status",
                                                                                 "owner_id", "created"))
    if not tasks:
        return
    instalment_keys = Instalment.objects.filter(agreement__case_id=OuterRef(OuterRef("pk"))).annotate(
        key=Cast("pk", CharField())).values("key")
    nearest = Deadline.objects.filter(AWAITING).filter(
        Q(subject_type=case_type, subject_id=Cast(OuterRef("pk"), CharField()))
        | Q(subject_type=instalment_type, subject_id__in=instalment_keys)
    ).order_by("due_on", "pk")
    cases = {
        pk: (organisation_id, due_on, provisional, imported)
        for pk, organisation_id, due_on, provisional, imported in DisputeCase.objects.filter(
            pk__in=set(processes.values())).annotate(
            due=Subquery(nearest.values("due_on")[:1]),
            provisional=Coalesce(Subquery(nearest.values("provisional")[:1]), Value(False)),
            imported_clock=Coalesce(Subquery(nearest.values("imported")[:1]), Value(False)),
        ).values_list("pk", "organisation_id", "due", "provisional", "imported_clock")
    }
    entries = []
    for pk, process_id, status, owner_id, created in tasks:
        case_id = processes[process_id]
        organisation_id, due_on, provisional, imported = cases[case_id]
        entries.append(Entry(task_id=pk, case_id=case_id, organisation_id=organisation_id, status=status,
                             owner_id=owner_id, created=created, due_on=due_on, due_provisional=provisional,
                             due_imported=imported))
    Entry.objects.bulk_create(entries, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0025_agent_contacts_encrypted'),
        ('viewflow', '0015_task_scheduled'),
        ('workflows', '0003_flows_in_packages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DisputeQueueEntry',
            fields=[
                ('task', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='queue_entry', serialize=False, to='viewflow.task')),
                ('status', models.CharField(max_length=50)),
                ('created', models.DateTimeField()),
                ('due_on', models.DateField(null=True)),
                ('due_provisional', models.BooleanField(default=False)),
                ('due_imported', models.BooleanField(default=False)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.disputecase')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.organisation')),
                ('owner', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '待办队列条目',
                'verbose_name_plural': '待办队列条目',
                'indexes': [models.Index(fields=['owner', 'status', 'due_on', 'created', 'task'], name='queue_entry_inbox_idx'), models.Index(condition=models.Q(('owner__isnull', True)), fields=['status', 'due_on', 'created', 'task'], name='queue_entry_queue_idx')],
            },
        ),
        migrations.RunPython(fill_entries, migrations.RunPython.noop),
    ]
