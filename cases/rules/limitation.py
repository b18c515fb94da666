"""Arbitration limitation (仲裁时效): Art.27 of the Labor Dispute Mediation and Arbitration Law.

What intake warns about (`limitation_at_receipt`), what a notice issued when mediation
ends states (`limitation_after_mediation`), what a non-acceptance notice states
(`limitation_after_non_acceptance`) and what the notice of an agreement not performed
states (`limitation_after_non_performance`). Each returns a `LimitationResult` whose `basis`
names the rule in Chinese, so a page or a document can print it as it is.

Conventions, stated once:
- "One year from D" (民法典第二百零一条、第二百零二条): the day D itself is not counted and
  the period ends on the corresponding day of the next year. A period starting on 29
  February ends on 28 February (no corresponding day: the last day of that month).
- 民法典第二百零三条: when that last day is a statutory holiday or a rest day (a weekend day
  that is not a make-up workday), the period ends on the first working day after it. The
  result, `limitation_date`, is the last day on which an application is still in time.
- Suspension for force majeure (Art.27 para.3) is not modelled: the facts behind it are
  not recorded at intake.
- `employment_end` None means the employment continues.
- Several claim types: each is computed on its own; the result is the earliest date among
  them and the basis says which claim it belongs to. If a claim's date cannot be computed
  (no `infringement_known_on` for a claim outside para.4), the result has no date and says
  what must be asked, unless another claim was already time-barred at receipt, which is
  reported whatever the unknown one would give.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import calendar
from .calendar import day_label
from .claims import ClaimType, rules_for

LIMITATION_PERIOD_YEARS = 1

ART27_CITATION = gettext_lazy("《劳动争议调解仲裁法》第二十七条")
ART27_PARA1 = gettext_lazy("《劳动争议调解仲裁法》第二十七条第一款")
ART27_PARA2 = gettext_lazy("《劳动争议调解仲裁法》第二十七条第二款")
ART27_PARA3 = gettext_lazy("《劳动争议调解仲裁法》第二十七条第三款")
ART27_PARA4 = gettext_lazy("《劳动争议调解仲裁法》第二十七条第四款")
ART27_PARA1_TEXT = gettext_lazy(
    "劳动争议申请仲裁的时效期间为一年。仲裁时效期间从当事人知道或者应当知道其权利被侵害之日起计算。")
ART27_PARA2_TEXT = gettext_lazy(
    "前款规定的仲裁时效，因当事人一方向对方当事人主张权利，或者向有关部门请求权利救济，"
    "或者对方当事人同意履行义务而中断。从中断时起，仲裁时效期间重新计算。")
ART27_PARA3_TEXT = gettext_lazy(
    "因不可抗力或者有其他正当理由，当事人不能在本条第一款规定的仲裁时效期间申请仲裁的，仲裁时效中止。"
    "从中止时效的原因消除之日起，仲裁时效期间继续计算。")
ART27_PARA4_TEXT = gettext_lazy(
    "劳动关系存续期间因拖欠劳动报酬发生争议的，劳动者申请仲裁不受本条第一款规定的仲裁时效期间的限制；"
    "但是，劳动关系终止的，应当自劳动关系终止之日起一年内提出。")
PERIOD_COMPUTATION_CITATION = gettext_lazy(
    "《民法典》第二百零一条、第二百零二条、第二百零三条：开始的当日不计入；到期月的对应日为期间的最后一日，没有对应日的，"
    "到期月的末日为期间的最后一日；期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日")


@dataclass(frozen=True)
class LimitationResult:
    limitation_date: date | None
    basis: str
    not_limited: bool
    time_barred_at_receipt: bool


@dataclass(frozen=True)
class _ClaimLimitation:
    """One claim type's own limitation; combined into a LimitationResult."""

    claim_type: str
    limitation_date: date | None
    not_limited: bool
    basis: str

    @property
    def unknown(self) -> bool:
        return self.limitation_date is None and not self.not_limited


def _nominal_end(start: date) -> date:
    """The corresponding day one year after `start`, before Art.203 moves it off a rest day."""
    year = start.year + LIMITATION_PERIOD_YEARS
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February, and the next year has none
        return date(year, 2, 28)


def limitation_end(start: date) -> date:
    """The last day of a one-year period starting on `start` (see the module docstring)."""
    return calendar.period_end(_nominal_end(start))


