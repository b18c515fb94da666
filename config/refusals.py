"""A refused request (403) goes into the log once, as one warning line naming the user, the path
and the reason (the PermissionDenied's message), without a traceback: a refusal is an answer the
application meant to give, not an error.

Django logs each PermissionDenied on `django.request` at WARNING with its whole traceback, and in
DEBUG (`make run`) its own console handler on the `django` logger printed it a second time beside
the root's; settings.LOGGING leaves `django` without handlers of its own and puts this filter on
`django.request`.
"""

import logging

FORBIDDEN = 403


def who(request) -> str:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"{user.get_username()} (#{user.pk})"


def raised_at(exc_info) -> str:
    """Where a refusal without a message came from (viewflow's application check raises a bare
    PermissionDenied): the module and function of the raising frame, so the line still says why."""
    traceback = exc_info[2] if exc_info else None
    if traceback is None:
        return "-"
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    frame = traceback.tb_frame
    return f"(no message) raised in {frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}"


class RefusalLine(logging.Filter):
    """Rewrites a 403 record of `django.request` into "Forbidden: user=… path=… reason=…"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != FORBIDDEN or getattr(record, "refusal_line", False):
            return True  # a second copy of the filter (logging configured again) finds it done
        request = getattr(record, "request", None)
        exception = record.exc_info[1] if record.exc_info else None
        reason = str(exception) if exception is not None and str(exception) else raised_at(record.exc_info)
        record.msg = "Forbidden: user=%s path=%s reason=%s"
        record.args = (who(request), getattr(request, "path", "-"), reason)
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        record.refusal_line = True
        return True
