"""Base for models whose legal status is a protected django-fsm field."""

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin


class StatusModel(ConcurrentTransitionMixin, models.Model):
    """A model whose status only transitions change, and which two users cannot move at once.

    `full_clean()` would assign the protected status back to itself while cleaning fields,
    which django-fsm refuses ("Direct status modification is not allowed"); the status
    needs no field cleaning anyway, since only declared transitions set it.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        protected = {
            field.name for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin) and field.protected
        }
        super().clean_fields(exclude=set(exclude or ()) | protected)
