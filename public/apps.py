from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("职工服务")
    default_auto_field = "django.db.models.BigAutoField"
