"""Where a dispute's notices go: the case page, and the parties' recorded contacts.

Parties are reached at what a case records: the worker's mobile and email (Worker.phone,
Worker.email) and the employer's contact phone and email (Employer.contact_phone,
Employer.contact_email)."""

from .services import PartyContact


def case_link(case) -> str:
    return f"/cases/{case.pk}/"


def party_contacts(case) -> list[PartyContact]:
    """The worker and the employer (addressed by its contact person, if recorded)."""
    worker, employer = case.worker, case.employer
    return [
        PartyContact(name=worker.name, phone=worker.phone, email=worker.email),
        PartyContact(name=employer.contact_name or employer.name, phone=employer.contact_phone,
                     email=employer.contact_email),
    ]


def created_record(event, model):
    """The record a transition made (journalled by reference in event.data["created"])."""
    created = (event.data or {}).get("created") or {}
    if created.get("model") != model._meta.label_lower:
        return None
    return model._default_manager.filter(pk=created.get("pk")).first()
