"""案件进度查询: what a party sees of its own case on the public pages, and the electronic
service of a notice when the party opens it there.

- `find_party` answers which party of the case `number` the identity number belongs to: the
  worker (resident ID) or the employer (unified social credit code); None otherwise, and the
  page says the same either way. `party_phone` is where that party's code goes: the number it
  consented to be served at by SMS, else the one on file.
- `progress` is the party's view: the stage in plain words on a step line, the next step and its
  date, the sessions scheduled, the notices addressed to this party (served, or servable by
  opening them here), and the instalments. Nothing of the other party's personal data: its
  name only, as every notice names it.
- `open_notice` is the download: when the notice has not been served on this party yet and the
  party consented to electronic service, opening it is the service (电子送达) — recorded through
  the door as record_service, which starts the clocks that run from service — and every
  download is journalled. The public pages and the union's app (the system API) both open
  notices through it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cases.disputes.service import NoticeService, notices_to_serve
from cases.models import (
    AuditAction,
    Deadline,
    DisputeCase,
    DisputeStatus,
    Document,
    ElectronicServiceConsent,
    MediationSession,
    SessionStatus,
)
from cases.models.actors import system
from cases.models.dispute.service import ElectronicChannel, ServiceMethod, ServiceParty, current_service, party_name
from cases.platform.audit.journal import append_event
from cases.platform.transitions import apply
from cases.rules.calendar import day_label, moment_label
from cases.rules.validators import normalise_mobile, normalise_resident_id, normalise_uscc, validate_mobile
from cases.selectors import instalment_rows, yuan

# Who records a service made by opening a notice on the public pages.
PUBLIC_ACTOR = system("public_progress")
S = DisputeStatus

# The step line a party sees, and where each status stands on it.
STEPS = (gettext_lazy("提交申请"), gettext_lazy("受理"), gettext_lazy("调解"), gettext_lazy("调解协议"),
         gettext_lazy("履行"), gettext_lazy("结案"))
STEP_OF = {S.REGISTERED: 0, S.ACCEPTED: 1, S.REJECTED: 1, S.IN_MEDIATION: 2, S.FAILED: 2, S.WITHDRAWN: 2,
           S.AGREEMENT_SIGNING: 3, S.PERFORMING: 4, S.PERFORMED: 4, S.REFERRED: 4, S.CLOSED: 5, S.ARCHIVED: 5}
# The stage as a party reads it (an archived case is simply closed to them).
STAGE_LABELS = {S.REGISTERED: gettext_lazy("已收到申请，正在审查"), S.ARCHIVED: gettext_lazy("已结案")}


def _same_identity(stored: str | None, typed: str, normalise) -> bool:
    return bool(stored) and normalise(stored) == typed


def find_party(number: str, identity: str) -> tuple[DisputeCase, str] | None:
    """(case, "worker" or "employer") when `identity` is that party's number in case `number`."""
    number, identity = (number or "").strip().upper(), normalise_resident_id("".join((identity or "").split()))
    if not number or not identity:
        return None
    case = DisputeCase.objects.select_related("worker", "employer", "organisation").filter(number=number).first()
    if case is None:
        return None
    if _same_identity(case.worker.resident_id, identity, normalise_resident_id):
        return case, ServiceParty.WORKER
    if _same_identity(case.employer.uscc, normalise_uscc(identity), normalise_uscc):
        return case, ServiceParty.EMPLOYER
    return None


def _sms_consent(case: DisputeCase, party: str) -> ElectronicServiceConsent | None:
    return (case.electronic_service_consents.filter(party=party, channel=ElectronicChannel.SMS)
            .order_by("-given_on", "-pk").first())


def party_phone(case: DisputeCase, party: str) -> str:
    """The mobile number `party` of `case` is reached at for a code; "" when none is on file."""
    consent = _sms_consent(case, party)
    candidates = [consent.address if consent else "",
                  case.worker.phone if party == ServiceParty.WORKER else case.employer.contact_phone]
    for candidate in candidates:
        number = normalise_mobile(candidate or "")
        try:
            validate_mobile(number)
        except ValidationError:  # not a mobile number: try the next
            continue
        return number
    return ""


@dataclass(frozen=True)
class Notice:
    document: Document
    served_on: date | None
    method: str
    may_open: bool  # served already, or opening it here serves it

    @property
    def title(self) -> str:
        return self.document.title


@dataclass(frozen=True)
class Progress:
    case: DisputeCase
    party: str
    stage: str
    step: int
    steps: list[tuple[str, str]]  # (label, "done" / "current" / "todo")
    next_step: str
    next_date: date | None
    sessions: list[MediationSession] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    instalments: list = field(default_factory=list)
    electronic_service: bool = False

    @property
    def applicant(self) -> str:
        return party_name(self.case, ServiceParty.WORKER)

    @property
    def respondent(self) -> str:
        return party_name(self.case, ServiceParty.EMPLOYER)


def _clock_due(case: DisputeCase, code: str) -> date | None:
    deadline = Deadline.objects.for_subject(case).active().filter(clock=code).order_by("-pk").first()
    return deadline.due_on if deadline is not None else None


