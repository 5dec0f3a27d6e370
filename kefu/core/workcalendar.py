"""Business time on the Chinese calendar (R-TIC-6). No database here: the only Django in it
is ``gettext`` for the messages a person may read (English msgids, Chinese in kefu/locale).

Which days are workdays comes, in order, from:

1. a year an administrator entered in Kefu (the State Council announces each next
   year's holidays and make-up workdays around November–December, before any
   package release knows them; an entered year also corrects the package);
2. the ``chinesecalendar`` package, for the years it was released with;
3. otherwise the documented fallback rule: ``"error"`` (default) refuses with
   :class:`CalendarYearMissing` naming the year, ``"weekdays"`` counts Monday to
   Friday as workdays with no holidays. Never a silent guess.

Business hours are one or more windows per workday (default 09:00–12:00 and
13:30–18:00). ``add_business_time`` moves a start time forward by a duration
counted only inside those windows; ``business_time_between`` measures it back.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import gettext as _

from kefu.core.wording import one_of

FALLBACK_RULES = ("error", "weekdays")
_MAX_DAYS = 3660  # a time limit never needs to look further than ten years ahead


class CalendarYearMissing(LookupError):
    """No entered year and no packaged data for a date: the administrator must enter it
    (R-TIC-6). Its message is in the reader's language; the tickets and meetings say it in
    their own words, naming ``year``."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The holidays and make-up workdays of %(year)s are not known: enter the list "
                "of %(year)s in the work calendar (settings) before counting business time in it."
            )
            % {"year": year}
        )


class NoBusinessTime(ValueError):
    """Ten years of entered holidays with no workday between (R-TIC-6): a time limit cannot
    end; the administrator must correct the work calendar."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "There is no business time within ten years: check the holidays entered in "
                "the work calendar."
            )
        )


@dataclass(frozen=True)
class YearEntry:
    """An administrator's list for one year: days off and make-up workdays (调休)."""

    year: int
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]

    def __post_init__(self) -> None:
        # The same words as calendar_year_set's refusals (R-TIC-6), which check first.
        stray = [d for d in self.holidays | self.makeup_workdays if d.year != self.year]
        if stray:
            raise ValueError(
                _("not a date of %(year)s: %(bad)s")
                % {"year": self.year, "bad": ", ".join(map(str, sorted(stray)))}
            )
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValueError(
                _("A day cannot be both a holiday and a make-up workday: %(days)s")
                % {"days": ", ".join(map(str, sorted(both)))}
            )

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class BusinessHours:
    """Working windows of a workday, in local time, e.g. ((09:00, 12:00), (13:30, 18:00))."""

    windows: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(9, 0), dt.time(12, 0)),
        (dt.time(13, 30), dt.time(18, 0)),
    )

    def __post_init__(self) -> None:
        # R-TIC-6: what is wrong with the business hours, said to the administrator after
        # the policy's own "give one or more windows like …" (kefu/policy.py).
        if not self.windows:
            raise ValueError(_("there is no window"))
        previous_end = dt.time.min
        for start, end in self.windows:
            if not start < end:
                raise ValueError(
                    _("%(start)s-%(end)s does not end after it starts")
                    % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                )
            if start < previous_end:
                raise ValueError(
                    _("%(start)s-%(end)s starts before the window ahead of it ends")
                    % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                )
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> BusinessHours:
        """From ``"09:00-12:00,13:30-18:00"``; raises ValueError naming the bad part."""
        windows = []
        for part in text.replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                start, end = (dt.time.fromisoformat(p.strip()) for p in part.split("-"))
            except ValueError:
                raise ValueError(
                    _("“%(part)s” is not a window like 09:00-12:00") % {"part": part}
                ) from None
            windows.append((start, end))
        return cls(tuple(windows))

    def text(self) -> str:
        return ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.windows)

    @property
    def per_day(self) -> dt.timedelta:
        return sum(
            (
                dt.datetime.combine(dt.date.min, e) - dt.datetime.combine(dt.date.min, s)
                for s, e in self.windows
            ),
            dt.timedelta(),
        )


@functools.cache
def packaged_years() -> range:
    """The years the installed ``chinesecalendar`` release knows (it ships announced years only)."""
    from chinese_calendar import constants

    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    return range(min(years), max(years) + 1)


@dataclass
class WorkCalendar:
    entered: dict[int, YearEntry] = field(default_factory=dict)
    fallback: str = "error"

    def __post_init__(self) -> None:
        if self.fallback not in FALLBACK_RULES:
            # The policy's own check (kefu/policy.py) refuses such a value first; this says
            # it in the same words, each rule by its label with its code beside it.
            from kefu.policy import POLICIES

            raise ValueError(
                _("The rule for years nobody entered must be %(choices)s, not “%(value)s”.")
                % {
                    "choices": one_of(POLICIES["calendar.unknown_year_rule"].choices),
                    "value": self.fallback,
                }
            )

    def source(self, year: int) -> str:
        """Where the workdays of ``year`` come from: "entered", "package", or the fallback."""
        if year in self.entered:
            return "entered"
        return "package" if year in packaged_years() else self.fallback

    def is_workday(self, day: dt.date) -> bool:
        source = self.source(day.year)
        if source == "entered":
            return self.entered[day.year].is_workday(day)
        if source == "package":
            return chinese_calendar.is_workday(day)
        if source == "weekdays":
            return day.weekday() < 5
        raise CalendarYearMissing(day.year)

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days, day = [], start
        while day <= end:
            if self.is_workday(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def _windows_from(
        self, moment: dt.datetime, hours: BusinessHours
    ) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        """Business windows (aware datetimes) that end after ``moment``, in order."""
        tz = moment.tzinfo
        day = moment.date()
        for _day_number in range(_MAX_DAYS):
            if self.is_workday(day):
                for start, end in hours.windows:
                    w_start = dt.datetime.combine(day, start, tzinfo=tz)
                    w_end = dt.datetime.combine(day, end, tzinfo=tz)
                    if w_end > moment:
                        yield max(w_start, moment), w_end
            day += dt.timedelta(days=1)
        raise NoBusinessTime


def _require_aware(moment: dt.datetime, name: str) -> None:
    # A programming error, never a person's input: stays untranslated, like the negative
    # duration below (services pass stored, aware times and non-negative limits).
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def add_business_time(
    start: dt.datetime,
    duration: dt.timedelta,
    *,
    calendar: WorkCalendar | None,
    hours: BusinessHours | None = None,
) -> dt.datetime:
    """The moment ``duration`` of business time after ``start`` (R-TIC-6).

    ``calendar=None`` means around the clock (7×24 service): plain addition.
    ``start`` must be aware and in the local zone the business hours refer to.
    """
    _require_aware(start, "start")
    if duration < dt.timedelta(0):
        raise ValueError("duration must not be negative")
    if calendar is None:
        return start + duration
    hours = hours or BusinessHours()
    left = duration
    for w_start, w_end in calendar._windows_from(start, hours):
        span = w_end - w_start
        if left <= span:
            return w_start + left
        left -= span
    raise AssertionError("unreachable")  # pragma: no cover - _windows_from raises first


def business_time_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    calendar: WorkCalendar | None,
    hours: BusinessHours | None = None,
) -> dt.timedelta:
    """Business time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start:
        return dt.timedelta(0)
    if calendar is None:
        return end - start
    hours = hours or BusinessHours()
    total = dt.timedelta(0)
    for w_start, w_end in calendar._windows_from(start, hours):
        if w_start >= end:
            break
        total += min(w_end, end) - w_start
    return total
