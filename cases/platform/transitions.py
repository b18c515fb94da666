"""The one door every change of legal status goes through.

`apply(subject, "approve", by=user, reason=..., data=...)`, in one transaction:
1. locks the subject's row and refuses a stale copy (two people acting at once: one wins);
2. checks scope, role and the FSM transition's permission and conditions;
3. runs the django-fsm transition and saves;
4. opens, meets and cancels the legal clocks the rules attach to the transition;
5. appends the audit event;
6. registers the transition's documents and notifications to run on commit.
If any step fails, nothing happened. Views, flows, imports and commands all call this;
nothing else writes a status.

`apply_to_each(subjects, name, by=..., data=[...])` is the same door for many subjects of
one model inside a transaction the caller rolls back whole on any error (a bulk import's
chunk): the same steps for each, with one lock query, one bulk save with history and one
audit append for them all.
"""

import copy
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from cases.models import AuditAction, AuditEvent
from cases.models.access import roles_in, roles_read_once
from cases.models.actors import is_system
from cases.models.fsm import atomic_block_open, remember_condition_reads
from cases.models.history import THROUGH_ROWS_WHEN_READ, bulk_update_with_history, through_rows_read_along
from cases.platform import deadlines, effects
from cases.platform.audit.journal import append_event, append_events
from cases.rules import deadlines as clock_rules
from cases.rules.roles import READ_ONLY_ROLES
from cases.statistics import rollup


class TransitionRefused(ValidationError):
    """The transition is not possible from this state, or its legal conditions are not met."""


class StaleCase(ConcurrentTransition):
    """Someone else changed the case since this copy was read."""

    def __init__(self, message=None):
        super().__init__(message or _("该事项已被他人处理，请刷新页面后查看最新状态。"))


@dataclass(frozen=True)
class TransitionOutcome:
    subject: object
    event: AuditEvent
    from_state: str
    to_state: str
    deadlines: deadlines.DeadlineChanges


