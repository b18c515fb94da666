"""Mediation organisations in their federation tree, and who works in which one."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.rules.roles import Role

from .history import HistoricalRecords


class OrganisationKind(models.TextChoices):
    CITY_FEDERATION = "city_federation", _("市总工会")
    DISTRICT_FEDERATION = "district_federation", _("区总工会")
    STREET_CENTRE = "street_centre", _("街道（乡镇）调解中心")
    ENTERPRISE_COMMITTEE = "enterprise_committee", _("企业劳动争议调解委员会")


# The tree is strict: each kind sits directly under the kind before it.
KIND_DEPTH = {kind: depth for depth, kind in enumerate(OrganisationKind.values)}
# Federations identify and aid households in hardship; street centres and enterprise
# committees mediate disputes and do no hardship work.
HARDSHIP_KINDS = (OrganisationKind.CITY_FEDERATION, OrganisationKind.DISTRICT_FEDERATION)

# 行政区划代码 (GB/T 2260) of the area an organisation serves: "110000" a province-level city,
# "110100" a prefecture, "110108" a county-level district. Which regions' 低保 standards and
# hardship parameters an organisation admin keeps follows from it (cases/platform/administration).
validate_organisation_region = RegexValidator(
    r"^[0-9]{6}\Z", _("行政区划代码应为6位数字（GB/T 2260），例如 110108。"),
)


class OrganisationQuerySet(models.QuerySet):
    def subtree_of(self, organisations):
        """Every organisation at or below any of `organisations`."""
        paths = [org.path for org in organisations]
        if not paths:
            return self.none()
        condition = models.Q()
        for path in paths:
            condition |= models.Q(path__startswith=path)
        return self.filter(condition)

    def doing_hardship_work(self):
        return self.filter(kind__in=HARDSHIP_KINDS)

    def active(self):
        return self.filter(is_active=True)


class Organisation(models.Model):
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of primary keys, "/1/4/9/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # Where and how the public reaches the organisation: printed on its notices (where to object).
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True,
                                   validators=[validate_organisation_region],
                                   help_text=_("本组织服务地区的6位行政区划代码（GB/T 2260），例如海淀区为 110108。"))
    # A deactivated organisation (停用) keeps its history and its closed cases, and takes no new work:
    # no new cases, members, sub-organisations or funds.
    is_active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        if self.parent is None:
            if self.kind != OrganisationKind.CITY_FEDERATION:
                raise ValidationError({"parent": _("只有市总工会可以没有上级组织。")})
            return
        if KIND_DEPTH[self.kind] != KIND_DEPTH[self.parent.kind] + 1:
            raise ValidationError({
                "kind": _("“%(kind)s”不能直接隶属于“%(parent)s”。") % {
                    "kind": self.get_kind_display(), "parent": self.parent.get_kind_display(),
                }
            })
        if self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("上级组织不能是本组织或其下级组织。")})

    def save(self, *args, **kwargs):
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {**kwargs, "force_insert": False}
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    @property
    def lineage_ids(self) -> list[int]:
        """Primary keys from the root down to this organisation, read off the path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def does_hardship_work(self) -> bool:
        return self.kind in HARDSHIP_KINDS

    def ancestors_and_self(self):
        return Organisation.objects.filter(pk__in=self.lineage_ids)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成员身份")
        verbose_name_plural = _("成员身份")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership",
                violation_error_message=_("该用户在此组织已有这一角色。"),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation.name} · {self.get_role_display()}"
