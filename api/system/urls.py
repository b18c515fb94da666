"""The system clients' part of /api/v1/: the token endpoint and the system endpoints."""

from django.urls import path

from api.system import applications, civil_affairs_views, statistics
from api.system.clients import SystemTokenView

system_patterns = [
    path("oauth/token/", SystemTokenView.as_view(), name="oauth-token"),
    path("applications/organisations", applications.ApplicationOrganisations.as_view(),
         name="application-organisations"),
    path("applications/disputes", applications.DisputeApplications.as_view(), name="application-disputes"),
    path("applications/disputes/<int:pk>", applications.DisputeApplicationProgress.as_view(),
         name="application-dispute"),
    path("applications/disputes/<int:pk>/notices/<int:document_pk>", applications.DisputeApplicationNotice.as_view(),
         name="application-dispute-notice"),
    path("applications/hardship", applications.HardshipApplications.as_view(), name="application-hardships"),
    path("applications/hardship/<int:pk>", applications.HardshipApplicationProgress.as_view(),
         name="application-hardship"),
    path("civil-affairs/batches", civil_affairs_views.CivilAffairsBatches.as_view(), name="civil-affairs-batches"),
    path("civil-affairs/batches/<str:batch_id>", civil_affairs_views.CivilAffairsBatchDetail.as_view(),
         name="civil-affairs-batch"),
    path("civil-affairs/batches/<str:batch_id>/records", civil_affairs_views.CivilAffairsBatchRecords.as_view(),
         name="civil-affairs-batch-records"),
    path("statistics/disputes", statistics.DisputeStatistics.as_view(), name="statistics-disputes"),
    path("statistics/hardship", statistics.HardshipStatistics.as_view(), name="statistics-hardship"),
]
