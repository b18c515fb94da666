"""Legal clocks, declared once as data with their citations.

A clock says what starts it (a model's transition or its creation), how long it runs and
in which unit, on which days of the clock warnings go out, whether and how often it may
be extended, what happens when it is breached, and the rule it comes from. Deadline rows
(cases.models.Deadline) only hold the state of one running clock; the service in
cases/platform/deadlines.py opens, meets, extends, breaches and cancels them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.rules.roles import Role

from . import calendar

CREATED = "created"  # the trigger name for "the subject was created"


class DayUnit(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class Trigger:
    """A model (app_label.model_name) and a transition name, or CREATED; with `when`, only
    if the subject's attribute of that name is true after the transition (the agreement is
    reached by the signature that completes the parties' signatures, not by every signature)."""

    model: str
    transition: str
    when: str | None = None

    def fires(self, model: str, transition: str, subject=None) -> bool:
        if (self.model, self.transition) != (model, transition):
            return False
        return self.when is None or bool(getattr(subject, self.when))


@dataclass(frozen=True)
class LegalClock:
    code: str
    name: str
    unit: DayUnit
    citation: str
    length: int | None  # None: the due date comes from the data (an instalment's date)
    starts_on: tuple[Trigger, ...] = ()
    met_by: tuple[Trigger, ...] = ()
    cancelled_by: tuple[Trigger, ...] = ()
    # Warnings on these days of the clock (day `length` is the due day itself).
    warn_on_days: tuple[int, ...] = ()
    # Reminders this many calendar days before the due date (0: on the due day), for clocks
    # whose due date comes from the data, such as an instalment.
    remind_days_before_due: tuple[int, ...] = ()
    # Attribute of the subject holding the start date; None: the day the clock opens.
    start_attribute: str | None = None
    # A period that runs from the service (送达) of a notice (a document-kind code): it starts on
    # the day the notice was served, as its service record says (the first day not counted,
    # 民法典第二百零一条), not on the day it was made. Recording the service opens the clock, or
    # moves the start of one its triggers opened; a corrected service record moves it again; a
    # clock already ended stays as it ended. `service_to` names whose service counts ("worker"
    # or "employer"); None: the last of the notice's addressees to be served (from that day
    # every addressee has it). The deadlines service does this (cases/platform/deadlines.py,
    # start_from_service), called by the dispute service when a service is recorded.
    runs_from_service_of: str | None = None
    service_to: str | None = None
    # How many times and by how much it may be extended: 0 never; None no limit.
    max_extensions: int | None = 0
    max_extension_days: int | None = None
    # At breach: a transition the system applies to the subject, and who is told.
    breach_transition: str | None = None
    escalate_to: tuple[str, ...] = ()
    statutory: bool = True
    # A key of settings.UNIONCASE holding the length, where the rule leaves it to configuration.
    length_setting: str | None = None
    # A period that must run its course (a publicity) rather than a time limit to act within:
    # when it has run, it is met and its assignee told to take the next step — never breached.
    elapses: bool = False
    notes: str = ""

    def __post_init__(self):
        if self.warn_on_days and self.remind_days_before_due:
            raise ValueError(f"clock {self.code}: declare warn_on_days or remind_days_before_due, not both")

    @property
    def days(self) -> int | None:
        if self.length_setting:
            return settings.UNIONCASE[self.length_setting]
        return self.length

    @property
    def extendable(self) -> bool:
        return self.max_extensions is None or self.max_extensions > 0

    def due_date(self, start: date, length: int | None = None) -> calendar.WorkingDayResult:
        """The last day of the period: `length` working days, or calendar days ending on a
        working day (a last day on a holiday or rest day moves to the next working day,
        民法典第二百零三条); the start day itself is not counted (第二百零一条)."""
        days = self.days if length is None else length
        if self.unit is DayUnit.WORKING:
            return calendar.add_working_days_detailed(start, days)
        return calendar.period_end_detailed(start + timedelta(days=days))

    def warning_date(self, start: date, day_of_clock: int) -> date:
        """The day `day_of_clock` of the clock (a warning goes out on it, rest day or not)."""
        if self.unit is DayUnit.WORKING:
            return calendar.add_working_days(start, day_of_clock)
        return start + timedelta(days=day_of_clock)


DISPUTE = "cases.disputecase"
HARDSHIP = "cases.hardshipfile"
SCHEDULE = "cases.holidayschedule"

# A historical case imported as still pending (import_disputes) joins the work where it was: its
# clocks open from its recorded dates, and those already past are breached at once, flagged as
# imported (cases/platform/deadlines.py). Imported cases that had ended open nothing.
IMPORTED_REGISTERED = Trigger(DISPUTE, "import_history", when="imported_awaiting_acceptance")
IMPORTED_ACCEPTED = Trigger(DISPUTE, "import_history", when="imported_awaiting_assignment")

