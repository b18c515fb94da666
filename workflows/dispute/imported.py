"""A historical case imported as still pending joins the dispute flow where it was (issue 16, point 14).

import_disputes takes each case through the door's import_history; that transition names the
effect dispute_flow.start_imported, registered here, so the flow starts in the import's
transaction (nothing under cases/ imports the flow). Imported as registered (登记), the case
waits in acceptance review in its organisation's queue; as accepted (受理), it waits for a
mediator to be assigned. A case imported in a final state gets no flow. What the flow did is
journalled with the import_history event (data["effects"]["dispute_flow.start_imported"]).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from cases.models.dispute.imported import IMPORTED_PENDING, START_IMPORTED_FLOW
from cases.platform.effects import effect
from workflows.dispute.flow import DisputeFlow, open_tasks_of
from workflows.models import DisputeProcess


@effect(START_IMPORTED_FLOW)
def start_imported_flow(case, *, by, today: date | None = None) -> dict | None:
    """Open the flow of a case just imported as pending, at the task its status calls for.

    Returns what is journalled with the import (the process and the task the case waits in);
    None for a case imported in a final state, which gets no flow."""
    if case.status not in IMPORTED_PENDING:
        return None
    if DisputeProcess.objects.filter(case=case).exists():
        raise ValidationError(gettext("案件%(number)s的调解流程已经启动。") % {"number": case.number})
    process = DisputeFlow.start_imported.run(case=case, by=by)
    waiting = open_tasks_of(process).get()
    return {"process": process.pk, "task": waiting.flow_task.name, "task_title": str(waiting.flow_task.task_title)}