def fsm_transition(subject, name: str):
    method = getattr(subject, name, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise ValueError(f"{type(subject).__name__} has no transition {name!r}")
    return method


def state_of(subject, name: str) -> str:
    return fsm_transition(subject, name)._django_fsm.field.get_state(subject)


def transition_spec(subject, name: str):
    """The django_fsm Transition for `name` from the subject's current state, or None."""
    method = fsm_transition(subject, name)
    return method._django_fsm.get_transition(state_of(subject, name))


def _check_actor(subject, spec, by) -> None:
    if is_system(by):
        return
    organisation = subject.organisation
    held = roles_in(by, organisation)  # read once: it decides both scope and read-only
    if not (held or (by.is_superuser and by.is_active)):
        raise PermissionDenied(_("该记录不在您所属组织的范围内。"))  # never name a foreign organisation
    if held and held <= READ_ONLY_ROLES and not by.is_superuser:
        raise PermissionDenied(_("审计员只能查阅，不能修改任何内容。"))
    if not spec.has_perm(subject, by):
        message = getattr(spec.permission, "message", None) or _("您没有执行此操作的权限。")
        raise PermissionDenied(message)


def _transition_checked(locked, spec, name: str, *, by, reason: str, data: dict):
    """Run django-fsm's transition, which checks its conditions first (each may be a query):
    only when one is unmet are they all asked again, to name each unmet one."""
    try:
        return fsm_transition(locked, name)(by=by, reason=reason, **data)
    except TransitionNotAllowed:
        _check_conditions(locked, spec, name)
        raise


def _check_conditions(subject, spec, name: str) -> None:
    if spec is None:
        raise TransitionRefused(_("当前状态下不能执行“%(action)s”。") % {"action": name})
    unmet = [condition for condition in spec.conditions if not condition(subject)]
    if unmet:
        reasons = "；".join(str(getattr(c, "message", c.__name__)) for c in unmet)
        raise TransitionRefused(_("不满足执行条件：%(reasons)s") % {"reasons": reasons})


def _fsm_field(subject):
    from django_fsm import FSMFieldMixin

    return next(f for f in subject._meta.fields if isinstance(f, FSMFieldMixin))


def conditions_met(subject, name: str) -> bool:
    """Whether the legal conditions of `subject`'s transition `name` hold now (who may take it
    and from which state are the door's other checks)."""
    spec = next((s for s in _fsm_field(subject).get_all_transitions(type(subject)) if s.name == name), None)
    return spec is not None and all(condition(subject) for condition in spec.conditions)


def _locking(model):
    """The model's rows, to be locked as read; their organisation read along (every step below
    uses it), and what the model names in `door_reads_along`, without locking those rows too."""
    queryset = model._default_manager.select_for_update(of=("self",)).annotate(
        **rollup.lock_annotations(model), **through_rows_read_along(model))
    read_along = (*(("organisation",) if _has_organisation(model) else ()), *getattr(model, "door_reads_along", ()))
    return queryset.select_related(*read_along) if read_along else queryset


def lock_for_door(model, pk=None, *, nowait: bool = False, **lookup):
    """`model`'s row `pk` (or the one row matching `lookup`; None when none does), read locked as
    the door locks it, for a caller that goes through the door with this very copy later in the
    same transaction (a flow step reads its case under the flow lock, checks who may act, then
    applies): the door takes it as its locked copy instead of reading the row a second time.
    `nowait`: refuse at once (DatabaseError) when another transaction holds the row. Call it
    inside an atomic block."""
    rows = _locking(model).select_for_update(nowait=nowait, of=("self",))
    subject = rows.get(pk=pk) if pk is not None else rows.filter(**lookup).first()
    if subject is not None:
        subject._door_lock = connection.atomic_blocks[-1]
        remember_condition_reads(subject)
    return subject


def _held_door_lock(subject) -> bool:
    """Whether `subject` was read by lock_for_door in an atomic block that is still open (a
    row lock taken in a savepoint since rolled back is gone). Good for one door call: what the
    door saves, it adopts into the copy, but later writes by other code would not be."""
    block = subject.__dict__.pop("_door_lock", None)
    return block is not None and atomic_block_open(block)


def _lock(subject):
    if _held_door_lock(subject):
        return subject
    return _locking(type(subject)).get(pk=subject.pk)


def _forget_unsaved(subject, loaded: dict) -> None:
    """A transition taken on the caller's own copy failed and its transaction is rolled back:
    give the copy back the values it was read with, and drop the related objects the failed
    transition may have changed in memory (they are read again when next used)."""
    for attname, value in loaded.items():
        subject.__dict__[attname] = value
    subject._state.fields_cache = {}
    subject.__dict__.pop("_prefetched_objects_cache", None)


def _has_organisation(model) -> bool:
    try:
        return model._meta.get_field("organisation").many_to_one
    except FieldDoesNotExist:
        return False


def _adopt(subject, saved) -> None:
    """Give the caller's copy the state just saved (what refresh_from_db would read back)."""
    for field in subject._meta.concrete_fields:
        subject.__dict__[field.attname] = saved.__dict__[field.attname]
    # Not a relation read along and found absent (door_reads_along): the caller's copy outlives
    # the lock, and an agreement drafted later must be read, not taken for missing.
    subject._state.fields_cache = {name: related for name, related in saved._state.fields_cache.items()
                                   if related is not None}
    subject.__dict__.pop("_prefetched_objects_cache", None)
    update_initial_state = getattr(subject, "_update_initial_state", None)
    if update_initial_state is not None:
        update_initial_state()


def _field_values(subject) -> dict:
    return {field.attname: copy.deepcopy(getattr(subject, field.attname)) for field in subject._meta.concrete_fields}


def _constraint_fields(subject, constraint) -> set[str]:
    if getattr(constraint, "expressions", None):
        return {field.name for field in subject._meta.concrete_fields}
    names = set(getattr(constraint, "fields", ()) or ())
    for condition in (getattr(constraint, "condition", None), getattr(constraint, "check", None)):
        if condition is not None:
            names |= set(condition.referenced_base_fields)
    return names


def _changed_fields(subject, loaded: dict) -> set[str]:
    return {field.name for field in subject._meta.concrete_fields
            if getattr(subject, field.attname) != loaded[field.attname]}


def _needs_saving(move) -> bool:
    """Whether the moved subject's row must be written: an in-task action that leaves the
    status and every field as they were (a signature recorded on the agreement) has nothing to
    write, and its history row would show no change. A model with auto_now fields is saved
    always (their time is part of what a save means)."""
    fields = move.subject._meta.concrete_fields
    return any(getattr(f, "auto_now", False) for f in fields) or bool(_changed_fields(move.subject, move.loaded))


def _unchanged_fields(subject, loaded: dict) -> set[str]:
    """Fields the transition left as they were and that share no constraint with one it changed.

    They were valid when saved, so full_clean need not check them again (each foreign key and
    unique check is a query). A field in a constraint with a changed field is checked with it."""
    fields = subject._meta.concrete_fields
    changed = _changed_fields(subject, loaded)
    checked = set(changed)
    groups = [_constraint_fields(subject, c) for c in subject._meta.constraints]
    groups += [set(group) for group in subject._meta.unique_together]
    for names in groups:
        if names & changed:
            checked |= names
    return {field.name for field in fields} - checked


def _schedule_side_effects(subject, spec, event: AuditEvent, by) -> None:
    from cases.documents.registry import get_kind
    from cases.tasks.documents import issue_document_task
    from notifications.tasks import notify_transition_task

    actor_ref = str(by) if is_system(by) else by.pk
    for kind in spec.custom.get("documents", ()):
        declared = get_kind(kind)
        if declared.applies is not None and not declared.applies(subject):
            continue
        for variant in (declared.variants_for(subject) if declared.variants_for else declared.variants):
            transaction.on_commit(lambda kind=kind, variant=variant: issue_document_task.delay(
                kind=kind, variant=variant, transition_event_id=event.pk, by=actor_ref,
            ))
    for kind in spec.custom.get("notifications", ()):
        transaction.on_commit(lambda kind=kind: notify_transition_task.delay(kind=kind, transition_event_id=event.pk))


@dataclass
class _Move:
    """One subject taken through its transition in memory, checked and cleaned, not yet saved."""
    subject: object  # the locked copy
    spec: object
    from_state: str
    loaded: dict
    created: object
    counted_before: rollup.CaseFacts | None  # what the dispute figures counted of it (None: not counted)


def _move(locked, subject, name: str, *, by, reason: str, data: dict) -> _Move:
    if state_of(locked, name) != state_of(subject, name):
        raise StaleCase()
    spec = transition_spec(locked, name)
    if spec is None:
        raise TransitionRefused(_("当前状态下不能执行“%(action)s”。") % {"action": name})
    _check_actor(locked, spec, by)
    if spec.custom.get("reason_required") and not reason.strip():
        raise ValidationError({"reason": _("请填写理由。")})
    from_state = state_of(locked, name)
    loaded = _field_values(locked)
    counted_before = rollup.facts_before(locked)
    created = _transition_checked(locked, spec, name, by=by, reason=reason, data=data)
    performer = spec.custom.get("performed_by")
    if performer:  # the transition's work is a service's, which the model names
        created = effects.run(performer, locked, by=by, reason=reason, **data)
    locked.full_clean(exclude=_unchanged_fields(locked, loaded))
    return _Move(locked, spec, from_state, loaded, created, counted_before)


def _consequences(move: _Move, name: str, *, by, reason: str, data: dict, today, imported: bool
                  ) -> tuple[deadlines.DeadlineChanges, dict]:
    """After the save: the clocks and effects of the transition, and its audit event to append."""
    locked = move.subject
    clock_changes = deadlines.apply_trigger(
        locked, name, organisation=locked.organisation, today=today,
        assignee=_clock_assignee(locked, name), imported=imported,
    )
    journalled = {}  # an effect that returns a dict has it recorded with the event (effects.py)
    for name_of_effect in move.spec.custom.get("effects", ()):
        result = effects.run(name_of_effect, locked, by=by, today=today)
        if isinstance(result, dict):
            journalled[name_of_effect] = result
    event = {
        "action": AuditAction.TRANSITION, "actor": by, "subject": locked, "organisation": locked.organisation,
        "name": name, "from_state": move.from_state, "to_state": state_of(locked, name), "reason": reason,
        "data": {"input": data, "deadlines": clock_changes.summary(),
                 "documents": list(move.spec.custom.get("documents", ())), "imported": imported,
                 # The record the transition made (a session, a payment): its documents name it.
                 "created": move.created if isinstance(move.created, models.Model) else None,
                 **({"effects": journalled} if journalled else {})},
    }
    return clock_changes, event


def _clock_assignee(subject, name: str):
    """Who the clocks `name` opens on `subject` warn; read only when it opens one (a case's
    mediator is a query)."""
    if not clock_rules.effects_of(subject._meta.label_lower, name, subject).opens:
        return None
    return getattr(subject, "deadline_assignee", None)


def _count_figures(moves: list[_Move], imported: bool) -> None:
    """Add the steps' changes to the dispute figures' running totals. An import counts the
    cases it writes whole, once written (rollup.count_new_cases)."""
    if not imported:
        rollup.count_moves([(move.subject, move.counted_before, move.created) for move in moves])


def _outcome(move: _Move, event: AuditEvent, clock_changes) -> TransitionOutcome:
    return TransitionOutcome(move.subject, event, move.from_state, event.to_state, clock_changes)


def apply(subject, name: str, *, by, reason: str = "", data: dict | None = None,
          today: date | None = None, imported: bool = False, savepoint: bool = True) -> TransitionOutcome:
    """Move `subject` through its FSM transition `name` on behalf of `by`.

    `savepoint=False` when called inside an atomic block of the caller's that is rolled back
    whole on any error from here (a flow step's): its own savepoint would only repeat that one."""
    data = data or {}
    with roles_read_once(), transaction.atomic(savepoint=savepoint):
        locked = _lock(subject)
        as_read = _field_values(locked) if locked is subject else None
        try:
            move = _move(locked, subject, name, by=by, reason=reason, data=data)
            if _needs_saving(move):
                move.subject.save()
            move.subject.__dict__.pop(THROUGH_ROWS_WHEN_READ, None)  # read for this save only
            clock_changes, event_spec = _consequences(move, name, by=by, reason=reason, data=data, today=today,
                                                      imported=imported)
            event = append_event(**event_spec)
            _count_figures([move], imported)
            _schedule_side_effects(move.subject, move.spec, event, by)
        except BaseException:
            if as_read is not None:
                _forget_unsaved(subject, as_read)
            raise
    if locked is not subject:
        _adopt(subject, move.subject)
    return _outcome(move, event, clock_changes)


def apply_to_each(subjects: list, name: str, *, by, data: list[dict], today: date | None = None,
                  imported: bool = False) -> list[TransitionOutcome]:
    """apply() to many subjects of one model, `data[i]` for `subjects[i]`, inside the caller's
    transaction, which must be rolled back whole on any error (a bulk import's chunk).

    Each subject gets the same checks, consequences and audit event as through apply(); the
    rows are locked in one query, saved in one bulk update with their history and save()'s
    signals, and the events appended under one lock of the audit chain. A model's own save()
    override is not run: the door is for models whose saving is the signals and the history
    (django-fsm's concurrent-transition check on save has nothing to catch under the lock)."""
    if not subjects:
        return []
    with roles_read_once(), transaction.atomic(savepoint=False):
        locked = _lock_all(subjects)
        moves = [_move(locked[subject.pk], subject, name, by=by, reason="", data=inputs)
                 for subject, inputs in zip(subjects, data, strict=True)]
        _save_all(moves)
        consequences = [_consequences(move, name, by=by, reason="", data=inputs, today=today, imported=imported)
                        for move, inputs in zip(moves, data, strict=True)]
        events = append_events([event_spec for _clocks, event_spec in consequences])
        _count_figures(moves, imported)
        for move, event in zip(moves, events, strict=True):
            _schedule_side_effects(move.subject, move.spec, event, by)
    for subject, move in zip(subjects, moves, strict=True):
        _adopt(subject, move.subject)
    return [_outcome(move, event, clocks) for move, event, (clocks, _spec) in zip(moves, events, consequences,
                                                                                   strict=True)]


def _lock_all(subjects: list) -> dict:
    """The subjects' rows by primary key, locked in one query."""
    in_one_order = _locking(type(subjects[0])).order_by("pk")  # two callers never wait on each other in a cycle
    locked = in_one_order.in_bulk([subject.pk for subject in subjects])
    if len(locked) < len(subjects):
        raise StaleCase()
    return locked


def _save_all(moves: list[_Move]) -> None:
    """Save every moved subject in one update of the fields any of them changed, with history."""
    objs = [move.subject for move in moves]
    for obj in objs:
        for field in obj._meta.concrete_fields:
            if getattr(field, "auto_now", False):
                field.pre_save(obj, add=False)
    changed = {field.attname for move in moves for field in move.subject._meta.concrete_fields
               if getattr(move.subject, field.attname) != move.loaded[field.attname]}
    fields = [field.name for field in objs[0]._meta.concrete_fields if field.attname in changed]
    bulk_update_with_history(objs, type(objs[0]), fields)


def available_transitions(subject, user) -> list:
    """The transitions `user` may take on `subject` now: what a page offers as actions."""
    field = _fsm_field(subject)
    current = field.get_state(subject)
    offered = []
    for spec in field.get_all_transitions(type(subject)):
        if spec.source not in (current, "*", "+"):
            continue
        if spec.custom.get("own_form"):  # taken through a form of its own (a notice's service), not a page's list
            continue
        try:
            _check_actor(subject, spec, user)
            _check_conditions(subject, spec, spec.name)
        except (PermissionDenied, ValidationError):
            continue
        offered.append(spec)
    return offered
