"""Base for models whose legal status is a protected django-fsm field."""

from django.db import connection, models
from django.dispatch import receiver
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin
from django_fsm.signals import pre_transition

# Reads a transition's conditions made of a row the door holds locked: (the atomic block that
# holds the lock, {key: what was read}), until the transition runs or the block ends.
_CONDITION_READS = "_condition_reads"


class StatusModel(ConcurrentTransitionMixin, models.Model):
    """A model whose status only transitions change, and which two users cannot move at once.

    `full_clean()` would assign the protected status back to itself while cleaning fields,
    which django-fsm refuses ("Direct status modification is not allowed"); the status
    needs no field cleaning anyway, since only declared transitions set it.
    """

    class Meta:
        abstract = True

    @classmethod
    def protected_status_names(cls) -> set[str]:
        return {field.attname for field in cls._meta.concrete_fields
                if isinstance(field, FSMFieldMixin) and field.protected}

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=set(exclude or ()) | self.protected_status_names())

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Reload from the database without touching the shared field definition.

        django-fsm's FSMModelMixin switches the class-wide `protected` flag off and on around
        the reload, so two threads refreshing at once turn it back on under each other and one
        fails with "Direct status modification is not allowed". Instead, forget this instance's
        own status first: the descriptor only refuses to overwrite a status already loaded."""
        names = self.protected_status_names()
        if fields is not None:
            names &= set(fields)
        loaded = {name: self.__dict__.pop(name) for name in names if name in self.__dict__}
        try:
            models.Model.refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)
        except BaseException:
            for name, value in loaded.items():
                self.__dict__.setdefault(name, value)
            raise
        self._update_initial_state()


def atomic_block_open(block) -> bool:
    """Whether `block` (an entry of connection.atomic_blocks) is still open: a row lock taken
    in it holds (one taken in a savepoint since rolled back is gone)."""
    return any(open_block is block for open_block in connection.atomic_blocks)


def remember_condition_reads(subject) -> None:
    """From now until `subject`'s next transition runs, and while the atomic block that read it
    locked is open, each read_for_conditions of it is made once: the flow asks a step's
    conditions to offer it, then django-fsm asks them again. Only for a row read under the
    door's lock (call it there), so that nothing can change what was read meanwhile but the
    transition itself, which forgets them before it runs."""
    subject.__dict__[_CONDITION_READS] = (connection.atomic_blocks[-1], {})


def read_for_conditions(subject, key: str, read):
    """`read()`, or what it returned for `subject` since remember_condition_reads."""
    held = subject.__dict__.get(_CONDITION_READS)
    if held is None or not atomic_block_open(held[0]):
        return read()  # not remembered, or the lock is gone with its block
    remembered = held[1]
    if key not in remembered:
        remembered[key] = read()
    return remembered[key]


@receiver(pre_transition)
def _forget_before_the_transition_runs(sender, instance, **kwargs):
    instance.__dict__.pop(_CONDITION_READS, None)
