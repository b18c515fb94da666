"""Organisations in an admin's subtree: a new one under one of theirs, its name and contacts
corrected, deactivated (停用) once it has no open work, and reactivated. Journalled.

The tree is strict (cases.models.orgs): a new organisation is of the kind just below its
parent's. A region code may be set only below the admin's own organisations and within the
region of the nearest organisation above that has one, so no admin widens the regions whose
低保 standards they keep.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AuditAction, DisputeCase, DisputeStatus, HardshipFile, HardshipStatus, Organisation
from cases.models.orgs import KIND_DEPTH
from cases.platform.administration.scope import (
    admin_roots,
    administered,
    below_own_admin_role,
    region_covers,
    require_administers,
)
from cases.platform.audit.journal import append_event

CODE_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}\Z")
# Cases still being worked: a dispute until it is closed, a hardship file until it is exited or
# not identified.
FINISHED_DISPUTES = (DisputeStatus.CLOSED, DisputeStatus.ARCHIVED)
FINISHED_FILES = (HardshipStatus.EXITED, HardshipStatus.NOT_IDENTIFIED)
EDITABLE_FIELDS = ("name", "address", "phone", "region_code")


def child_kind(parent: Organisation) -> str | None:
    """The kind of organisation that sits directly under `parent`; None below an enterprise committee."""
    depth = KIND_DEPTH[parent.kind] + 1
    kinds = [kind for kind, at in KIND_DEPTH.items() if at == depth]
    return kinds[0] if kinds else None


def _nearest_region(start: Organisation | None) -> tuple[str, int | None]:
    """The region code of `start` or of the nearest organisation above it that has one, and that
    organisation's id."""
    if start is None:
        return "", None
    rows = dict(Organisation.objects.filter(pk__in=start.lineage_ids).values_list("pk", "region_code"))
    return next(((rows[pk], pk) for pk in reversed(start.lineage_ids) if rows.get(pk)), ("", None))


def _check_region(by, code: str, *, organisation: Organisation | None = None,
                  parent: Organisation | None = None) -> None:
    """A region for an existing `organisation`, or for a new one under `parent`: a superuser sets
    any; an admin one within the region of an organisation of their own scope above it."""
    if not code or by.is_superuser:
        return
    if organisation is not None and not below_own_admin_role(by, organisation):
        raise ValidationError({"region_code": _("您本人担任组织管理员的组织，其行政区划代码只能由上级组织管理员或系统管理员填写。")})
    outer, outer_pk = _nearest_region(parent if organisation is None else organisation.parent)
    if outer_pk is None or not administered(by).filter(pk=outer_pk).exists():
        raise ValidationError({"region_code": _("您所管理的组织尚未填写行政区划代码，无法确定下级组织的地区；"
                                                "请先由上级组织管理员或系统管理员为其填写。")})
    if not region_covers(outer, code):
        raise ValidationError({"region_code": _("行政区划代码 %(code)s 不在上级组织的地区（%(outer)s）之内。")
                               % {"code": code, "outer": outer}})


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not CODE_SHAPE.match(code):
        raise ValidationError({"code": _("组织代码只能由大写字母、数字和连字符组成，最长32位，例如 BJ-HD-ZGC。")})
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("组织代码“%(code)s”已被使用，请换一个。") % {"code": code}})
    return code


@transaction.atomic
def create_organisation(*, by, parent: Organisation, code: str, name: str, address: str = "",
                        phone: str = "", region_code: str = "") -> Organisation:
    """A new organisation directly under `parent`, of the kind that sits there."""
    require_administers(by, parent)
    if not parent.is_active:
        raise ValidationError({"parent": _("上级组织“%(org)s”已停用，不能在其下新建组织。") % {"org": parent.name}})
    kind = child_kind(parent)
    if kind is None:
        raise ValidationError({"parent": _("企业劳动争议调解委员会是组织树的最末一级，其下不能再建组织。")})
    organisation = Organisation(code=_clean_code(code), name=(name or "").strip(), kind=kind, parent=parent,
                                address=(address or "").strip(), phone=(phone or "").strip(),
                                region_code=(region_code or "").strip())
    _check_region(by, organisation.region_code, parent=parent)
    organisation.full_clean()
    organisation.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=organisation, organisation=organisation,
                 name="organisation_created",
                 data={"code": organisation.code, "name": organisation.name, "kind": kind, "parent": parent.code})
    return organisation