CLOCKS: dict[str, LegalClock] = {}


def declare(clock: LegalClock) -> LegalClock:
    if clock.code in CLOCKS:
        raise ValueError(f"clock {clock.code} declared twice")
    CLOCKS[clock.code] = clock
    return clock


declare(LegalClock(
    code="dispute.acceptance",
    name=_("受理审查期限"),
    length=3, unit=DayUnit.WORKING, start_attribute="received_on",
    starts_on=(Trigger(DISPUTE, CREATED), IMPORTED_REGISTERED),
    met_by=(Trigger(DISPUTE, "accept"), Trigger(DISPUTE, "reject")),
    cancelled_by=(Trigger(DISPUTE, "withdraw"), Trigger(DISPUTE, "deem_failed")),
    warn_on_days=(3,), escalate_to=(Role.MEDIATION_LEAD,),
    citation=_("《企业劳动争议协商调解规定》（人社部令第17号）：收到调解申请之日起3个工作日内决定是否受理"),
    notes="secondary source; working days follow the State Council holiday schedule",
))

# An agreement is reached once both parties have signed it (Art.14); the mediator's signature
# and the seal then make it effective, and no clock deems a reached agreement failed.
AGREEMENT_REACHED = Trigger(DISPUTE, "record_signature", when="agreement_reached")
MEDIATION_ENDED = (Trigger(DISPUTE, "reject"), Trigger(DISPUTE, "withdraw"), Trigger(DISPUTE, "fail"),
                   Trigger(DISPUTE, "deem_failed"))

declare(LegalClock(
    code="dispute.arbitration_right",
    name=_("收到申请十五日（此后未达成协议的可申请仲裁）"),
    length=15, unit=DayUnit.CALENDAR, start_attribute="received_on",
    starts_on=(Trigger(DISPUTE, CREATED), IMPORTED_REGISTERED, IMPORTED_ACCEPTED),
    # Once an agreement is reached, or mediation has ended otherwise (its notice states the
    # right to arbitrate), the right does not arise from this period.
    cancelled_by=(AGREEMENT_REACHED, *MEDIATION_ENDED),
    elapses=True,
    citation=_("《劳动争议调解仲裁法》第十四条：自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁"),
    notes="a right of the parties, shown to them and to staff; it ends nothing by itself",
))

declare(LegalClock(
    code="dispute.mediation",
    name=_("调解期限"),
    length=15, unit=DayUnit.CALENDAR, start_attribute="accepted_on",
    starts_on=(Trigger(DISPUTE, "accept"), IMPORTED_ACCEPTED),
    met_by=(AGREEMENT_REACHED, Trigger(DISPUTE, "make_agreement_effective")),
    cancelled_by=(Trigger(DISPUTE, "withdraw"), Trigger(DISPUTE, "fail")),
    # Any length both parties agree to, as often as they agree; each consent is recorded.
    warn_on_days=(10, 13), max_extensions=None,
    breach_transition="deem_failed", escalate_to=(Role.MEDIATION_LEAD,),
    citation=_("《企业劳动争议协商调解规定》（人社部令第17号）第二十六条：调解委员会调解劳动争议，应当自受理调解申请之日起"
               "15日内结束；但是双方当事人同意延期的可以延长。在前款规定期限内未达成调解协议的，视为调解不成"),
    notes="secondary source (quoted in DOMAIN.md as secondary); the repealed 30-day rule of 1993 must not be used",
))

declare(LegalClock(
    code="dispute.agreement_review",
    name=_("仲裁审查确认申请期限"),
    length=15, unit=DayUnit.CALENDAR,
    starts_on=(Trigger(DISPUTE, "make_agreement_effective"),),
    met_by=(Trigger(DISPUTE, "apply_for_review"),),
    warn_on_days=(10,),
    citation=_("《企业劳动争议协商调解规定》（人社部令第17号）第二十七条：双方当事人可以自调解协议生效之日起15日内共同向仲裁委员会提出仲裁审查申请"),
    notes="secondary source",
))

declare(LegalClock(
    code="dispute.instalment",
    name=_("分期履行期限"),
    length=None, unit=DayUnit.CALENDAR, escalate_to=(Role.MEDIATION_LEAD,), remind_days_before_due=(3, 0),
    citation=_("《劳动争议调解仲裁法》第十四条：调解协议书对双方当事人具有约束力，当事人应当履行"),
))

declare(LegalClock(
    code="arbitration.acceptance",
    name=_("仲裁受理审查期限"),
    length=5, unit=DayUnit.CALENDAR,
    citation=_("《劳动争议调解仲裁法》第二十九条：劳动争议仲裁委员会收到仲裁申请之日起五日内，认为符合受理条件的，应当受理"),
))

