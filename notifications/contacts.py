"""Where a dispute's notices go: the case page (staff), the public progress page (parties), and
the parties' recorded contacts.

Parties are reached at what a case records: the worker's mobile and email (Worker.phone,
Worker.email) and the employer's contact phone and email (Employer.contact_phone,
Employer.contact_email). Their messages link to the workers' pages under /public/ on
UNIONCASE["PUBLIC_BASE_URL"], never to the staff workbench (services.party_link)."""

from urllib.parse import urlencode

from django.urls import reverse

from .services import PartyContact, public_url


def case_link(case) -> str:
    """The case page of the workbench: for staff only."""
    return f"/cases/{case.pk}/"


def progress_link(case) -> str:
    """案件进度查询 with the case number filled in: where a party follows its case."""
    return public_url(f"{reverse('public:progress')}?{urlencode({'case': case.number})}")


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
