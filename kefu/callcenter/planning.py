"""From the call history in the database to seats and a roster (R-CC-10, R-CC-6 to R-CC-9).

Glue between the pure maths (erlang.py, forecast.py, roster.py, simulate.py) and Django: it
reads the history, turns the policy settings into parameters, and turns the maths modules'
input errors into :class:`~kefu.errors.ValidationFailed` naming the parameter, so the
command line, the API and the pages all answer bad input with a clear message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kefu import policy
from kefu.callcenter import erlang, forecast, plan_inputs, roster, simulate
from kefu.callcenter.models import CallRecord, Direction, Disposition
from kefu.core.periods import zone as local_zone
from kefu.errors import ValidationFailed
from kefu.org.permissions import check

STAFFING_KEYS = (
    "agents",
    "agents_with_shrinkage",
    "service_level",
    "wait_probability",
    "asa_seconds",
    "occupancy",
    "answer_rate",
)


def _invalid(exc: ValueError) -> ValidationFailed:
    parameter = getattr(exc, "parameter", "request")
    message = getattr(exc, "message", str(exc))
    return ValidationFailed.on(parameter, f"{parameter}: {message}")


# ---------------------------------------------------------------------------- staffing


def staffing(
    *,
    calls: float,
    aht_seconds: float,
    interval_minutes: int = 30,
    target_sl: float | None = None,
    target_seconds: float = 20.0,
    agents: int | None = None,
    patience_seconds: float | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    lines: int | None = None,
) -> dict:
    """R-CC-10: fewest agents for a target, or the performance of ``agents`` seats.

    Erlang C, or Erlang A when ``patience_seconds`` is given; Erlang B on ``lines``. The keys
    are :data:`STAFFING_KEYS`, plus ``abandon_probability`` (Erlang A) and ``blocking``
    (with lines).
    """
    if agents is not None and target_sl is not None:
        raise ValidationFailed.on("agents", _("Give a target service level or agents, not both."))
    if agents is None and target_sl is None and max_occupancy is None:
        raise ValidationFailed.on(
            "target_sl", _("Give a target service level (with its seconds) or a number of agents.")
        )
    if isinstance(interval_minutes, bool) or interval_minutes <= 0:
        raise ValidationFailed.on("interval", _("The interval must be at least 1 minute."))
    interval_seconds = interval_minutes * 60.0
    try:
        if agents is not None:
            if patience_seconds is None:
                result = erlang.erlang_c_metrics(
                    agents, calls=calls, aht_seconds=aht_seconds, target_seconds=target_seconds,
                    interval_seconds=interval_seconds, lines=lines,
                )  # fmt: skip
            else:
                result = erlang.erlang_a(
                    agents, calls=calls, aht_seconds=aht_seconds,
                    patience_seconds=patience_seconds, target_seconds=target_seconds,
                    interval_seconds=interval_seconds, lines=lines,
                )  # fmt: skip
            with_shrinkage = erlang.agents_with_shrinkage(result.agents, shrinkage)
        else:
            result = erlang.required_agents(
                calls=calls, aht_seconds=aht_seconds, interval_seconds=interval_seconds,
                service_level=target_sl, target_seconds=target_seconds,
                max_occupancy=max_occupancy, patience_seconds=patience_seconds, lines=lines,
                shrinkage=shrinkage,
            )  # fmt: skip
            with_shrinkage = result.agents_with_shrinkage
    except erlang.ErlangInputError as exc:
        raise _invalid(exc) from None
    out = {
        "agents": result.agents,
        "agents_with_shrinkage": with_shrinkage,
        "service_level": result.service_level,
        "wait_probability": result.wait_probability,
        "asa_seconds": result.asa_seconds if math.isfinite(result.asa_seconds) else None,
        "occupancy": result.occupancy,
        "answer_rate": result.answer_rate,
    }
    if patience_seconds is not None:
        out["abandon_probability"] = result.abandon_probability
    if lines is not None:
        out["blocking"] = result.blocking
    return out


# ---------------------------------------------------------------------------- weeks, history


def week_start(week: str) -> dt.datetime:
    """Monday 00:00 (installation time zone) of ISO week ``YYYY-Www``."""
    match = re.fullmatch(r"(\d{4})-?W(\d{2})", (week or "").strip(), re.I)
    if not match:
        raise ValidationFailed.on("week", _("Give the week as YYYY-Www, e.g. 2026-W49."))
    try:
        day = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ValidationFailed.on(
            "week", _("%(w)s is not a week of that year.") % {"w": week}
        ) from None
    return dt.datetime.combine(day, dt.time(), tzinfo=local_zone())


def next_week() -> str:
    from django.utils import timezone

    year, week, _day = (timezone.localdate() + dt.timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def history(*, until: dt.datetime, weeks: int, interval_minutes: int) -> list[forecast.Observation]:
    """Offered calls and mean talk time per interval of the ``weeks`` before ``until``."""
    zone = local_zone()
    since = until - dt.timedelta(weeks=weeks)
    offered: dict[dt.datetime, int] = defaultdict(int)
    talk: dict[dt.datetime, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        CallRecord.objects.filter(
            direction=Direction.IN, blocked=False, enter_at__gte=since, enter_at__lt=until
        )
        .exclude(disposition=Disposition.RINGING)
        .values_list("enter_at", "disposition", "talk_seconds")
        .order_by()
    )
    for at, disposition, seconds in rows.iterator(chunk_size=10000):
        local = at.astimezone(zone)
        slot = local.replace(
            minute=local.minute - local.minute % interval_minutes, second=0, microsecond=0
        )
        offered[slot] += 1
        if disposition == Disposition.ANSWERED and seconds:
            talk[slot][0] += seconds
            talk[slot][1] += 1
    all_talk = sum(t[0] for t in talk.values())
    all_n = sum(t[1] for t in talk.values())
    fallback = all_talk / all_n if all_n else 0.0
    out = []
    for slot, count in offered.items():
        total, n = talk.get(slot, (0, 0))
        out.append(forecast.Observation(slot, float(count), total / n if n else fallback))
    return out


@dataclass
class WeekPlan:
    week: str
    start: dt.datetime
    interval_minutes: int
    intervals: list[forecast.IntervalForecast]
    required: list[erlang.Staffing]


def forecast_plan(
    *,
    week: str,
    interval_minutes: int = 30,
    weeks: int = 8,
    target_sl: float | None = None,
    target_seconds: int | None = None,
    patience_seconds: float | None = None,
) -> WeekPlan:
    """R-CC-10: the week's forecast from the call history, with the supervisor's manual
    overrides laid over it (``overridden`` intervals), and the seats each interval needs.

    Targets default to the policy (service level within T seconds, answer rate of R-CC-9
    under Erlang A, maximum occupancy, shrinkage).
    """
    start = week_start(week)
    if interval_minutes not in (15, 30, 60):
        raise ValidationFailed.on("interval", _("The interval is 15, 30 or 60 minutes."))
    observations = history(until=start, weeks=weeks, interval_minutes=interval_minutes)
    try:
        intervals = forecast.forecast_week(
            observations, week_start=start, interval_minutes=interval_minutes, weeks=weeks
        )
    except forecast.ForecastInputError as exc:
        if exc.parameter == "history":
            raise ValidationFailed.on(
                "week",
                _(
                    "No calls in the %(n)d weeks before %(w)s to forecast from; import call "
                    "records first."
                )
                % {"n": weeks, "w": week},
            ) from None
        raise _invalid(exc) from None
    intervals = plan_inputs.apply_overrides(intervals, interval_minutes)
    if target_sl is None:
        target_sl = float(policy.get("callcenter.service_level_target_percent")) / 100
    if target_seconds is None:
        target_seconds = policy.get("callcenter.service_level_seconds")
    answer_rate = None
    if patience_seconds is not None:
        answer_rate = float(policy.get("callcenter.answer_rate_target_percent")) / 100
    try:
        required = erlang.required_agents_many(
            forecast.staffing_input(intervals),
            interval_seconds=interval_minutes * 60.0,
            service_level=target_sl,
            target_seconds=float(target_seconds),
            answer_rate=answer_rate,
            max_occupancy=float(policy.get("callcenter.max_occupancy_percent")) / 100,
            patience_seconds=patience_seconds,
            shrinkage=float(policy.get("callcenter.shrinkage_percent")) / 100,
        )
    except erlang.ErlangInputError as exc:
        raise _invalid(exc) from None
    return WeekPlan(week, start, interval_minutes, intervals, required)


# ---------------------------------------------------------------------------- roster


def floors() -> tuple[roster.Floor, ...]:
    """R-CC-8 from the policy: the seed's peak windows with the peak seats, nights with the
    night seats."""
    peak = policy.get("callcenter.peak_min_seats")
    night = policy.get("callcenter.night_min_seats")
    out = []
    for f in roster.SEED_FLOORS:
        seats = night if f.label == "night" else peak
        out.append(roster.Floor(f.rule, f.label, f.start_minute, f.end_minute, seats))
    return tuple(out)


def roster_staff():
    """The people a roster is built for: active agents and team leads of the call centre."""
    from kefu.org.models import User
    from kefu.org.roles import Role

    return list(
        User.objects.filter(is_active=True, role_rows__role__in=[Role.AGENT, Role.TEAM_LEAD])
        .distinct()
        .order_by("username")
    )


@dataclass
class WeekRoster:
    plan: WeekPlan
    roster: roster.Roster
    people: list  # users, in row order
    simulated: list[simulate.SimulatedInterval]
    templates: list[roster.ShiftTemplate] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # template code -> name
    shortfalls: list[str] = field(default_factory=list)  # in words, with dates and leave

    def days(self) -> list[dt.date]:
        return [(self.plan.start + dt.timedelta(days=d)).date() for d in range(7)]

    def sheet(self) -> list[tuple[object, list[str]]]:
        grid = self.roster.by_person(u.username for u in self.people)
        return [(u, grid[u.username]) for u in self.people]

    def named_sheet(self) -> list[tuple[object, list[str]]]:
        return [(u, [self.names.get(s, s) for s in days]) for u, days in self.sheet()]


def roster_plan(
    *,
    actor,
    week: str,
    interval_minutes: int = 30,
    time_limit_seconds: float = 10.0,
    replications: int = 10,
) -> WeekRoster:
    """R-CC-10: history → forecast (with overrides) → seats → the cheapest roster of named
    staff over the active shift templates (R-CC-7), with the floors of R-CC-8 and 7×24 cover
    (R-CC-6), no one rostered during their leave; then the roster is simulated against the
    forecast so intervals that miss R-CC-9 show before the week starts. A roster the staff
    cannot fill comes back with its shortfalls named: interval, rule, who is on leave."""
    check(actor, "callcenter.plan")
    plan = forecast_plan(week=week, interval_minutes=interval_minutes)
    people = roster_staff()
    if not people:
        raise ValidationFailed.on("staff", _("There are no active agents or team leads to roster."))
    templates = plan_inputs.roster_templates()
    leave = plan_inputs.leave_for(people, plan.start)
    staff = [
        roster.StaffMember(
            u.username, unavailable=plan_inputs.unavailable(leave.get(u.pk, ()), templates,
                                                            plan.start),
        )
        for u in people
    ]  # fmt: skip
    requirement = [s.agents_with_shrinkage or 0 for s in plan.required]
    rules = roster.RosterRules(floors=floors(), time_limit_seconds=time_limit_seconds)
    try:
        result = roster.build_roster(
            staff, requirement, templates=templates, interval_minutes=interval_minutes,
            rules=rules, strict=False,
        )  # fmt: skip
    except roster.RosterInputError as exc:
        raise _invalid(exc) from None
    shrinkage = float(policy.get("callcenter.shrinkage_percent")) / 100
    seats = [math.floor(c * (1 - shrinkage) + 1e-9) for c in result.covered]
    calls = [f.offered for f in plan.intervals]
    aht = [f.aht_seconds if f.aht_seconds > 0 else 1.0 for f in plan.intervals]
    simulated = simulate.simulate(
        calls,
        aht,
        seats,
        interval_seconds=interval_minutes * 60.0,
        target_seconds=float(policy.get("callcenter.service_level_seconds")),
        patience_seconds=120.0,
        replications=replications,
        seed=plan.start.isocalendar()[1],
    )
    return WeekRoster(
        plan, result, people, simulated, templates, plan_inputs.template_names(),
        plan_inputs.shortfall_lines(result, plan.start, people, leave),
    )  # fmt: skip


def roster_xlsx(week_roster: WeekRoster) -> bytes:
    """R-CC-10: the roster sheet, one row per person, one column per day."""
    from kefu.callcenter.stats import WEEKDAYS
    from kefu.core.sheets import xlsx_bytes

    templates = {t.name: t for t in week_roster.templates}
    names = week_roster.names
    header = [_("Staff"), _("Login")] + [
        f"{d:%m-%d} {WEEKDAYS[d.weekday()]()}" for d in week_roster.days()
    ] + [_("Paid hours")]  # fmt: skip
    rows = []
    for user, days in week_roster.sheet():
        minutes = sum(templates[d].paid for d in days if d in templates)
        rows.append(
            [user.display_name, user.username]
            + [
                f"{names.get(d, d)} {templates[d].label}" if d in templates else (d or _("off"))
                for d in days
            ]
            + [minutes / 60]
        )
    return xlsx_bytes([(week_roster.plan.week, header, rows)])
