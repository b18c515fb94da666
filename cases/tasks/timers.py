import logging

from celery import shared_task
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_conditions, fire_due_timers

logger = logging.getLogger(__name__)


@shared_task(name="cases.tasks.fire_workflow_timers", acks_late=True, ignore_result=True)
def fire_workflow_timers_task() -> dict:
    """Beat, every minute: fire viewflow's due timers and conditions.

    viewflow logs and swallows a failing timer, leaving its task in ERROR; report those
    loudly so they do not sit unseen.
    """
    timers = fire_due_timers()
    conditions = fire_due_conditions()
    errors = list(Task.objects.filter(status=STATUS.ERROR).values_list("pk", flat=True)[:50])
    if errors:
        logger.error("workflow tasks in ERROR (first 50): %s", errors)
    return {"timers": timers, "conditions": conditions, "tasks_in_error": len(errors)}