def _label(claim_type: str) -> str:
    return str(ClaimType(claim_type).label)


def _wage_claim(claim_type: str, employment_end: date | None) -> _ClaimLimitation:
    if employment_end is None:
        return _ClaimLimitation(claim_type, None, True, _(
            "劳动关系存续期间因拖欠劳动报酬发生争议，不受一年仲裁时效期间的限制，依据%(citation)s"
        ) % {"citation": ART27_PARA4})
    end = limitation_end(employment_end)
    return _ClaimLimitation(claim_type, end, False, _(
        "自劳动关系终止之日（%(start)s）起一年，至%(end)s届满，依据%(citation)s"
    ) % {"start": day_label(employment_end), "end": day_label(end), "citation": ART27_PARA4})


def _general_claim(claim_type: str, infringement_known_on: date | None) -> _ClaimLimitation:
    if infringement_known_on is None:
        return _ClaimLimitation(claim_type, None, False, _(
            "未填写知道或者应当知道权利被侵害之日，无法计算仲裁时效，须向申请人询问该日期（%(citation)s）"
        ) % {"citation": ART27_PARA1})
    end = limitation_end(infringement_known_on)
    return _ClaimLimitation(claim_type, end, False, _(
        "自知道或者应当知道权利被侵害之日（%(start)s）起一年，至%(end)s届满，依据%(citation)s"
    ) % {"start": day_label(infringement_known_on), "end": day_label(end), "citation": ART27_PARA1})


def _claim_limitation(claim_type: str, infringement_known_on: date | None,
                      employment_end: date | None) -> _ClaimLimitation:
    if rules_for(claim_type).wage_arrears:
        return _wage_claim(claim_type, employment_end)
    return _general_claim(claim_type, infringement_known_on)


def _labelled(part: _ClaimLimitation, several: bool) -> str:
    return f"“{_label(part.claim_type)}”：{part.basis}" if several else part.basis


def _lead(earliest: Sequence[_ClaimLimitation], several: bool) -> str:
    if not several:
        return earliest[0].basis
    names = "".join(f"“{_label(part.claim_type)}”" for part in earliest)
    return _("各项请求中%(names)s的仲裁时效最早届满：%(basis)s") % {"names": names, "basis": earliest[0].basis}


def _combine(received_on: date, parts: Sequence[_ClaimLimitation]) -> LimitationResult:
    if not parts:
        return LimitationResult(None, _("未填写请求事项，无法计算仲裁时效"), False, False)
    several = len(parts) > 1
    dated = sorted((p for p in parts if p.limitation_date), key=lambda p: p.limitation_date)
    unknown = [p for p in parts if p.unknown]
    barred = bool(dated) and received_on > dated[0].limitation_date
    if unknown and not barred:
        basis = "；".join(_labelled(p, several) for p in [*unknown, *dated])
        return LimitationResult(None, basis, False, False)
    if not dated:  # every claim is wage arrears in a continuing employment
        return LimitationResult(None, parts[0].basis, True, False)
    first = dated[0].limitation_date
    earliest = [p for p in dated if p.limitation_date == first]
    later = [p for p in dated if p.limitation_date != first]
    undated = [p for p in parts if p.limitation_date is None]
    rest = [_labelled(p, several) for p in [*later, *undated]]
    return LimitationResult(first, "；".join([_lead(earliest, several), *rest]), False, barred)


def _claim_limitations(claim_types: Iterable[str], infringement_known_on: date | None,
                       employment_end: date | None) -> list[_ClaimLimitation]:
    return [
        _claim_limitation(claim_type, infringement_known_on, employment_end)
        for claim_type in dict.fromkeys(claim_types)
    ]


def limitation_at_receipt(
    *, received_on: date, infringement_known_on: date | None, employment_end: date | None,
    claim_types: Iterable[str],
) -> LimitationResult:
    """The limitation date of an application as received, and whether it had already passed."""
    parts = _claim_limitations(claim_types, infringement_known_on, employment_end)
    return _combine(received_on, parts)


def _restart_label(ended_on: date | None, today: date) -> str:
    if ended_on is not None:
        return _("调解终结之日（%(date)s）") % {"date": day_label(ended_on)}
    return _("今日（%(date)s，调解尚未终结）") % {"date": day_label(today)}


