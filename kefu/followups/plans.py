"""Pure date arithmetic of callback plans (R-FUP-1, R-FUP-5); no Django, fast to test."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def callback_due(delivered: dt.date, sequence: int, *, first_year: int, later: int) -> dt.date:
    """The due date of the ``sequence``-th callback after delivery (1-based).

    R-FUP-1: every ``first_year`` months within the first year, every ``later``
    months after it. With the defaults (1 and 3): months 1..12, then 15, 18, ...
    """
    in_first_year = 12 // first_year
    if sequence <= in_first_year:
        return add_months(delivered, sequence * first_year)
    return add_months(delivered, 12 + (sequence - in_first_year) * later)


def callbacks_between(
    delivered: dt.date, start: dt.date, end: dt.date, *, first_year: int, later: int
) -> list[tuple[int, dt.date]]:
    """Every (sequence, due date) with ``start <= due <= end``, in order."""
    found = []
    sequence = 1
    while True:
        due = callback_due(delivered, sequence, first_year=first_year, later=later)
        if due > end:
            return found
        if due >= start:
            found.append((sequence, due))
        sequence += 1
