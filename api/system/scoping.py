"""A system client's reach: its organisation and the organisations under it, nothing else.

`organisation_named` reads an organisation a body or a query names by its code: an unknown code
is the body's error (422), an organisation outside the client's subtree is refused (403), the
same whether the client reads or writes. `in_reach` narrows a queryset to the subtree.
"""

from django.utils.translation import gettext as _

from api.problems import Problem
from cases.models import Organisation


def reach(client):
    """The client's subtree, as a queryset of organisations."""
    return Organisation.objects.subtree_of([client.organisation])


def in_reach(queryset, client, *, via: str = "organisation"):
    return queryset.filter(**{f"{via}__in": reach(client).values("pk")})


def organisation_named(client, code: str | None, *, field: str = "organisation") -> Organisation:
    """The organisation of `code` (the client's own when none is named), within the client's reach."""
    code = (code or "").strip()
    if not code:
        return client.organisation
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise Problem("invalid", _("没有代码为“%(code)s”的组织。") % {"code": code},
                      errors={field: [_("没有代码为“%(code)s”的组织。") % {"code": code}]})
    if not reach(client).filter(pk=organisation.pk).exists():
        raise Problem("forbidden", _("组织“%(code)s”不在本客户端的范围内：本客户端只能访问%(own)s及其下级组织的数据。")
                      % {"code": code, "own": client.organisation.name})
    return organisation