def _next_step(case: DisputeCase, sessions, instalments) -> tuple[str, date | None]:
    status = case.status
    if status == S.REGISTERED:
        due = _clock_due(case, "dispute.acceptance")
        return _("调解组织正在审查您的申请，将在%(date)s前决定是否受理，并通知您。") % {"date": day_label(due)} if due else (
            _("调解组织正在审查您的申请，决定是否受理后会通知您。")), due
    if status in (S.ACCEPTED, S.IN_MEDIATION):
        if sessions:
            session = sessions[0]
            return _("第%(n)s次调解定于%(when)s在%(place)s进行，请准时参加。") % {
                "n": session.number, "when": moment_label(session.starts_at), "place": session.place}, \
                timezone.localdate(session.starts_at)
        due = _clock_due(case, "dispute.mediation")
        text = _("调解员会与您联系，安排调解的时间和地点。")
        if due:
            text += _("调解期限至%(date)s。") % {"date": day_label(due)}
        return text, due
    if status == S.AGREEMENT_SIGNING:
        return _("双方已就调解方案达成一致，请按调解员的通知签署调解协议书。"), None
    if status == S.PERFORMING:
        unpaid = [row for row in instalments if row.outstanding > 0]
        if unpaid:
            row = unpaid[0]
            return _("用人单位应于%(date)s前支付第%(n)s期款项%(amount)s。") % {
                "date": day_label(row.instalment.due_on), "n": row.instalment.number,
                "amount": yuan(row.outstanding)}, row.instalment.due_on
        return _("调解协议正在履行。"), None
    if status == S.REJECTED:
        return _("调解组织决定不予受理，理由和您可以采取的途径见《不予受理通知书》。"), None
    if status in (S.FAILED, S.WITHDRAWN, S.REFERRED):
        return _("调解已经结束。如需继续主张权利，可以依法向劳动人事争议仲裁委员会申请仲裁，详见调解组织送达的文书。"), None
    if status == S.PERFORMED:
        return _("调解协议已履行完毕，调解组织将结案。"), None
    return _("案件已结案。"), None


def _notices(case: DisputeCase, party: str, consented: bool) -> list[Notice]:
    servable = consented and case.status != S.ARCHIVED
    rows: list[NoticeService] = [row for row in notices_to_serve(case) if row.party == party]
    return [Notice(document=row.document, served_on=row.record.served_on if row.record else None,
                   method=row.record.get_method_display() if row.record else "",
                   may_open=row.record is not None or servable)
            for row in rows]


def progress(case: DisputeCase, party: str) -> Progress:
    now = timezone.now()
    sessions = list(MediationSession.objects.filter(case=case, status=SessionStatus.SCHEDULED, starts_at__gte=now)
                    .order_by("starts_at"))
    instalments = instalment_rows(case)
    step = STEP_OF.get(case.status, 0)
    steps = [(str(label), "done" if index < step else "current" if index == step else "todo")
             for index, label in enumerate(STEPS)]
    next_step, next_date = _next_step(case, sessions, instalments)
    consented = _sms_consent(case, party) is not None
    return Progress(
        case=case, party=party, stage=str(STAGE_LABELS.get(case.status) or case.get_status_display()), step=step,
        steps=steps, next_step=next_step, next_date=next_date, sessions=sessions,
        notices=_notices(case, party, consented), instalments=instalments, electronic_service=consented)


def _serve(case: DisputeCase, party: str, document: Document, *, by, note: str) -> None:
    consent = _sms_consent(case, party)
    data = {"document": document, "party": party, "service_method": ServiceMethod.ELECTRONIC,
            "served_on": timezone.localdate(), "recipient": party_name(case, party),
            "electronic_address": consent.address, "note": note or _("当事人通过网上查询页面打开文书，视为送达。")}
    try:
        apply(case, "record_service", by=by, data=data)
    except (IntegrityError, ValidationError):
        if current_service(document, party) is None:  # not a simultaneous first opening: a real fault
            raise


class NoticeFileMissing(Exception):
    """The notice's stored PDF is not there: it cannot be opened, so it is not served either."""


def open_notice(case: DisputeCase, party: str, document_id, *, by=PUBLIC_ACTOR, channel: str = "public",
                note: str = "") -> Document | None:
    """The notice `document_id` addressed to `party`, served on it now if it was not yet and the
    party consented to electronic service; None when the party may not open it here.

    The public pages open it as PUBLIC_ACTOR; the union's app (api/system/applications.py) as its
    own system actor, on channel "api", with a `note` for the service record naming the app."""
    notice = next((n for n in progress(case, party).notices if str(n.document.pk) == str(document_id)), None)
    if notice is None or not notice.may_open:
        return None
    stored = notice.document.file
    if not stored or not stored.storage.exists(stored.name):  # not served by a file the party never got
        raise NoticeFileMissing(notice.document.pk)
    if notice.served_on is None:
        _serve(case, party, notice.document, by=by, note=note)
    append_event(action=AuditAction.EXPORT, actor=by, subject=notice.document,
                 organisation=notice.document.organisation, name="download_document",
                 data={"document_id": notice.document.pk, "case": case.number, "party": party,
                       "sha256": notice.document.sha256, "channel": channel})
    return notice.document
