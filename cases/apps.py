from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("案件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The services that register door effects and clock hooks (cases.platform.effects).
        from cases.disputes import mediation, recovery, representation, service  # noqa: F401
        from cases.hardship import aid, identification  # noqa: F401
        from cases.hardship.programmes import applications  # noqa: F401
        from cases.platform import deadlines  # noqa: F401
        from cases.platform.administration.people import connect_signals as connect_account_signals
        from cases.platform.holiday_schedules import connect_calendar

        from . import checks, signals  # noqa: F401  (registers system checks and receivers)

        connect_calendar()
        connect_account_signals()  # a replaced temporary password (cases.models.accounts)
