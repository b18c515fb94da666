"""Who reads which journal entries: the auditors' own work is for auditors only (issue 17, point 9).

An auditor's reveal of a masked ID number, their exports of a case's history, their runs of the
chain check, and every record they open or download while auditing are journalled like anyone's
reads — but those being audited must not learn from their case or file timeline who audits them,
or why. So the timelines the staff pages show leave those entries out, unless the reader is
themselves an auditor over the subject's organisation (or a superuser). Transitions, documents
and everyone else's reads stay on every timeline: auditors never change anything, so hiding their
entries hides no change to the record.
"""

from django.db.models import Q

from cases.models import AuditAction, Membership, Organisation, Role
from cases.models.access import roles_in

# What the audit pages journal (workflows.audit.views): whoever the actor is, it is audit work.
AUDIT_PAGE_EVENTS = ("reveal_resident_id", "reveal_member_resident_id", "export_history_json", "export_history_pdf",
                     "verify_chain")
# The journal's reads; a read by a holder of the auditor role is audit work too.
READS = (AuditAction.SENSITIVE_VIEW, AuditAction.EXPORT, AuditAction.VERIFY)


def auditors_work() -> Q:
    """Journal entries of auditing: the audit pages' events, and any read by an auditor."""
    auditors = Membership.objects.filter(role=Role.AUDITOR).values("user_id")
    return Q(action__in=READS) & (Q(name__in=AUDIT_PAGE_EVENTS) | Q(actor__isnull=False, actor__in=auditors))


def reads_auditors_work(user, organisation: Organisation) -> bool:
    """Auditors over `organisation` (held in it or above) and superusers see the auditors' entries."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return Role.AUDITOR in roles_in(user, organisation)


def journal_visible_to(user, organisation: Organisation) -> Q:
    """The condition a timeline of a subject of `organisation` adds for `user`."""
    return Q() if reads_auditors_work(user, organisation) else ~auditors_work()
