"""Every transition a person takes has its form, so the API checks it as the page does: each
outcome of each flow task is answered by one of the task page's completing forms."""

from workflows.dispute.flow import DisputeFlow
from workflows.hardship.flow import HardshipFlow, ObjectionFlow
from workflows.transition_requests import completing_form_class


def test_every_outcome_of_every_task_has_its_completing_form():
    missing, wrong = [], []
    for flow_class in (DisputeFlow, HardshipFlow, ObjectionFlow):
        for node in flow_class.instance.nodes():
            for name in getattr(node, "outcomes", ()):
                found = completing_form_class(node, name)
                if found is None:
                    missing.append(f"{flow_class.__name__}.{node.name}: {name}")
                    continue
                selector = found[1].selecting(name)
                field = next(iter(selector), None)
                if field and field not in found[1].base_fields:
                    wrong.append(f"{node.name}: {name} selects {field}")
    assert missing == [] and wrong == []


def test_a_form_declares_only_what_the_tasks_using_it_may_be_completed_with():
    """ApprovalForm serves 审批 and 复审批: it may answer the outcomes of either."""
    from workflows.transition_requests import task_view_class

    outcomes_of = {}
    for flow_class in (DisputeFlow, HardshipFlow, ObjectionFlow):
        for node in flow_class.instance.nodes():
            if getattr(node, "outcomes", ()):
                for form_class in task_view_class(node).forms.values():
                    outcomes_of.setdefault(form_class, set()).update(node.outcomes)
    assert {form_class.__name__: set(form_class.transitions) - outcomes
            for form_class, outcomes in outcomes_of.items() if set(form_class.transitions) - outcomes} == {}
