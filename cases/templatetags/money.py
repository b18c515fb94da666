"""`{{ amount|yuan }}`: ¥8,000.00 (an em dash for no amount), in every language; `{{ amount|money }}`:
the same without the ¥, for a text that writes it itself ("¥{{ amount|money }}"). Both are
cases.rules.money.yuan, the formatter every page and document shares."""

from django import template

from cases.rules.money import yuan

register = template.Library()


@register.filter
def money(value) -> str:
    return yuan(value, symbol=False)


@register.filter(name="yuan")
def yuan_filter(value) -> str:
    return yuan(value)
