"""The roles a person holds in an organisation (and over its subtree). The legal clocks name
whom a breach escalates to by these; memberships store them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEDIATOR = "mediator", _("调解员")
    MEDIATION_LEAD = "mediation_lead", _("调解组长")
    HARDSHIP_CASEWORKER = "hardship_caseworker", _("帮扶工作人员")
    REVIEWER = "reviewer", _("审核人")
    AUDITOR = "auditor", _("审计员")
    ORG_ADMIN = "org_admin", _("组织管理员")


# Roles that may read but never change anything.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})

# Roles that must sign in with a second factor (TOTP), as superusers must: they see every
# record of a subtree (auditors) or manage its people (organisation admins).
TWO_FACTOR_ROLES = frozenset({Role.ORG_ADMIN, Role.AUDITOR})
