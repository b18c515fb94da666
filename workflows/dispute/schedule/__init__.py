"""日程: a mediator's week of mediation sessions (theirs or their centre's), printable as a PDF, and
their iCalendar feed at a secret address (cases/disputes/schedule.py)."""
