"""What the supervisor keeps, turned into the pure planners' input (R-CC-6, R-CC-7, R-CC-10):
the active shift templates, staff leave as shifts a person cannot work, and the manual
forecast overrides laid over the forecast from history. Also the roster's shortfalls in
words, with dates and who is on leave then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kefu.callcenter import forecast, roster
from kefu.callcenter.models import ForecastOverride, ShiftTemplate, StaffLeave
from kefu.errors import ValidationFailed


def roster_templates() -> list[roster.ShiftTemplate]:
    """R-CC-7: the active shift templates (the seed's three unless the supervisor changed
    them), named by their codes."""
    rows = list(ShiftTemplate.objects.filter(is_active=True))
    if not rows:
        raise ValidationFailed.on(
            "templates", _("No shift template is active; add one under shifts and leave.")
        )
    return [
        roster.ShiftTemplate(
            t.code, t.start_minute, t.duration_minutes, int(round(t.paid_hours * 60))
        )
        for t in rows
    ]


def template_names() -> dict[str, str]:
    """Code -> the name people read (白班, 夜班 …), inactive ones included."""
    return dict(ShiftTemplate.objects.values_list("code", "name"))


# ---------------------------------------------------------------------------- overrides


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds() / 60.0)


def apply_overrides(
    intervals: list[forecast.IntervalForecast], interval_minutes: int
) -> list[forecast.IntervalForecast]:
    """R-CC-10: the supervisor's overrides laid over the forecast. Each interval is split
    into the parts each override covers (its calls per hour and/or handle time) and the
    rest (the forecast from history); calls add up, the handle time is weighted by calls."""
    if not intervals:
        return intervals
    start = intervals[0].start
    end = intervals[-1].start + dt.timedelta(minutes=interval_minutes)
    rows = list(ForecastOverride.objects.filter(starts_at__lt=end, ends_at__gt=start))
    if not rows:
        return intervals
    out = []
    for f in intervals:
        f_end = f.start + dt.timedelta(minutes=interval_minutes)
        parts = []
        rest = float(interval_minutes)
        for o in rows:
            minutes = _overlap(f.start, f_end, o.starts_at, o.ends_at)
            if not minutes:
                continue
            rest -= minutes
            share = minutes / interval_minutes
            calls = (
                o.calls_per_hour * minutes / 60.0
                if o.calls_per_hour is not None
                else f.offered * share
            )
            parts.append((calls, o.aht_seconds if o.aht_seconds is not None else f.aht_seconds))
        if not parts:
            out.append(f)
            continue
        if rest > 0:
            parts.append((f.offered * rest / interval_minutes, f.aht_seconds))
        offered = sum(c for c, _a in parts)
        handled = [(c, a) for c, a in parts if a > 0]
        if offered > 0:
            weight = sum(c for c, _a in handled)
            aht = sum(c * a for c, a in handled) / weight if weight else 0.0
        else:
            aht = max((a for _c, a in parts), default=f.aht_seconds)
        if offered > 0 and aht <= 0:
            raise ValidationFailed.on(
                "aht_seconds",
                _("Calls are forecast from %(t)s but no handle time is known; give one.")
                % {"t": timezone.localtime(f.start).strftime("%Y-%m-%d %H:%M")},
            )
        out.append(replace(f, offered=offered, aht_seconds=aht, overridden=True))
    return out


# ---------------------------------------------------------------------------- leave


def leave_for(people: Sequence, start: dt.datetime, days: int = 7) -> dict[int, list[StaffLeave]]:
    """User id -> leave touching the week (and the night running into the next one)."""
    first = start - dt.timedelta(days=1)
    last = start + dt.timedelta(days=days + 1)
    out: dict[int, list[StaffLeave]] = {}
    rows = StaffLeave.objects.filter(
        user__in=[p.pk for p in people], starts_at__lt=last, ends_at__gt=first
    )
    for leave in rows:
        out.setdefault(leave.user_id, []).append(leave)
    return out


def unavailable(
    leave: Sequence[StaffLeave], templates: Sequence[roster.ShiftTemplate], start: dt.datetime
) -> frozenset[tuple[int, str]]:
    """(weekday, template) pairs whose shift overlaps any of the leave (real dates, so
    Sunday's night shift runs into the next Monday)."""
    blocked = set()
    for day in range(7):
        for t in templates:
            begin = start + dt.timedelta(days=day, minutes=t.start_minute)
            end = begin + dt.timedelta(minutes=t.duration_minutes)
            if any(x.starts_at < end and x.ends_at > begin for x in leave):
                blocked.add((day, t.name))
    return frozenset(blocked)


# ---------------------------------------------------------------------------- shortfalls


def _rule_label(rule: str) -> str:
    labels = {
        "R-CC-6": _("R-CC-6 one seat at every hour (7×24)"),
        "R-CC-8 peak": _("R-CC-8 minimum seats in peak hours"),
        "R-CC-8 night": _("R-CC-8 minimum seats at night"),
        "R-CC-10": _("R-CC-10 seats for the forecast calls"),
    }
    return labels.get(rule, rule)


def shortfall_lines(
    result: roster.Roster, start: dt.datetime, people: Sequence, leave: dict[int, list]
) -> list[str]:
    """Each stretch of intervals the staff cannot cover: when, which rule, seats needed and
    rostered, and who is on leave then — so an infeasible roster says what cannot be met."""
    step = dt.timedelta(minutes=result.interval_minutes)
    runs: list[list] = []
    for s in result.shortfalls:
        if runs and runs[-1][1] == s.interval - 1 and runs[-1][2] == (s.rule, s.needed, s.covered):
            runs[-1][1] = s.interval
        else:
            runs.append([s.interval, s.interval, (s.rule, s.needed, s.covered)])
    names = {p.pk: p.display_name for p in people}
    lines = []
    for first, last, (rule, needed, covered) in runs:
        begin = start + first * step
        end = start + (last + 1) * step
        away = sorted(
            names[uid]
            for uid, items in leave.items()
            if uid in names and any(x.starts_at < end and x.ends_at > begin for x in items)
        )
        text = _(
            "%(from)s–%(to)s: %(rule)s needs %(needed)d seats, these staff can cover %(covered)d"
        ) % {
            "from": date_format(timezone.localtime(begin), "D m-d H:i"),
            "to": date_format(timezone.localtime(end), "H:i"),
            "rule": _rule_label(rule),
            "needed": needed,
            "covered": covered,
        }
        if away:
            text += _(" (on leave: %(names)s)") % {"names": ", ".join(away)}
        lines.append(text)
    return lines
