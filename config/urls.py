from django.contrib import admin
from django.urls import include, path

from workflows.site import site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    # The workers' own pages (no staff login): README, "Pages for workers".
    path("public/", include("public.urls")),
    path("", site.urls),
]

# A 404 under /api/ is a problem (application/problem+json); elsewhere the pages' own page.
handler404 = "api.problems.not_found"