@transaction.atomic
def update_organisation(*, by, organisation: Organisation, name: str, address: str = "", phone: str = "",
                        region_code: str = "") -> dict:
    """Rename an organisation or correct its contacts and region; returns {field: [before, after]}."""
    require_administers(by, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    after = {"name": (name or "").strip(), "address": (address or "").strip(), "phone": (phone or "").strip(),
             "region_code": (region_code or "").strip()}
    changes = {field: [getattr(organisation, field), value] for field, value in after.items()
               if getattr(organisation, field) != value}
    if not changes:
        return {}
    if "region_code" in changes:
        _check_region(by, after["region_code"], organisation=organisation)
    for field, (_before, value) in changes.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=organisation, organisation=organisation,
                 name="organisation_renamed" if "name" in changes else "organisation_updated",
                 data={"code": organisation.code, "changes": changes})
    return changes


def open_work(organisation: Organisation) -> tuple[int, int]:
    """(dispute cases not yet closed, hardship files still being worked) in `organisation`'s subtree."""
    subtree = Organisation.objects.subtree_of([organisation]).values("pk")
    disputes = DisputeCase.objects.filter(organisation__in=subtree).exclude(status__in=FINISHED_DISPUTES).count()
    files = HardshipFile.objects.filter(organisation__in=subtree).exclude(status__in=FINISHED_FILES).count()
    return disputes, files


def deactivation_refusal(by, organisation: Organisation) -> str:
    """Why `organisation` cannot be deactivated by `by` now ("" when it can)."""
    if not organisation.is_active:
        return _("该组织已经停用。")
    if not by.is_superuser and any(root.pk == organisation.pk for root in admin_roots(by)):
        return _("不能停用您本人担任组织管理员的组织，请由上级组织管理员办理。")
    disputes, files = open_work(organisation)
    if disputes or files:
        return _("“%(org)s”还有%(disputes)d件未结案的劳动争议案件、%(files)d份在办的困难职工档案，不能停用；"
                 "请先办结这些案件，或将其移交其他组织。") % {"org": organisation.name, "disputes": disputes, "files": files}
    if organisation.children.filter(is_active=True).exists():
        return _("“%(org)s”还有在用的下级组织，请先停用下级组织。") % {"org": organisation.name}
    return ""


@transaction.atomic
def set_organisation_active(*, by, organisation: Organisation, active: bool, reason: str = "") -> None:
    require_administers(by, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    reason = (reason or "").strip()
    if active:
        if organisation.is_active:
            raise ValidationError(_("该组织已经在用。"))
        if organisation.parent_id and not organisation.parent.is_active:
            raise ValidationError(_("上级组织“%(org)s”已停用，请先启用上级组织。") % {"org": organisation.parent.name})
    else:
        refusal = deactivation_refusal(by, organisation)
        if refusal:
            raise ValidationError(refusal)
        if not reason:
            raise ValidationError({"reason": _("请填写停用理由，例如：企业注销、机构合并。")})
    organisation.is_active = active
    organisation.save(update_fields=["is_active"])
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=organisation, organisation=organisation,
                 name="organisation_reactivated" if active else "organisation_deactivated", reason=reason,
                 data={"code": organisation.code, "name": organisation.name})


def require_active(organisation: Organisation, *, field: str = "organisation") -> None:
    """New work goes only to organisations in use."""
    if not organisation.is_active:
        raise ValidationError({field: _("“%(org)s”已停用，不能再办理新的业务。") % {"org": organisation.name}})

