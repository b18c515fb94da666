"""`{{ amount|money }}`: yuan with two decimals and thousands separators ("8,000.00"), in every
language. Django's Chinese number format groups nothing (THOUSAND_SEPARATOR is empty), so
`floatformat:"2g"` would print "8000.00" on a Chinese page."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
