"""Weekly roster of named staff over shift templates, by OR-Tools CP-SAT (R-CC-6 to R-CC-10).

Pure Python, no Django. Time is counted in minutes from the start of the week (Monday 00:00
local time); the caller turns that into dates. The week is cyclic: the roster is the
pattern that repeats, so Sunday's 20:00-08:00 night shift covers the first hours of Monday
(the morning after the week ends), and rest and consecutive-day rules also wrap from Sunday
to Monday.

What the model enforces:

* every interval has at least ``max(requirement, floor, 1)`` seats — the requirement from
  the Erlang step (R-CC-10), the floors of R-CC-8 (peak hours, night) and one seat at every
  hour of every day (R-CC-6, 7x24);
* shifts come only from the templates (R-CC-7 by default: 08:00-20:00, 09:00-21:00,
  20:00-08:00 next day); a shift crossing midnight counts for the next day's intervals;
* per person: at most one shift starting per day, a minimum rest between shifts, at most
  ``max_consecutive_days`` working days in a row, at least ``min_days_off`` days off a week,
  leave days and shifts the person cannot work;
* and minimises paid hours.

An interval that cannot be covered is not an opaque "infeasible": each one gets a slack
variable that costs more than any shift, so the solver covers everything it can and the
rest is reported as shortfalls naming the interval, the rule and the seats missing.
Templates that leave a time of day uncovered are refused before solving (R-CC-6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

__all__ = [
    "DAY_NAMES",
    "SEED_FLOORS",
    "SEED_SHIFTS",
    "Assignment",
    "Floor",
    "Roster",
    "RosterInfeasibleError",
    "RosterInputError",
    "RosterRules",
    "ShiftTemplate",
    "Shortfall",
    "StaffMember",
    "build_roster",
    "minute_label",
    "requirement_from_mapping",
]

DAY_MINUTES = 24 * 60
DAYS = 7
WEEK_MINUTES = DAYS * DAY_MINUTES
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class RosterInputError(ValueError):
    """Bad roster input; ``parameter`` names what is wrong, ``rule`` the rule id if any."""

    def __init__(self, parameter: str, message: str, rule: str | None = None) -> None:
        super().__init__(f"{parameter}: {message}" + (f" ({rule})" if rule else ""))
        self.parameter = parameter
        self.message = message
        self.rule = rule


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift starting at ``start_minute`` past midnight and lasting ``duration_minutes``.

    ``paid_minutes`` defaults to the duration (set it lower for an unpaid meal break).
    """

    name: str
    start_minute: int
    duration_minutes: int
    paid_minutes: int | None = None

    @property
    def paid(self) -> int:
        return self.duration_minutes if self.paid_minutes is None else self.paid_minutes

    @property
    def label(self) -> str:
        end = (self.start_minute + self.duration_minutes) % DAY_MINUTES
        return f"{minute_label(self.start_minute)}-{minute_label(end)}"


# R-CC-7: the seed's three shifts; the night one ends at 08:00 the next day.
SEED_SHIFTS: tuple[ShiftTemplate, ...] = (
    ShiftTemplate("day", 8 * 60, 12 * 60),
    ShiftTemplate("middle", 9 * 60, 12 * 60),
    ShiftTemplate("night", 20 * 60, 12 * 60),
)


@dataclass(frozen=True)
class Floor:
    """At least ``seats`` seats from ``start_minute`` to ``end_minute`` of every day.

    ``end_minute <= start_minute`` means the window runs past midnight (20:00-08:00).
    """

    rule: str
    label: str
    start_minute: int
    end_minute: int
    seats: int

    def covers(self, minute_of_day: int) -> bool:
        if self.start_minute < self.end_minute:
            return self.start_minute <= minute_of_day < self.end_minute
        return minute_of_day >= self.start_minute or minute_of_day < self.end_minute


