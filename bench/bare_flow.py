"""The baseline of bench/dispute_lifecycle.py: a bare viewflow flow with the dispute flow's seven
human tasks in a row on a plain viewflow Process, with the same row lock (select_for_update).
Not registered in any URLconf: the benchmark drives it from code only. viewflow stores a flow
as "<app label>/<module path in the app>" and finds it again by importing that path, so this
module also answers, in the benchmark's process only, to a name inside an installed app
(viewflow's own): workflow_process.flow_class reads "viewflow/bench_bare_flow.BareFlow"."""

import sys

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process

MODULE = "viewflow.bench_bare_flow"
sys.modules[MODULE] = sys.modules[__name__]


class BareFlow(flow.Flow):
    """Seven human tasks, nothing else: what viewflow itself costs per step."""

    __module__ = MODULE
    process_class = Process
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.decide_acceptance)
    decide_acceptance = flow.View(this.noop_view).Next(this.assign_mediator)
    assign_mediator = flow.View(this.noop_view).Next(this.mediate)
    mediate = flow.View(this.noop_view).Assign(this.the_owner).Next(this.sign_agreement)
    sign_agreement = flow.View(this.noop_view).Assign(this.the_owner).Next(this.supervise_performance)
    supervise_performance = flow.View(this.noop_view).Assign(this.the_owner).Next(this.close_case)
    close_case = flow.View(this.noop_view).Assign(this.the_owner).Next(this.archive_case)
    archive_case = flow.View(this.noop_view).Assign(this.the_owner).Next(this.end)
    end = flow.End()

    # The human tasks that are claimed (the rest are assigned to the process's owner on creation).
    CLAIMED = ("decide_acceptance", "assign_mediator")
    HUMAN = ("decide_acceptance", "assign_mediator", "mediate", "sign_agreement", "supervise_performance",
             "close_case", "archive_case")

    def noop_view(self, request, **kwargs):
        """The tasks' page, never routed: the flow is not in any URLconf."""
        from django.http import HttpResponseNotFound

        return HttpResponseNotFound()

    def start_process(self, activation, owner=None):
        activation.process.data = {"owner": owner.pk}
        return activation.process

    def the_owner(self, activation):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=activation.process.data["owner"])
