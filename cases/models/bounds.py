"""`full_clean()` holds every model that people type into to the bounds of cases.rules.bounds:
free text no longer than its limit, dates within sensible years, amounts in yuan at most
¥100,000,000. A model opts in by listing `BoundedFields` first among its bases; the bounds
are checks, not schema, so no migration follows."""

from django.core.exceptions import ValidationError
from django.db import models

from cases.rules.bounds import amount_error, date_error, text_error, text_limit


class BoundedFields:
    """Mixin for a model: its TextFields, DateFields and two-decimal DecimalFields (amounts in
    yuan, signed ones allowed: their sign is the field's own validators' business) are bounded."""

    def clean_fields(self, exclude=None):
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        skip = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.name in skip or field.attname in skip or field.name in errors:
                continue
            if message := bound_error(field, getattr(self, field.attname)):
                errors[field.name] = [message]
        if errors:
            raise ValidationError(errors)


def bound_error(field: models.Field, value) -> str | None:
    label = field.verbose_name
    if isinstance(field, models.TextField) and isinstance(value, str):
        return text_error(value, label=label, limit=field.max_length or text_limit(field.name))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return date_error(value, label=label, name=field.name) if hasattr(value, "year") else None
    if isinstance(field, models.DecimalField) and field.decimal_places == 2 and value is not None:
        return amount_error(value, label=label, minimum=None) if hasattr(value, "is_finite") else None
    return None
