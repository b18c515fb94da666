"""/api/v1/: the staff API, the system clients' API (api/system/), its OpenAPI document and its reference pages."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.system.urls import system_patterns
from api.views import disputes, hardship, worklists
from api.views.transitions import DisputeTransition, HardshipTransition, transition_paths

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("disputes/tasks/mine", worklists.MyDisputeTasks.as_view(), name="dispute-tasks-mine"),
    path("disputes/tasks/queue", worklists.DisputeQueue.as_view(), name="dispute-tasks-queue"),
    path("disputes/tasks/<int:task_id>/claim", worklists.ClaimDisputeTask.as_view(), name="dispute-task-claim"),
    path("disputes/<int:pk>", disputes.DisputeDetail.as_view(), name="dispute-detail"),
    path("disputes/<int:pk>/documents/<int:document_pk>", disputes.DisputeDocument.as_view(),
         name="dispute-document"),
    *transition_paths(DisputeTransition, "disputes", "dispute-transition"),
    path("hardship/tasks/mine", worklists.MyHardshipTasks.as_view(), name="hardship-tasks-mine"),
    path("hardship/tasks/queue", worklists.HardshipQueue.as_view(), name="hardship-tasks-queue"),
    path("hardship/tasks/<int:task_id>/claim", worklists.ClaimHardshipTask.as_view(), name="hardship-task-claim"),
    path("hardship/files/<int:pk>", hardship.HardshipFileDetail.as_view(), name="hardship-detail"),
    path("hardship/files/<int:pk>/documents/<int:document_pk>", hardship.HardshipFileDocument.as_view(),
         name="hardship-document"),
    *transition_paths(HardshipTransition, "hardship/files", "hardship-transition"),
    *system_patterns,  # system clients: OAuth2 token, applications, civil-affairs batches, statistics
]
