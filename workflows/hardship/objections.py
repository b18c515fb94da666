"""Who reviews a publicity objection (公示异议核查): a caseworker or reviewer of the file's
organisation who did not prepare the file — never its applicant's caseworker, home visitors or
the democratic review's recorder (HardshipFile.preparers). The door refuses them too
(HardshipFile.resolve_objection); here the task is neither offered to them in the queue nor
claimable by them."""

from django.db.models import Q

from cases.models import Role
from cases.models.hardship.file import PREPARER_MAY_NOT_REVIEW_OBJECTION
from workflows.dispute.flow import CaseTask, case_of

OBJECTION_HANDLERS = (Role.HARDSHIP_CASEWORKER, Role.REVIEWER)
# How a task of the objection flow reaches the file's preparers, for queue filtering.
_FILE = "process__objectionprocess__objection__file__"
PREPARER_FIELDS = ("prepared_by", "visited_by", "second_visitor", "reviewed_by")


class ObjectionReviewTask(CaseTask):
    def __init__(self, view, **kwargs):
        super().__init__(view, roles=OBJECTION_HANDLERS, **kwargs)

    def excluded(self, user, task) -> bool:
        return user.pk in case_of(task).preparers()

    def may_act(self, user, task) -> bool:
        return super().may_act(user, task) and not self.excluded(user, task)

    def refusal(self, user, task) -> str:
        if self.excluded(user, task) and super().may_act(user, task):
            return str(PREPARER_MAY_NOT_REVIEW_OBJECTION)
        return super().refusal(user, task)


def prepared_by_user(user) -> Q:
    """Tasks of the objection flow whose file `user` prepared (to leave out of their queue)."""
    condition = Q()
    for field in PREPARER_FIELDS:
        condition |= Q(**{_FILE + field: user})
    return condition
