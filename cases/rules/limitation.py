"""Arbitration limitation (仲裁时效): Art.27 of the Labor Dispute Mediation and Arbitration Law.

What intake warns about (`limitation_at_receipt`) and what a notice issued when mediation
ends states (`limitation_after_mediation`). Both return a `LimitationResult` whose `basis`
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import calendar
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


def limitation_end(start: date) -> date:
    """The last day of a one-year period starting on `start` (see the module docstring)."""
    year = start.year + LIMITATION_PERIOD_YEARS
    try:
        nominal = start.replace(year=year)
    except ValueError:  # 29 February, and the next year has none
        nominal = date(year, 2, 28)
    return calendar.period_end(nominal)


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
    ) % {"start": _cn_date(employment_end), "end": _cn_date(end), "citation": ART27_PARA4})


def _general_claim(claim_type: str, infringement_known_on: date | None) -> _ClaimLimitation:
    if infringement_known_on is None:
        return _ClaimLimitation(claim_type, None, False, _(
            "未填写知道或者应当知道权利被侵害之日，无法计算仲裁时效，须向申请人询问该日期（%(citation)s）"
        ) % {"citation": ART27_PARA1})
    end = limitation_end(infringement_known_on)
    return _ClaimLimitation(claim_type, end, False, _(
        "自知道或者应当知道权利被侵害之日（%(start)s）起一年，至%(end)s届满，依据%(citation)s"
    ) % {"start": _cn_date(infringement_known_on), "end": _cn_date(end), "citation": ART27_PARA1})


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
        return _("调解终结之日（%(date)s）") % {"date": _cn_date(ended_on)}
    return _("今日（%(date)s，调解尚未终结）") % {"date": _cn_date(today)}


def _after_mediation(part: _ClaimLimitation, received_on: date, restart: date, restart_label: str) -> _ClaimLimitation:
    if part.not_limited:
        return part
    new_end = limitation_end(restart)
    if part.unknown:
        return replace(part, basis=part.basis + _(
            "；如申请调解时仲裁时效尚未届满，则因申请调解而中断，自%(restart)s起重新计算一年，至%(end)s届满（%(citation)s）"
        ) % {"restart": restart_label, "end": _cn_date(new_end), "citation": ART27_PARA2})
    if received_on > part.limitation_date:
        return replace(part, basis=part.basis + _(
            "；申请调解时（%(received)s）仲裁时效已经届满，已届满的时效不因申请调解而中断或重新计算（%(citation)s）"
        ) % {"received": _cn_date(received_on), "citation": ART27_PARA2})
    return replace(part, limitation_date=new_end, basis=_(
        "申请调解（%(received)s收到申请）使仲裁时效中断，自%(restart)s起重新计算一年，至%(end)s届满，依据%(citation)s"
    ) % {"received": _cn_date(received_on), "restart": restart_label, "end": _cn_date(new_end),
         "citation": ART27_PARA2})


def limitation_after_mediation(case) -> LimitationResult:
    """The limitation date to state when mediation ends (rejection, failure, withdrawal).

    The mediation application interrupted the period (Art.27 para.2); it runs again for a
    year from the day mediation ended (from today while the case is still open). A claim
    already time-barred at receipt is not revived and keeps its original date; wage
    arrears in a continuing employment stay not limited (Art.27 para.4).
    """
    today = timezone.localdate()
    restart = case.ended_on or today
    label = _restart_label(case.ended_on, today)
    claim_types = case.claims.values_list("claim_type", flat=True)
    parts = [
        _after_mediation(part, case.received_on, restart, label)
        for part in _claim_limitations(claim_types, case.infringement_known_on, case.employment_end)
    ]
    return _combine(case.received_on, parts)
