from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("工作流")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The flows register the effects the domain names (cases.platform.effects): following
        # a case's status, starting a hardship file's work; the dispute queues' stored rows
        # follow the tasks and the clocks.
        from workflows.dispute import (
            flow as dispute_flow,  # noqa: F401
            imported as dispute_imports,  # noqa: F401
            queue_entries,  # noqa: F401
        )
        from workflows.hardship import flow as hardship_flow  # noqa: F401

        from django.contrib.auth.signals import user_logged_in

        from workflows.accounts.middleware import remember_temporary_password

        user_logged_in.connect(remember_temporary_password, dispatch_uid="remember_temporary_password")
