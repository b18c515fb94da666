from django.contrib import admin
from django.urls import include, path

from workflows.site import site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", site.urls),
]
