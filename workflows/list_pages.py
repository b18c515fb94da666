"""Cheaper parts for viewflow's list pages of tasks (我的待办 and 待领取 of the dispute flow, the
hardship queue's 领取 link), each writing what viewflow's own does, with less work a page:

- CellsAtOnce: the rows' cells written by the view at once, for a template that prints them
  (templates/workflows/dispute/dispute/urgency_tasks_list.html) instead of viewflow's list
  template resolving two lookups per cell;
- TaskAddressColumns: a task page's address reversed once per flow node and view, not per row;
- OwnerColumn: 办理人, the task's holder by name (cases.selectors.person_name), not their login;
- CountedPaginator: a paginator told its count by the caller, who has it already;
- PinLocationOnChange: viewflow's "way back" address stored in the session only when it
  changes, not on every view (a session write per page).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from viewflow.workflow.flow.views.mixins import StoreRequestPathMixin

from cases.selectors import person_name

PIN_LOCATION = "vf-pin-location"  # the session key StoreRequestPathMixin writes


class CellsAtOnce:
    """Puts `page_rows` in the context: (object, its cells' HTML) for each row of the page, the
    cells as viewflow/views/list.html writes them (`<td class="vf-list__table-cell-{type}">`)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_rows"] = list(self.page_rows(context.get("page_obj") or context["object_list"]))
        return context

    def page_rows(self, page):
        kinds = {column: conditional_escape(column.column_type()) for column in self.list_columns.values()}
        for obj, row in self.get_page_data(page):
            yield obj, mark_safe("".join(
                f'<td class="vf-list__table-cell-{kinds[column]}">{conditional_escape(value)}</td>'
                for column, value in row))


class TaskAddresses:
    """The addresses of tasks' pages on one list page, each flow node's and view's reversed once
    and the ids put in (a reverse costs about 0.1 ms; a page asks for 25 to 50 of them)."""

    PROCESS, TASK = 918273645501, 918273645502  # stand-ins for the ids in the reversed address

    def __init__(self):
        self.patterns = {}

    def __call__(self, task, view_name: str) -> str:
        key = (task.flow_task, view_name)
        if key not in self.patterns:
            self.patterns[key] = task.flow_task.reverse(view_name, args=[self.PROCESS, self.TASK])
        return self.patterns[key].replace(str(self.PROCESS), str(task.process_id)).replace(
            str(self.TASK), str(task.pk))


class TaskAddressColumns:
    @cached_property
    def task_address(self) -> TaskAddresses:
        return TaskAddresses()


class OwnerColumn:
    """办理人: who holds the task, by name as every other page names a person (viewflow's own column
    printed the user's login). Read the tasks with their owner (select_related("owner")): no query
    a row."""

    def owner(self, task):
        return person_name(task.owner) if task.owner_id else ""

    owner.short_description = gettext_lazy("办理人")
    owner.orderby_column = "owner"  # sorted as viewflow's column was


class CountedPaginator(Paginator):
    """A paginator told its count (`count`, called once when asked) instead of counting."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_of_rows = count

    @cached_property
    def count(self):
        return self.count_of_rows()


class PinLocationOnChange:
    """For a view with viewflow's StoreRequestPathMixin later in its bases: the same session
    value, written only when it changes (the mixin's own dispatch is stepped over)."""

    def dispatch(self, request, *args, **kwargs):
        if request.session.get(PIN_LOCATION) != request.get_full_path():
            request.session[PIN_LOCATION] = request.get_full_path()
        return super(StoreRequestPathMixin, self).dispatch(request, *args, **kwargs)
