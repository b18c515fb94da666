"""The regions' 低保 standards (MinimumLivingStandard) and hardship assessment parameters
(HardshipParameters), entered by the organisation admins of the regions' organisations.

Rows are added, one per region and year, never edited here: an assessment reads the row of its
household's region and year when it is made and keeps the values it used, so a row entered now
affects only assessments made from now on. A wrong row is corrected by a system administrator.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AuditAction, HardshipParameters, MinimumLivingStandard
from cases.platform.administration.scope import keeps_region, organisation_of_region
from cases.platform.audit.journal import append_event


def _require_region(by, region_code: str) -> None:
    if not keeps_region(by, region_code):
        raise PermissionDenied(_("行政区划代码 %(code)s 不在您所管理组织的地区之内。") % {"code": region_code})


def _saved(row):
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def add_minimum_standard(*, by, region_code: str, year: int, monthly_amount: Decimal, source: str = "") \
        -> MinimumLivingStandard:
    region_code = (region_code or "").strip()
    _require_region(by, region_code)
    row = _saved(MinimumLivingStandard(region_code=region_code, year=year, monthly_amount=monthly_amount,
                                       source=(source or "").strip()))
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=row,
                 organisation=organisation_of_region(by, region_code), name="minimum_standard_added",
                 data={"region_code": region_code, "year": year, "monthly_amount": row.monthly_amount,
                       "source": row.source})
    return row


@transaction.atomic
def add_hardship_parameters(*, by, region_code: str, year: int, relative_multiple: Decimal,
                            accident_cost_percent: Decimal, counted_expense_kinds: list[str],
                            document_number: str, document_date: date | None) -> HardshipParameters:
    region_code = (region_code or "").strip()
    _require_region(by, region_code)
    if document_date is None:
        raise ValidationError({"document_date": _("请填写依据文件的日期。")})
    row = _saved(HardshipParameters(
        region_code=region_code, year=year, relative_multiple=relative_multiple,
        accident_cost_percent=accident_cost_percent, counted_expense_kinds=list(counted_expense_kinds),
        document_number=(document_number or "").strip(), document_date=document_date,
    ))
    append_event(action=AuditAction.RECORD_CHANGED, actor=by, subject=row,
                 organisation=organisation_of_region(by, region_code), name="hardship_parameters_added",
                 data={"region_code": region_code, "year": year, "relative_multiple": row.relative_multiple,
                       "accident_cost_percent": row.accident_cost_percent,
                       "counted_expense_kinds": row.counted_expense_kinds,
                       "document_number": row.document_number, "document_date": row.document_date})
    return row
