"""The respondent's consent to mediate, recorded through the door before a case is accepted
(企业劳动争议协商调解规定 第二十条: accept is refused without it). Setup for tests that accept."""

from cases.platform.transitions import apply


def consent_recorded(case, by, *, on=None, method="written", given_by="法定代表人"):
    """The employer's written consent, dated the day the application was received unless `on`."""
    return apply(case, "record_consent", by=by, data={
        "decision": "consented", "consent_method": method, "decided_on": on or case.received_on, "given_by": given_by,
    }).event


def consent_recorded_in_task(task, by, *, on=None):
    """The same, as the in-task action of the claimed 受理审查 task (decide_acceptance)."""
    from workflows.dispute.flow import case_of, take_action

    case = case_of(task)
    return take_action(task, by=by, action="record_consent", data={
        "decision": "consented", "consent_method": "written", "decided_on": on or case.received_on,
        "given_by": "法定代表人",
    }).event