def _after_mediation(part: _ClaimLimitation, received_on: date, restart: date, restart_label: str) -> _ClaimLimitation:
    if part.not_limited:
        return part
    new_end = limitation_end(restart)
    if part.unknown:
        return replace(part, basis=part.basis + _(
            "；如申请调解时仲裁时效尚未届满，则因申请调解而中断，自%(restart)s起重新计算一年，至%(end)s届满（%(citation)s）"
        ) % {"restart": restart_label, "end": day_label(new_end), "citation": ART27_PARA2})
    if received_on > part.limitation_date:
        return replace(part, basis=part.basis + _(
            "；申请调解时（%(received)s）仲裁时效已经届满，已届满的时效不因申请调解而中断或重新计算（%(citation)s）"
        ) % {"received": day_label(received_on), "citation": ART27_PARA2})
    return replace(part, limitation_date=new_end, basis=_(
        "申请调解（%(received)s收到申请）使仲裁时效中断，自%(restart)s起重新计算一年，至%(end)s届满，依据%(citation)s"
    ) % {"received": day_label(received_on), "restart": restart_label, "end": day_label(new_end),
         "citation": ART27_PARA2})


def _restarted(*, received_on: date, restart: date, restart_label: str, infringement_known_on: date | None,
               employment_end: date | None, claim_types: Iterable[str]) -> LimitationResult:
    parts = [
        _after_mediation(part, received_on, restart, restart_label)
        for part in _claim_limitations(claim_types, infringement_known_on, employment_end)
    ]
    return _combine(received_on, parts)


def limitation_after_mediation(case) -> LimitationResult:
    """The limitation date to state when mediation ends (failure, withdrawal).

    The mediation application interrupted the period (Art.27 para.2); it runs again for a
    year from the day mediation ended (from today while the case is still open). A claim
    already time-barred at receipt is not revived and keeps its original date; wage
    arrears in a continuing employment stay not limited (Art.27 para.4). A case that was
    not accepted was never mediated: see `limitation_after_non_acceptance`.
    """
    today = timezone.localdate()
    return _restarted(
        received_on=case.received_on, restart=case.ended_on or today,
        restart_label=_restart_label(case.ended_on, today), infringement_known_on=case.infringement_known_on,
        employment_end=case.employment_end, claim_types=case.claims.values_list("claim_type", flat=True),
    )


def limitation_after_non_acceptance(
    *, received_on: date, rejected_on: date, infringement_known_on: date | None, employment_end: date | None,
    claim_types: Iterable[str],
) -> LimitationResult:
    """The limitation date to state in a non-acceptance notice (不予受理通知书).

    Applying to a mediation organisation is a request for relief from a relevant body
    (向有关部门请求权利救济, Art.27 para.2), so it interrupted the period; the case was never
    mediated, and the interruption ends when the organisation decides not to accept it: the
    year runs again from that day, `rejected_on` (not counted, 民法典第二百零一条). A claim
    already time-barred at receipt is not revived; wage arrears in a continuing employment
    stay not limited (Art.27 para.4).
    """
    return _restarted(
        received_on=received_on, restart=rejected_on,
        restart_label=_("不予受理之日（%(date)s）") % {"date": day_label(rejected_on)},
        infringement_known_on=infringement_known_on, employment_end=employment_end, claim_types=claim_types,
    )


# -- An effective agreement not performed (不履行调解协议告知书) -------------------------------

NON_PERFORMANCE_OVERDUE = "overdue"
NON_PERFORMANCE_REFUSAL = "refusal"


@dataclass(frozen=True)
class NonPerformance:
    """What the obligor failed to do: `kind` NON_PERFORMANCE_OVERDUE, an instalment (`instalment`,
    its number) whose due date `on` passed unpaid; NON_PERFORMANCE_REFUSAL, a refusal to perform
    declared on `on`."""

    kind: str
    on: date
    instalment: int | None = None