declare(LegalClock(
    code="arbitration.award",
    name=_("仲裁裁决期限"),
    length=45, unit=DayUnit.CALENDAR, max_extensions=1, max_extension_days=15,
    citation=_("《劳动争议调解仲裁法》第四十三条：仲裁庭裁决劳动争议案件，应当自劳动争议仲裁委员会受理仲裁申请之日起四十五日内结束；经批准可以延期，延长期限不得超过十五日"),
))

declare(LegalClock(
    code="hardship.publicity",
    name=_("困难职工认定公示期"),
    length=None, length_setting="HARDSHIP_PUBLICITY_WORKING_DAYS", unit=DayUnit.WORKING,
    starts_on=(Trigger(HARDSHIP, "start_publicity"),),
    met_by=(Trigger(HARDSHIP, "end_publicity"),),
    # A correction of the figures restarts the publicity after a new democratic review.
    cancelled_by=(Trigger(HARDSHIP, "reject"), Trigger(HARDSHIP, "correct_assessment")),
    statutory=False, elapses=True,
    citation=_("地方工会困难职工帮扶工作规定：公示不少于5个工作日（公示期为配置项）"),
    notes="the one figure found is for exit publicity; the period is configuration. Due = the last day of "
          "publicity: objections are taken until then, the file moves on after it.",
))

declare(LegalClock(
    code="hardship.exit_publicity",
    name=_("退档公示期"),
    length=None, length_setting="HARDSHIP_PUBLICITY_WORKING_DAYS", unit=DayUnit.WORKING,
    starts_on=(Trigger(HARDSHIP, "begin_exit"),),
    met_by=(Trigger(HARDSHIP, "exit_file"),),
    cancelled_by=(Trigger(HARDSHIP, "cancel_exit"),),
    statutory=False, elapses=True,
    citation=_("地方工会困难职工帮扶工作规定：退档公示不少于5个工作日（公示期为配置项）"),
))

declare(LegalClock(
    code="hardship.yearly_review",
    name=_("年度复核"),
    # The due date is the anniversary of the file's opening (or of its last review), set by
    # cases.hardship.identification.open_yearly_review_clock.
    length=None, unit=DayUnit.CALENDAR, remind_days_before_due=(30, 0),
    met_by=(Trigger(HARDSHIP, "complete_yearly_review"),),
    cancelled_by=(Trigger(HARDSHIP, "exit_file"),),
    escalate_to=(Role.REVIEWER,), statutory=False,
    citation=_("地方总工会困难职工帮扶工作规定：对建档困难职工实行动态管理，至少每年复核一次"),
))

declare(LegalClock(
    code="calendar.schedule_review",
    name=_("节假日安排审批期限"),
    length=3, unit=DayUnit.WORKING,
    starts_on=(Trigger(SCHEDULE, CREATED),),
    met_by=(Trigger(SCHEDULE, "approve"), Trigger(SCHEDULE, "reject")),
    warn_on_days=(2,), escalate_to=(Role.ORG_ADMIN,),
    statutory=False,
    citation=_("本系统管理规则（非法定期限）：录入的节假日安排应在3个工作日内审批，以便及时重算暂定时限"),
))


# Clocks that run from service: none of the periods above does in this domain. Art.14's fifteen
# days run from receipt of the application, the organisation's mediation period (Art.26 of the
# 2011 regulation) from acceptance, the review application (Art.27) from the agreement taking
# effect, an instalment from its agreed date; a mediation rule that counts from the service of
# a notice has not been found (the periods that do, such as an arbitral award's fifteen days to
# sue, Art.48 and Art.50 of the law, run from the service of the arbitration commission's and
# the court's own documents, not this organisation's). A clock declared with
# runs_from_service_of would start at the service date (see LegalClock).


def runs_from_service_of(kind: str) -> tuple[LegalClock, ...]:
    """The clocks that start on the service of a notice of kind `kind`."""
    return tuple(c for c in CLOCKS.values() if c.runs_from_service_of == kind)


def clock(code: str) -> LegalClock:
    try:
        return CLOCKS[code]
    except KeyError:
        raise LookupError(f"unknown legal clock {code!r}") from None


@dataclass(frozen=True)
class ClockEffects:
    opens: tuple[LegalClock, ...] = field(default=())
    meets: tuple[LegalClock, ...] = field(default=())
    cancels: tuple[LegalClock, ...] = field(default=())


def effects_of(model: str, transition: str, subject=None) -> ClockEffects:
    """Which clocks a model's transition (or CREATED) opens, meets and cancels on `subject`
    (read only by triggers with a `when`)."""
    def fired(triggers: tuple[Trigger, ...]) -> bool:
        return any(trigger.fires(model, transition, subject) for trigger in triggers)

    return ClockEffects(
        opens=tuple(c for c in CLOCKS.values() if fired(c.starts_on)),
        meets=tuple(c for c in CLOCKS.values() if fired(c.met_by)),
        cancels=tuple(c for c in CLOCKS.values() if fired(c.cancelled_by)),
    )