# R-CC-8 with the seed's numbers: 8 seats in peak hours, 2 all night. Which hours are peak is
# a parameter; these are the usual morning and afternoon peaks of a service hotline.
SEED_FLOORS: tuple[Floor, ...] = (
    Floor("R-CC-8", "peak", 9 * 60, 12 * 60, 8),
    Floor("R-CC-8", "peak", 14 * 60, 18 * 60, 8),
    Floor("R-CC-8", "night", 20 * 60, 8 * 60, 2),
)


@dataclass(frozen=True)
class StaffMember:
    """A named person; ``leave_days`` are weekday indexes (0 = Monday) they start no shift on;
    ``shifts`` limits the templates they can work (None: any); ``unavailable`` holds
    (weekday, template name) pairs they cannot work (leave over part of a day)."""

    name: str
    leave_days: frozenset[int] = frozenset()
    shifts: frozenset[str] | None = None
    unavailable: frozenset[tuple[int, str]] = frozenset()


@dataclass(frozen=True)
class RosterRules:
    """Rest rules and solver bounds. ``floors`` are the R-CC-8 minimums (parameters)."""

    min_rest_hours: float = 12.0
    max_consecutive_days: int = 6
    min_days_off: int = 1
    floors: tuple[Floor, ...] = SEED_FLOORS
    full_coverage_seats: int = 1  # R-CC-6: nobody may find the line unattended
    time_limit_seconds: float = 10.0
    num_workers: int = 1
    random_seed: int = 0


@dataclass(frozen=True)
class Assignment:
    person: str
    day: int
    shift: str
    start_minute: int  # from Monday 00:00
    end_minute: int  # may exceed the week's end: the cyclic week carries it to Monday


@dataclass(frozen=True)
class Shortfall:
    """Seats missing in one interval, and the rule that asked for them."""

    interval: int
    start_minute: int
    rule: str
    needed: int
    covered: int

    @property
    def missing(self) -> int:
        return self.needed - self.covered

    def describe(self) -> str:
        day, minute = divmod(self.start_minute, DAY_MINUTES)
        return (
            f"{DAY_NAMES[day]} {minute_label(minute)}: {self.rule} needs {self.needed} seats, "
            f"the best roster of these staff has {self.covered}"
        )