def first_non_performance(*, overdue_instalment: tuple[int, date] | None, refused_on: date | None) -> NonPerformance:
    """The non-performance the new period runs from: the first instalment whose due date passed
    unpaid ((number, due date)) or the declared refusal, whichever came first (the same day:
    the instalment). The earlier one is the day the worker knew or should have known that the
    agreement was not being performed (Art.27 para.1), so the date stated is never too late."""
    found = []
    if overdue_instalment is not None:
        number, due_on = overdue_instalment
        found.append(NonPerformance(NON_PERFORMANCE_OVERDUE, due_on, instalment=number))
    if refused_on is not None:
        found.append(NonPerformance(NON_PERFORMANCE_REFUSAL, refused_on))
    if not found:
        raise ValueError("no non-performance: neither an overdue instalment nor a declared refusal")
    return min(found, key=lambda item: item.on)  # min() keeps the first of equals: the instalment


def _moved_off_rest_day(nominal: date, end: date) -> str:
    if nominal == end:
        return ""
    what = _("休息日") if nominal.weekday() >= 5 else _("法定节假日")
    return _("（一年期满之日%(nominal)s为%(what)s，依照《民法典》第二百零三条顺延至其后的第一个工作日）") % {
        "nominal": day_label(nominal), "what": what}


def _non_performance_start(effective_on: date, event: NonPerformance) -> tuple[date, str]:
    """The day the new year runs from and what the notice calls it."""
    if event.on < effective_on:  # an instalment due before the agreement took effect
        return effective_on, _(
            "第%(n)s期款项的履行期限（%(due)s）早于调解协议生效之日，仲裁时效自调解协议生效之日（%(date)s）起计算一年"
        ) % {"n": event.instalment, "due": day_label(event.on), "date": day_label(effective_on)}
    if event.kind == NON_PERFORMANCE_OVERDUE:
        return event.on, _(
            "第%(n)s期款项逾期未付清，仲裁时效自第%(n)s期款项履行期限届满之日（%(date)s）起计算一年"
        ) % {"n": event.instalment, "date": day_label(event.on)}
    return event.on, _(
        "被申请人明确表示不履行调解协议，仲裁时效自被申请人明确表示不履行之日（%(date)s）起计算一年"
    ) % {"date": day_label(event.on)}


def limitation_after_non_performance(
    *, effective_on: date, non_performance: NonPerformance, employment_end: date | None,
    claim_types: Iterable[str],
) -> LimitationResult:
    """The limitation date to state when an effective agreement is not performed (Art.15).

    Art.27 para.2: the period is interrupted when 「对方当事人同意履行义务」 — the obligor's
    agreement to perform in the mediation agreement, which took effect (and ended mediation)
    on `effective_on` — and 「从中断时起，仲裁时效期间重新计算」. Before the agreed time for
    performance the worker has nothing to claim under the agreement, so the new year runs from
    the day the worker knew or should have known that it was not performed (Art.27 para.1):
    the due date of the first instalment that passed unpaid (履行期限届满之日, the day itself
    not counted, 民法典第二百零一条: the first day counted is the first day of default) or the
    day the obligor declared it would not perform, whichever came first (`first_non_performance`),
    and never before the interruption itself. The last day is moved off a rest day (民法典第
    二百零三条). Claims already time-barred before mediation are not singled out: the obligor
    agreed to perform them. Wage arrears in a continuing employment stay not limited (Art.27
    para.4); when every claim is such, the result has no date.
    """
    claim_types = list(dict.fromkeys(claim_types))
    unlimited = [ct for ct in claim_types if rules_for(ct).wage_arrears and employment_end is None]
    if claim_types and len(unlimited) == len(claim_types):
        return LimitationResult(None, _wage_claim(unlimited[0], None).basis, True, False)
    start, counted_from = _non_performance_start(effective_on, non_performance)
    nominal = _nominal_end(start)
    end = calendar.period_end(nominal)
    basis = _(
        "调解协议于%(effective)s生效，本案调解于该日终结；被申请人在协议中同意履行义务，仲裁时效因此中断，"
        "并自被申请人不履行协议、申请人知道或者应当知道其权利被侵害之日起重新计算（%(citation)s第一款、第二款）；"
        "%(counted_from)s，至%(end)s届满%(moved)s"
    ) % {"effective": day_label(effective_on), "citation": ART27_CITATION, "counted_from": counted_from,
         "end": day_label(end), "moved": _moved_off_rest_day(nominal, end)}
    if unlimited:
        names = "".join(f"“{_label(ct)}”" for ct in unlimited)
        basis += _("；其中%(names)s：%(basis)s") % {"names": names, "basis": _wage_claim(unlimited[0], None).basis}
    return LimitationResult(end, basis, False, False)
