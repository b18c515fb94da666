"""The dispute queues' stored rows (workflows/dispute/queue_entries.py), filled from the open
human tasks of dispute cases and each case's nearest awaiting clock (cases/disputes/urgency.py,
written out here with the historical models)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

AWAITING = Q(state__in=["open", "extended"]) | Q(state="breached", imported=True, closed_at__isnull=True)
BATCH_SIZE = 500


def fill_entries(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    DisputeProcess = apps.get_model("workflows", "DisputeProcess")
    Entry = apps.get_model("workflows", "DisputeQueueEntry")
    processes = {pk: (case_id, organisation_id) for pk, case_id, organisation_id
                 in DisputeProcess.objects.values_list("pk", "case_id", "case__organisation_id")}
    tasks = list(Task.objects.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"])
                 .values_list("pk", "process_id", "status", "owner_id", "created"))
    tasks = [task for task in tasks if task[1] in processes]
    case_ids = sorted({processes[task[1]][0] for task in tasks})
    clocks = {}
    for start in range(0, len(case_ids), BATCH_SIZE):
        clocks.update(_nearest_clocks(apps, case_ids[start:start + BATCH_SIZE]))
    entries = []
    for pk, process_id, status, owner_id, created in tasks:
        case_id, organisation_id = processes[process_id]
        due_on, provisional, imported = clocks.get(case_id, (None, False, False))
        entries.append(Entry(task_id=pk, case_id=case_id, organisation_id=organisation_id, status=status,
                             owner_id=owner_id, created=created, due_on=due_on, due_provisional=provisional,
                             due_imported=imported))
    Entry.objects.bulk_create(entries, batch_size=2000)


def _nearest_clocks(apps, case_ids):
    """{case id: (due_on, provisional, imported)} of each case's nearest awaiting clock, its own
    or its instalments' (cases/disputes/urgency.py)."""
    Deadline = apps.get_model("cases", "Deadline")
    Instalment = apps.get_model("cases", "Instalment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = dict(ContentType.objects.filter(app_label="cases", model__in=["disputecase", "instalment"])
                 .values_list("model", "pk"))
    case_of_instalment = dict(Instalment.objects.filter(agreement__case_id__in=case_ids)
                              .values_list("pk", "agreement__case_id"))
    subjects = Q(subject_type_id=types.get("disputecase"), subject_id__in=[str(pk) for pk in case_ids])
    if case_of_instalment:
        subjects |= Q(subject_type_id=types.get("instalment"), subject_id__in=[str(pk) for pk in case_of_instalment])
    nearest = {}
    for subject_type, subject_id, due_on, provisional, imported in Deadline.objects.filter(AWAITING).filter(
            subjects).order_by("due_on", "pk").values_list("subject_type_id", "subject_id", "due_on",
                                                            "provisional", "imported"):
        case_id = int(subject_id) if subject_type == types.get("disputecase") else case_of_instalment[int(subject_id)]
        nearest.setdefault(case_id, (due_on, provisional, imported))
    return nearest


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
