"""Issuing documents on a worker, from JSON-serialisable arguments only.

The context is rebuilt from the database on the worker by the kind's `build_context`
(see cases/documents/registry.py), so a document shows the state as committed, not a copy
taken when the task was queued; a `context` dict passed in is the fallback for kinds
without a builder. Subject and organisation default to those of the transition event.
"""

from typing import Any

from celery import shared_task
from django.apps import apps
from django.contrib.auth import get_user_model
from django.conf import settings
from django.db import models
from django.utils import translation

from cases.documents.registry import get_kind
from cases.models import AuditEvent, Organisation
from cases.models.actors import system
from cases.platform.documents import issue_document, with_issued_document_id

SYSTEM_PREFIX = "system:"


def _actor(by: int | str | None, event: AuditEvent | None):
    """A user's primary key, or a system actor's name (with or without "system:")."""
    if by is None:
        return system("documents")
    if isinstance(by, str):
        return system(by.removeprefix(SYSTEM_PREFIX))
    if event is not None and event.actor_id == by:  # read with the event
        return event.actor
    return get_user_model()._default_manager.get(pk=by)


def _subject(label: str, pk: str) -> models.Model | None:
    """The subject, with the rows its non-null foreign keys name (a case's organisation and
    parties), which every document of it reads."""
    if not label:
        return None
    return apps.get_model(label)._default_manager.select_related().get(pk=pk)


def _organisation(organisation_id: int | None, event: AuditEvent | None, subject) -> Organisation:
    if organisation_id is not None:
        return Organisation.objects.get(pk=organisation_id)
    if event is not None and event.organisation_id is not None:
        return event.organisation
    organisation = getattr(subject, "organisation", None)
    if organisation is None:
        raise ValueError("a document needs an issuing organisation: pass organisation_id")
    return organisation


def _context(kind: str, subject, event: AuditEvent | None, variant: str, fallback: dict | None) -> dict:
    builder = get_kind(kind).build_context
    if builder is not None and subject is not None:
        return builder(subject, event, variant=variant)
    if fallback is not None:
        return fallback
    raise ValueError(f"document kind {kind!r} has no build_context and no context was passed")


@shared_task(
    name="cases.tasks.issue_document", bind=True, autoretry_for=(OSError,),
    retry_backoff=True, max_retries=5, acks_late=True,
)
def issue_document_task(
    self, *, kind: str, transition_event_id: int | None = None, organisation_id: int | None = None,
    subject_type: str = "", subject_id: str | int = "", variant: str = "",
    by: int | str | None = None, context: dict[str, Any] | None = None,
) -> int:
    """Issue version 1 of `kind` and return the Document's id; a retry returns the same id.
    Built in Chinese whoever took the step: run eagerly (the embedded default), the task would
    otherwise build its context in the language of the request that caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _issue_document(kind=kind, transition_event_id=transition_event_id, organisation_id=organisation_id,
                               subject_type=subject_type, subject_id=subject_id, variant=variant, by=by,
                               context=context)


def _issue_document(*, kind, transition_event_id, organisation_id, subject_type, subject_id, variant, by,
                    context) -> int:
    events = with_issued_document_id(AuditEvent.objects.select_related("organisation", "actor"),
                                     kind=kind, variant=variant)
    event = events.get(pk=transition_event_id) if transition_event_id else None
    if event is not None and event.issued_document_id is not None:  # a retry: the first attempt's
        return event.issued_document_id
    subject = _subject(
        subject_type or (event.subject_type if event else ""),
        str(subject_id or (event.subject_id if event else "")),
    )
    document = issue_document(
        kind=kind, organisation=_organisation(organisation_id, event, subject), subject=subject,
        context=_context(kind, subject, event, variant, context), transition_event=event,
        variant=variant, by=_actor(by, event), looked_up=True,
    )
    return document.pk
