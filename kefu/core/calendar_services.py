"""The work calendar an administrator keeps (R-TIC-6): entering a year, reading the calendar."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.models import CalendarYear
from kefu.core.workcalendar import BusinessHours, WorkCalendar, YearEntry
from kefu.errors import FieldError, ValidationFailed
from kefu.org.permissions import check


def _dates(field: str, values: list[str] | str, year: int) -> list[dt.date]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("\n", ",").split(",")
    dates, bad = [], []
    for raw in values:
        text = str(raw).strip()
        if not text:
            continue
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            bad.append(text)
            continue
        if day.year != year:
            bad.append(text)
            continue
        dates.append(day)
    if bad:
        raise ValidationFailed(
            message=_("Not dates of %(year)s (YYYY-MM-DD): %(bad)s")
            % {"year": year, "bad": ", ".join(bad)},
            errors=[
                FieldError(
                    field,
                    _("not a date of %(year)s: %(bad)s") % {"year": year, "bad": ", ".join(bad)},
                )
            ],
        )
    return sorted(set(dates))


@transaction.atomic
def calendar_year_set(
    *,
    actor,
    year: int,
    holidays: list[str] | str,
    makeup_workdays: list[str] | str,
    source: str = "",
) -> CalendarYear:
    """Enter or correct one year's holidays and make-up workdays (R-TIC-6).

    The State Council announces each next year's list around November–December;
    the administrator enters it here and it takes precedence over the package.
    """
    check(actor, "calendar.manage")
    if not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", _("The year must be between 2000 and 2100."))
    off = _dates("holidays", holidays, year)
    on = _dates("makeup_workdays", makeup_workdays, year)
    both = sorted(set(off) & set(on))
    if both:
        raise ValidationFailed.on(
            "makeup_workdays",
            _("A day cannot be both a holiday and a make-up workday: %(days)s")
            % {"days": ", ".join(map(str, both))},
        )
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = snapshot(existing) if existing else None
    entry, _created = CalendarYear.objects.update_or_create(
        year=year,
        defaults={
            "holidays": [d.isoformat() for d in off],
            "makeup_workdays": [d.isoformat() for d in on],
            "source": source.strip()[:200],
            "updated_at": timezone.now(),
            "updated_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        target=entry,
        summary=_("work calendar %(year)s") % {"year": year},
        before=before,
        after=snapshot(entry),
    )
    policy.forget()  # the rest of this request reads the new calendar
    return entry


_MEMO_KEY = "\0work_calendar"


def work_calendar() -> WorkCalendar:
    """The calendar in force: entered years over the package, then the fallback policy.
    Built once per request (a ticket's due times read it more than once)."""
    memo = policy.request_memo()
    if memo is not None and _MEMO_KEY in memo:
        return memo[_MEMO_KEY]
    entered = {
        row.year: YearEntry(
            year=row.year,
            holidays=frozenset(dt.date.fromisoformat(d) for d in row.holidays),
            makeup_workdays=frozenset(dt.date.fromisoformat(d) for d in row.makeup_workdays),
        )
        for row in CalendarYear.objects.all()
    }
    calendar = WorkCalendar(entered=entered, fallback=policy.get("calendar.unknown_year_rule"))
    if memo is not None:
        memo[_MEMO_KEY] = calendar
    return calendar


def business_hours() -> BusinessHours:
    return BusinessHours.parse(policy.get("calendar.business_hours"))


def calendar_year_summary(year: int) -> dict:
    """What the calendar page and API show for one year: its source, off days and workdays."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed.on("year", _("The year must be between 2000 and 2100."))
    cal = work_calendar()
    source = cal.source(year)
    row = CalendarYear.objects.filter(year=year).first()
    if row is not None:
        holidays = [dt.date.fromisoformat(d) for d in row.holidays]
        makeup = [dt.date.fromisoformat(d) for d in row.makeup_workdays]
    elif source == "package":
        days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(366)]
        days = [d for d in days if d.year == year]
        holidays = [d for d in days if d.weekday() < 5 and not cal.is_workday(d)]
        makeup = [d for d in days if d.weekday() >= 5 and cal.is_workday(d)]
    else:
        holidays, makeup = [], []
    workdays = None
    if source in {"entered", "package", "weekdays"}:
        workdays = len(cal.workdays(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return {
        "year": year,
        "source": source,
        "holidays": holidays,
        "makeup_workdays": makeup,
        "workdays": workdays,
        "entered": row,
    }