@dataclass(frozen=True)
class Roster:
    assignments: tuple[Assignment, ...]
    interval_minutes: int
    needed: tuple[int, ...]
    covered: tuple[int, ...]
    paid_minutes: int
    shortfalls: tuple[Shortfall, ...]
    optimal: bool
    binding_rule: tuple[str, ...] = field(default=())

    @property
    def paid_hours(self) -> float:
        return self.paid_minutes / 60.0

    def by_person(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Person -> shift name per weekday ('' = day off); the roster sheet's rows."""
        grid = {name: [""] * DAYS for name in names}
        for a in self.assignments:
            grid.setdefault(a.person, [""] * DAYS)[a.day] = a.shift
        return grid


class RosterInfeasibleError(RosterInputError):
    """The staff cannot meet the rules; ``shortfalls`` lists each interval and rule short.

    The message names, per rule, the first interval short and how many more are; ``rules``
    lists the rules that cannot be met (e.g. ``["R-CC-8 night", "R-CC-8 peak"]``).
    """

    def __init__(self, roster: Roster) -> None:
        per_rule: dict[str, list[Shortfall]] = {}
        for s in roster.shortfalls:
            per_rule.setdefault(s.rule, []).append(s)
        parts = []
        for items in per_rule.values():
            more = len(items) - 1
            parts.append(items[0].describe() + (f" (and {more} more intervals)" if more else ""))
        if not roster.optimal:
            parts.append("the solver stopped at its time limit; a longer one may cover more")
        super().__init__("staff", "; ".join(parts), ", ".join(per_rule))
        self.roster = roster
        self.shortfalls = roster.shortfalls
        self.rules = list(per_rule)


def minute_label(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


# ---------------------------------------------------------------------------- checks


def _check_inputs(
    staff: Sequence[StaffMember],
    templates: Sequence[ShiftTemplate],
    interval_minutes: int,
    requirement: Sequence[int] | None,
    rules: RosterRules,
) -> int:
    if isinstance(interval_minutes, bool) or not isinstance(interval_minutes, int):
        raise RosterInputError("interval_minutes", f"must be a whole number: {interval_minutes!r}")
    if interval_minutes <= 0 or DAY_MINUTES % interval_minutes:
        raise RosterInputError(
            "interval_minutes", f"must divide a day into whole intervals, got {interval_minutes}"
        )
    slots = WEEK_MINUTES // interval_minutes
    if requirement is not None:
        if len(requirement) != slots:
            raise RosterInputError(
                "requirement",
                f"needs {slots} intervals of {interval_minutes} min, got {len(requirement)}",
            )
        for i, r in enumerate(requirement):
            if isinstance(r, bool) or not isinstance(r, int) or r < 0:
                raise RosterInputError(f"requirement[{i}]", f"must be a whole number >= 0: {r!r}")
    if not templates:
        raise RosterInputError("templates", "at least one shift template is needed", "R-CC-7")
    names = set()
    for t in templates:
        if t.name in names:
            raise RosterInputError("templates", f"two templates are called {t.name!r}")
        names.add(t.name)
        if not 0 <= t.start_minute < DAY_MINUTES:
            raise RosterInputError(f"templates.{t.name}", "start must be within the day")
        if not 0 < t.duration_minutes <= DAY_MINUTES:
            raise RosterInputError(f"templates.{t.name}", "duration must be 1 minute to 24 hours")
        if t.paid < 0:
            raise RosterInputError(f"templates.{t.name}", "paid minutes must not be negative")
    people = set()
    for p in staff:
        if p.name in people:
            raise RosterInputError("staff", f"two people are called {p.name!r}")
        people.add(p.name)
        if any(not 0 <= d < DAYS for d in p.leave_days):
            raise RosterInputError(f"staff.{p.name}.leave_days", "weekdays are 0 (Mon) to 6 (Sun)")
        if p.shifts is not None and not p.shifts <= names:
            unknown = ", ".join(sorted(p.shifts - names))
            raise RosterInputError(f"staff.{p.name}.shifts", f"unknown shift templates: {unknown}")
    if rules.min_rest_hours < 0:
        raise RosterInputError("min_rest_hours", "must not be negative")
    if not 1 <= rules.max_consecutive_days <= DAYS:
        raise RosterInputError("max_consecutive_days", "must be between 1 and 7")
    if not 0 <= rules.min_days_off <= DAYS:
        raise RosterInputError("min_days_off", "must be between 0 and 7")
    if rules.time_limit_seconds <= 0:
        raise RosterInputError("time_limit_seconds", "must be greater than 0")
    if rules.num_workers < 1:
        raise RosterInputError("num_workers", "must be at least 1")
    for f in rules.floors:
        if f.seats < 0 or not (
            0 <= f.start_minute < DAY_MINUTES and 0 <= f.end_minute <= DAY_MINUTES
        ):
            raise RosterInputError(f"floors.{f.label}", "window within the day, seats >= 0", f.rule)
    _check_templates_cover_day(templates, interval_minutes)
    return slots


def _covered_slots(t: ShiftTemplate, day: int, interval_minutes: int) -> list[int]:
    """Week slots (cyclic) that the shift starting on ``day`` covers for their whole length."""
    start = day * DAY_MINUTES + t.start_minute
    end = start + t.duration_minutes
    first = -(-start // interval_minutes)  # first slot starting at or after the shift start
    slots = WEEK_MINUTES // interval_minutes
    out = []
    s = first
    while (s + 1) * interval_minutes <= end:
        out.append(s % slots)
        s += 1
    return out


def _check_templates_cover_day(templates: Sequence[ShiftTemplate], interval_minutes: int) -> None:
    """R-CC-6: the templates together must cover every interval of the day (7x24)."""
    per_day = DAY_MINUTES // interval_minutes
    covered = [False] * per_day
    for t in templates:
        for s in _covered_slots(t, 0, interval_minutes):
            covered[s % per_day] = True
    gaps: list[tuple[int, int]] = []
    for i, ok in enumerate(covered):
        if not ok:
            if gaps and gaps[-1][1] == i:
                gaps[-1] = (gaps[-1][0], i + 1)
            else:
                gaps.append((i, i + 1))
    if gaps:
        text = ", ".join(
            f"{minute_label(a * interval_minutes)}-{minute_label(b * interval_minutes)}"
            for a, b in gaps
        )
        raise RosterInputError(
            "templates",
            f"the shift templates leave {text} of every day without any shift",
            "R-CC-6",
        )


# ---------------------------------------------------------------------------- model


def _needs(
    slots: int, interval_minutes: int, requirement: Sequence[int] | None, rules: RosterRules
) -> tuple[list[int], list[str]]:
    """Seats needed per interval and the rule that sets the number (highest wins)."""
    needed: list[int] = []
    why: list[str] = []
    for s in range(slots):
        minute_of_day = (s * interval_minutes) % DAY_MINUTES
        best, rule = rules.full_coverage_seats, "R-CC-6"
        for f in rules.floors:
            # a floor applies to an interval that starts inside its window
            if f.covers(minute_of_day) and f.seats > best:
                best, rule = f.seats, f"{f.rule} {f.label}"
        if requirement is not None and requirement[s] > best:
            best, rule = requirement[s], "R-CC-10"
        needed.append(best)
        why.append(rule)
    return needed, why


def _rest_conflicts(
    templates: Sequence[ShiftTemplate], min_rest_minutes: float
) -> list[tuple[int, int, int, int]]:
    """(day1, t1, day2, t2) pairs, cyclic over the week, one person cannot both work."""
    out = []
    for d1 in range(DAYS):
        for i1, t1 in enumerate(templates):
            s1 = d1 * DAY_MINUTES + t1.start_minute
            e1 = s1 + t1.duration_minutes
            for shift_days in (0, 1, 2):
                d2 = d1 + shift_days
                for i2, t2 in enumerate(templates):
                    if shift_days == 0:
                        continue  # same-day pairs are excluded by one shift per day
                    s2 = d2 * DAY_MINUTES + t2.start_minute
                    e2 = s2 + t2.duration_minutes
                    gap = s2 - e1 if s2 >= s1 else s1 - e2
                    if gap < min_rest_minutes and (d1, i1) != (d2 % DAYS, i2):
                        out.append((d1, i1, d2 % DAYS, i2))
    return out


def build_roster(
    staff: Sequence[StaffMember],
    requirement: Sequence[int] | None = None,
    *,
    templates: Sequence[ShiftTemplate] = SEED_SHIFTS,
    interval_minutes: int = 30,
    rules: RosterRules | None = None,
    strict: bool = True,
) -> Roster:
    """The cheapest weekly roster meeting R-CC-6, R-CC-7, R-CC-8 and ``requirement`` (R-CC-10).

    ``requirement`` is seats per interval from Monday 00:00 (e.g. the ``agents_with_shrinkage``
    of :func:`kefu.callcenter.erlang.required_agents_many`). With ``strict`` an uncoverable
    interval raises :class:`RosterInfeasibleError`; otherwise the roster comes back with its
    ``shortfalls``.
    """
    rules = rules or RosterRules()
    slots = _check_inputs(staff, templates, interval_minutes, requirement, rules)
    needed, why = _needs(slots, interval_minutes, requirement, rules)

    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    covers: list[list[tuple[int, int]]] = [[] for _ in range(slots)]
    for d in range(DAYS):
        for i, t in enumerate(templates):
            for s in _covered_slots(t, d, interval_minutes):
                covers[s].append((d, i))
    for p, person in enumerate(staff):
        for d in range(DAYS):
            if d in person.leave_days:
                continue
            for i, t in enumerate(templates):
                if (d, t.name) in person.unavailable:
                    continue
                if person.shifts is None or t.name in person.shifts:
                    x[p, d, i] = model.new_bool_var(f"x_{p}_{d}_{i}")

    works: dict[tuple[int, int], cp_model.LinearExprT] = {}
    for p in range(len(staff)):
        for d in range(DAYS):
            day_vars = [x[p, d, i] for i in range(len(templates)) if (p, d, i) in x]
            works[p, d] = sum(day_vars) if day_vars else 0
            if len(day_vars) > 1:
                model.add_at_most_one(day_vars)
        if rules.min_days_off:
            model.add(sum(works[p, d] for d in range(DAYS)) <= DAYS - rules.min_days_off)
        if rules.max_consecutive_days < DAYS:
            span = rules.max_consecutive_days + 1
            for d in range(DAYS):
                window = [works[p, (d + k) % DAYS] for k in range(span)]
                model.add(sum(window) <= rules.max_consecutive_days)
        for d1, i1, d2, i2 in _rest_conflicts(templates, rules.min_rest_hours * 60):
            if (p, d1, i1) in x and (p, d2, i2) in x:
                model.add_bool_or([x[p, d1, i1].Not(), x[p, d2, i2].Not()])

    slack_cost = max(t.paid for t in templates) + 1
    slack = []
    on_duty = []
    for s in range(slots):
        expr = sum(x[p, d, i] for (d, i) in covers[s] for p in range(len(staff)) if (p, d, i) in x)
        short = model.new_int_var(0, needed[s], f"short_{s}")
        model.add(expr + short >= needed[s])
        slack.append(short)
        on_duty.append(expr)
    model.minimize(
        sum(templates[i].paid * v for (_, _, i), v in x.items()) + slack_cost * sum(slack)
    )

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(rules.time_limit_seconds)
    solver.parameters.num_workers = int(rules.num_workers)
    solver.parameters.random_seed = int(rules.random_seed)
    solver.parameters.linearization_level = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RosterInputError(
            "time_limit_seconds",
            f"no roster found within {rules.time_limit_seconds:g} s ({solver.status_name(status)})",
        )

    assignments = []
    for (p, d, i), v in sorted(x.items()):
        if solver.boolean_value(v):
            t = templates[i]
            start = d * DAY_MINUTES + t.start_minute
            assignments.append(
                Assignment(staff[p].name, d, t.name, start, start + t.duration_minutes)
            )
    covered = [0] * slots
    for a in assignments:
        i = next(k for k, t in enumerate(templates) if t.name == a.shift)
        for s in _covered_slots(templates[i], a.day, interval_minutes):
            covered[s] += 1
    shortfalls = tuple(
        Shortfall(s, s * interval_minutes, why[s], needed[s], covered[s])
        for s in range(slots)
        if covered[s] < needed[s]
    )
    roster = Roster(
        assignments=tuple(assignments),
        interval_minutes=interval_minutes,
        needed=tuple(needed),
        covered=tuple(covered),
        paid_minutes=sum(next(t.paid for t in templates if t.name == a.shift) for a in assignments),
        shortfalls=shortfalls,
        optimal=status == cp_model.OPTIMAL,
        binding_rule=tuple(why),
    )
    if strict and shortfalls:
        raise RosterInfeasibleError(roster)
    return roster


def requirement_from_mapping(
    seats: Mapping[int, int], interval_minutes: int = 30, default: int = 0
) -> list[int]:
    """A full-week requirement list from {interval index: seats}, others ``default``."""
    slots = WEEK_MINUTES // interval_minutes
    return [int(seats.get(s, default)) for s in range(slots)]
