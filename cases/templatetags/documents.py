"""Template filters for issued documents."""

from django import template

from cases.documents.registry import shown_title as registry_shown_title

register = template.Library()


@register.filter
def shown_title(document) -> str:
    """`{{ document|shown_title }}`: the title in the reader's language (cases.documents.registry.shown_title)."""
    return registry_shown_title(document)
