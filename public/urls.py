"""/public/: the workers' pages. No staff login; nothing here reads a staff page or links to one.
Every answer carries `Cache-Control: no-store` (a case's progress, a notice, what was typed):
no browser or proxy keeps a copy, signed in or not."""

from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from public import apply, hardship, progress

app_name = "public"


def page(view):
    return never_cache(view.as_view())


urlpatterns = [
    path("", TemplateView.as_view(template_name="public/index.html"), name="index"),
    path("apply/", page(apply.ApplyView), name="apply"),
    path("apply/done/", page(apply.AppliedView), name="applied"),
    path("progress/", page(progress.ProgressLookupView), name="progress"),
    path("progress/case/", page(progress.ProgressView), name="progress_case"),
    path("progress/case/documents/<int:document_pk>/", page(progress.NoticeDownloadView), name="notice"),
    path("progress/leave/", page(progress.LeaveView), name="progress_leave"),
    path("hardship/", page(hardship.HardshipApplyView), name="hardship"),
    path("hardship/done/", page(hardship.HardshipAppliedView), name="hardship_applied"),
    path("hardship/progress/", page(progress.HardshipLookupView), name="hardship_progress"),
    path("hardship/progress/file/", page(progress.HardshipProgressView), name="hardship_progress_file"),
    path("hardship/progress/leave/", page(progress.HardshipLeaveView), name="hardship_progress_leave"),
]
