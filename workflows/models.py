"""The workflow side of a case: one viewflow Process per case, pointing at it.

The process holds no legal state of its own. The case's status (cases.models.dispute.case) is the
truth; the process holds the work — who is to do what next — and its tasks sit in the
organisation queue of the case.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from workflows.flow_lock import case_read_by_lock, holds_flow_lock


class DisputeProcess(Process):
    """The mediation work on one labour dispute case (DisputeFlow)."""

    case = models.OneToOneField(
        "cases.DisputeCase", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="process",
    )

    # How the workbench home (workflows.home.unassigned_tasks) and the queues reach the
    # organisation that owns a task: process → case → organisation.
    organisation_lookup = "case__organisation"
    # What its brief (DisputeFlow.process_summary_template) reads, joined by a list of processes.
    brief_reads = ("case__worker", "case__employer")

    class Meta:
        verbose_name = _("调解流程")
        verbose_name_plural = _("调解流程")
        # viewflow appends "manage" when a flow names this process class; declared here so
        # the migration state does not depend on whether the flow module was imported.
        default_permissions = ("add", "change", "delete", "view", "manage")

    def __str__(self):
        return str(_("调解流程：%(case)s") % {"case": self.case.number})

    @property
    def subject(self):
        """What the flow's steps move through the transition door; read with its organisation,
        which the task's checks read next."""
        if self.case_id is not None and not DisputeProcess.case.is_cached(self):
            model = self._meta.get_field("case").related_model
            if holds_flow_lock(self.pk):  # a write under the flow lock: read it as the door locks it
                from cases.platform.transitions import lock_for_door

                self.case = case_read_by_lock(self.pk, self.case_id) or lock_for_door(model, self.case_id)
            else:
                self.case = model._base_manager.select_related("organisation").get(pk=self.case_id)
        return self.case


class HardshipProcess(Process):
    """The identification and care of one hardship file (HardshipFlow)."""

    file = models.OneToOneField(
        "cases.HardshipFile", verbose_name=_("困难职工档案"), on_delete=models.PROTECT, related_name="process",
    )

    organisation_lookup = "file__organisation"
    brief_reads = ("file__household__head",)

    class Meta:
        verbose_name = _("帮扶流程")
        verbose_name_plural = _("帮扶流程")
        default_permissions = ("add", "change", "delete", "view", "manage")

    def __str__(self):
        return str(_("帮扶流程：%(file)s") % {"file": self.file})

    @property
    def subject(self):
        return self.file


class ObjectionProcess(Process):
    """The review of one publicity objection (ObjectionFlow): each objection opens its own task."""

    objection = models.OneToOneField(
        "cases.Objection", verbose_name=_("公示异议"), on_delete=models.PROTECT, related_name="process",
    )

    organisation_lookup = "objection__file__organisation"
    brief_reads = ("objection__file__household__head",)

    class Meta:
        verbose_name = _("异议核查流程")
        verbose_name_plural = _("异议核查流程")
        default_permissions = ("add", "change", "delete", "view", "manage")

    def __str__(self):
        return str(_("异议核查：%(file)s") % {"file": self.objection.file})

    @property
    def subject(self):
        return self.objection.file


class DisputeQueueEntry(models.Model):
    """An open human task of a dispute case (new or assigned), with what 待领取 and 我的待办
    filter and sort it by, so each reads its first page from one index.

    Kept by workflows/dispute/queue_entries.py in the transaction that changes the task (its
    status or owner) or the case's clocks (the deadlines service announces those); `due_on` and
    its flags are the case's nearest awaiting clock (cases.disputes.urgency), and
    `check_queue_entries` compares every row with it.
    """

    task = models.OneToOneField(Task, primary_key=True, on_delete=models.CASCADE, related_name="queue_entry")
    case = models.ForeignKey("cases.DisputeCase", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("cases.Organisation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=50)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField()
    due_on = models.DateField(null=True)
    due_provisional = models.BooleanField(default=False)
    due_imported = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("待办队列条目")
        verbose_name_plural = _("待办队列条目")
        # Each carries the organisation, which the page filters on the way and its count reads
        # from the index alone (an index-only scan: no visit to the rows' table).
        indexes = [
            # 我的待办: owner = me, status ASSIGNED, nearest due first (no clock last), oldest first.
            models.Index(fields=["owner", "status", "due_on", "created", "task"], name="queue_entry_inbox_idx",
                         include=["organisation"]),
            # 待领取: unowned new tasks, nearest due first; the organisations are filtered on the way.
            models.Index(fields=["status", "due_on", "created", "task"], name="queue_entry_queue_idx",
                         condition=models.Q(owner__isnull=True), include=["organisation"]),
        ]
