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
            super().clean_fields(exclude=set(exclude or ()) | related_rows_in_hand(self))
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


def related_rows_in_hand(instance) -> set[str]:
    """The foreign keys of `instance` that hold a row read from (or saved to) the database, with
    no limit_choices_to: Django would ask the database once per field whether that row exists,
    which the object in hand already answers (the foreign key constraint still holds)."""
    names = set()
    for field in instance._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.remote_field.limit_choices_to:
            continue
        related = field.get_cached_value(instance, default=None) if field.is_cached(instance) else None
        if (related is not None and not related._state.adding
                and getattr(related, field.target_field.attname) == getattr(instance, field.attname)):
            names.add(field.name)
    return names


def bound_error(field: models.Field, value) -> str | None:
    label = field.verbose_name
    if isinstance(field, models.TextField) and isinstance(value, str):
        return text_error(value, label=label, limit=field.max_length or text_limit(field.name))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return date_error(value, label=label, name=field.name) if hasattr(value, "year") else None
    if isinstance(field, models.DecimalField) and field.decimal_places == 2 and value is not None:
        return amount_error(value, label=label, minimum=None) if hasattr(value, "is_finite") else None
    return None
