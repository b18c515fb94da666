"""Registering an application (登记): the dates it may carry, and the earlier cases it is compared with.

Each parameter is data with where it comes from; the intake review (cases/disputes/intake_review.py)
applies them and says in Chinese which one refused or warned.

- `LAW_IN_FORCE_ON`: the Labor Dispute Mediation and Arbitration Law came into force on 2008-05-01
  (Art.54). A registration opens that law's clocks (Art.14's fifteen days from receipt, Art.27's
  limitation), so an application received before it is no live registration: the date is a typing
  error (1990 for 2019) or the case is history, which the historical import brings in without
  clocks (cases/disputes/imports.py; the floor does not apply there: enterprise committees mediated
  under the 1993 regulation before the law).
- `LATE_ENTRY_AFTER_DAYS`: an application registered more than 30 days after it was received is a
  late entry (补录); a mediation lead confirms it and says why. Practice of the federation (issue 16),
  not law: no text fixes how late a registration may be entered.
- `DUPLICATE_LOOKBACK_MONTHS`: a new application of the same worker against the same employer is
  compared with the cases not yet finished and with those that ended within the last 12 months.
  Practice, not law (issue 16): long enough to catch an application made again after a failed or
  withdrawn mediation, short enough not to flag every later dispute between the same parties.
"""

from calendar import monthrange
from datetime import date

from django.utils.translation import gettext_lazy as _

LAW_IN_FORCE_ON = date(2008, 5, 1)
LAW_IN_FORCE_CITATION = _("《劳动争议调解仲裁法》第五十四条：本法自2008年5月1日起施行")

LATE_ENTRY_AFTER_DAYS = 30  # practice (issue 16), not law

DUPLICATE_LOOKBACK_MONTHS = 12  # practice (issue 16), not law


def received_before_the_law(received_on: date) -> bool:
    """The application is dated before the law whose clocks a registration opens."""
    return received_on < LAW_IN_FORCE_ON


def days_since_receipt(received_on: date, today: date) -> int:
    return (today - received_on).days


def is_late_entry(received_on: date, today: date) -> bool:
    """Registered more than LATE_ENTRY_AFTER_DAYS days after receipt: a late entry (补录)."""
    return days_since_receipt(received_on, today) > LATE_ENTRY_AFTER_DAYS


def months_before(day: date, months: int) -> date:
    """The corresponding day `months` months before `day`; the last day of that month when it
    has none (31 May minus 3 months is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def duplicate_lookback_start(today: date) -> date:
    """The earliest end date of a finished case that a new application is still compared with."""
    return months_before(today, DUPLICATE_LOOKBACK_MONTHS)
