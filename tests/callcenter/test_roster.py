"""Weekly roster by CP-SAT: R-CC-6 (7x24), R-CC-7 (three shifts), R-CC-8 (floors), R-CC-10."""

from __future__ import annotations

import pytest

from kefu.callcenter.roster import (
    SEED_SHIFTS,
    Floor,
    RosterInfeasibleError,
    RosterInputError,
    RosterRules,
    ShiftTemplate,
    StaffMember,
    build_roster,
    requirement_from_mapping,
)

HOUR = 60
DAY = 24 * HOUR
SMALL_FLOORS = (
    Floor("R-CC-8", "peak", 9 * HOUR, 12 * HOUR, 3),
    Floor("R-CC-8", "night", 20 * HOUR, 8 * HOUR, 1),
)


def rules(**kw) -> RosterRules:
    base = {"floors": SMALL_FLOORS, "time_limit_seconds": 10.0}
    return RosterRules(**(base | kw))


def team(n: int, **kw) -> list[StaffMember]:
    return [StaffMember(f"agent{i:02d}", **kw) for i in range(n)]


def coverage_from_assignments(roster, interval_minutes=60):
    """Seats per interval counted from the assignments alone, wrapping Sunday night."""
    slots = 7 * DAY // interval_minutes
    seats = [0] * slots
    for a in roster.assignments:
        for m in range(a.start_minute, a.end_minute, interval_minutes):
            seats[(m // interval_minutes) % slots] += 1
    return seats


def assert_rest_rules(roster, r: RosterRules):
    """Check every person's week against the rules, independently of the model."""
    by_person: dict[str, list] = {}
    for a in roster.assignments:
        by_person.setdefault(a.person, []).append(a)
    for shifts in by_person.values():
        days = sorted(a.day for a in shifts)
        assert len(days) == len(set(days)), "one shift a day"
        assert len(days) <= 7 - r.min_days_off
        worked = [d in days for d in range(7)]
        for start in range(7):
            run = sum(worked[(start + k) % 7] for k in range(r.max_consecutive_days + 1))
            assert run <= r.max_consecutive_days
        spans = sorted((a.start_minute, a.end_minute) for a in shifts)
        cyclic = spans + [(s + 7 * DAY, e + 7 * DAY) for s, e in spans[:1]]
        for (_, e1), (s2, _) in zip(cyclic, cyclic[1:], strict=False):
            assert s2 - e1 >= r.min_rest_hours * 60


def test_it_covers_seven_by_twenty_four_with_the_seed_shifts_at_least_cost():
    """R-CC-6/R-CC-7/R-CC-8: every hour staffed, floors met, rest rules kept, fewest hours."""
    r = rules()
    roster = build_roster(team(9), None, interval_minutes=60, rules=r)
    seats = coverage_from_assignments(roster)
    assert list(roster.covered) == seats
    assert min(seats) >= 1
    for day in range(7):
        assert all(seats[day * 24 + h] >= 3 for h in range(9, 12))
        assert all(seats[(day * 24 + h) % 168] >= 1 for h in range(20, 32))
    assert_rest_rules(roster, r)
    assert {a.shift for a in roster.assignments} <= {t.name for t in SEED_SHIFTS}
    # 7 nights + 3 day-time shifts a day (peak 3) = 28 twelve-hour shifts; none fewer works
    assert roster.paid_hours == 28 * 12
    assert roster.optimal


def test_it_carries_the_night_shift_over_midnight_into_the_next_day():
    """R-CC-7: 20:00-08:00 covers 02:00 of the NEXT day; three seats at Tue 02:00 means three
    people on Monday's night shift."""
    need = requirement_from_mapping({1 * 24 + 2: 3}, interval_minutes=60)
    roster = build_roster(team(6), need, interval_minutes=60, rules=rules())
    monday_nights = [a for a in roster.assignments if a.day == 0 and a.shift == "night"]
    assert len(monday_nights) == 3
    assert roster.covered[1 * 24 + 2] >= 3
    assert roster.binding_rule[1 * 24 + 2] == "R-CC-10"


def test_it_carries_sunday_night_into_the_first_morning_after_the_week():
    """R-CC-6/R-CC-7: the week is cyclic: Sunday 20:00-08:00 staffs Monday 00:00-08:00."""
    need = requirement_from_mapping({3: 4}, interval_minutes=60)  # Monday 03:00
    r = rules()
    roster = build_roster(team(8), need, interval_minutes=60, rules=r)
    sunday_nights = [a for a in roster.assignments if a.day == 6 and a.shift == "night"]
    assert len(sunday_nights) == 4
    assert all(a.end_minute == 7 * DAY + 8 * HOUR for a in sunday_nights)
    assert roster.covered[3] >= 4
    assert_rest_rules(roster, r)  # and none of them may start Monday's 08:00 shift


def test_it_honours_leave_and_the_shifts_a_person_can_work():
    """R-CC-10 rest rules: leave days and shift restrictions are respected."""
    staff = team(8) + [
        StaffMember("zhang", leave_days=frozenset(range(7))),
        StaffMember("li", shifts=frozenset({"night"})),
    ]
    roster = build_roster(staff, None, interval_minutes=60, rules=rules())
    assert not [a for a in roster.assignments if a.person == "zhang"]
    assert {a.shift for a in roster.assignments if a.person == "li"} <= {"night"}
    sheet = roster.by_person(p.name for p in staff)
    assert sheet["zhang"] == [""] * 7 and len(sheet) == 10


def test_it_is_deterministic_with_a_fixed_seed():
    a = build_roster(team(9), None, interval_minutes=60, rules=rules())
    b = build_roster(team(9), None, interval_minutes=60, rules=rules())
    assert a.assignments == b.assignments


def test_it_names_the_interval_and_rule_when_peak_floors_cannot_be_met():
    """R-CC-8: two people cannot be eight seats at peak: the error names interval and rule."""
    r = RosterRules(time_limit_seconds=10.0)  # the seed floors: 8 at peak, 2 at night
    with pytest.raises(RosterInfeasibleError) as err:
        build_roster(team(2), None, interval_minutes=60, rules=r)
    shortfalls = err.value.shortfalls
    assert "R-CC-8 peak" in err.value.rules
    peak = [s for s in shortfalls if s.rule == "R-CC-8 peak"]
    assert len(peak) == 7 * 7  # 09-12 and 14-18, every day
    assert all(s.needed == 8 and s.covered <= 2 for s in peak)
    assert "Mon 09:00: R-CC-8 peak needs 8 seats" in str(err.value)


def test_it_names_the_night_when_rest_rules_leave_it_short():
    """R-CC-8 night floor of 2 with two people who each need a day off: some night is short."""
    r = rules(floors=(Floor("R-CC-8", "night", 20 * HOUR, 8 * HOUR, 2),), min_days_off=1)
    staff = [
        *team(2, shifts=frozenset({"night"})),
        StaffMember("day_only", shifts=frozenset({"day", "middle"})),
    ]
    roster = build_roster(staff, None, interval_minutes=60, rules=r, strict=False)
    night_short = [s for s in roster.shortfalls if s.rule == "R-CC-8 night"]
    assert night_short
    assert sum(s.missing for s in roster.shortfalls) > 0
    assert all(s.covered == 1 for s in night_short)


def test_it_names_the_requirement_when_the_erlang_seats_exceed_the_staff():
    """R-CC-10: a requirement above what the staff can give is reported per interval."""
    need = requirement_from_mapping({2 * 24 + 15: 12}, interval_minutes=60)  # Wed 15:00
    with pytest.raises(RosterInfeasibleError) as err:
        build_roster(team(6), need, interval_minutes=60, rules=rules())
    (short,) = err.value.shortfalls
    # six people, but whoever works Tuesday night (R-CC-8) cannot start Wednesday's day shift
    # one hour after it ends (12 h rest): five is the most Wednesday 15:00 can have
    assert (short.rule, short.needed, short.covered) == ("R-CC-10", 12, 5)
    assert err.value.rules == ["R-CC-10"]
    assert short.describe().startswith("Wed 15:00")


def test_it_refuses_shift_templates_that_leave_a_gap_in_the_day():
    """R-CC-6: 08:00-20:00 and 21:00-08:00 leave 20:00-21:00 without anyone."""
    templates = [
        ShiftTemplate("day", 8 * HOUR, 12 * HOUR),
        ShiftTemplate("late", 21 * HOUR, 11 * HOUR),
    ]
    with pytest.raises(RosterInputError) as err:
        build_roster(team(5), None, templates=templates, interval_minutes=60, rules=rules())
    assert err.value.rule == "R-CC-6"
    assert "20:00-21:00" in str(err.value)


def test_it_allows_supervisor_defined_templates():
    """R-CC-7 templates are data: three 8-hour shifts also give 7x24."""
    templates = [
        ShiftTemplate("early", 0, 8 * HOUR),
        ShiftTemplate("mid", 8 * HOUR, 8 * HOUR),
        ShiftTemplate("late", 16 * HOUR, 8 * HOUR),
    ]
    r = rules(floors=(), min_rest_hours=8)
    roster = build_roster(team(5), None, templates=templates, interval_minutes=60, rules=r)
    assert min(coverage_from_assignments(roster)) >= 1
    assert roster.paid_hours == 21 * 8


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"requirement": [1] * 10}, "requirement"),
        ({"requirement": [-1] + [0] * 167}, "requirement[0]"),
        ({"interval_minutes": 7}, "interval_minutes"),
        ({"staff": [StaffMember("a"), StaffMember("a")]}, "staff"),
        ({"staff": [StaffMember("a", shifts=frozenset({"dawn"}))]}, "staff.a.shifts"),
        ({"staff": [StaffMember("a", leave_days=frozenset({7}))]}, "staff.a.leave_days"),
        ({"rules": rules(max_consecutive_days=0)}, "max_consecutive_days"),
        ({"templates": []}, "templates"),
    ],
)
def test_it_refuses_bad_roster_input(kwargs, parameter):
    args = {"staff": team(3), "requirement": None, "interval_minutes": 60, "rules": rules()}
    args |= kwargs
    staff = args.pop("staff")
    requirement = args.pop("requirement")
    with pytest.raises(RosterInputError) as err:
        build_roster(staff, requirement, **args)
    assert err.value.parameter == parameter
