"""Roster benchmark (issue 6, R-CC-6 to R-CC-8, R-CC-10): ours against pyworkforce's
``MinRequiredResources`` on the same weekly requirement.

Run: ``.venv/bin/python bench/roster_bench.py [--pyworkforce-python PATH]``.

Two cases, hourly requirement from our Erlang C on a weekday/weekend call profile:

1. Day shifts that do not cross midnight (00-08, 08-16, 16-24, 09-17, 12-20): pyworkforce
   counts heads per day and shift (no names, no rest rules); we roster named staff with rest
   rules. Paid hours are compared: ours should be no more.
2. The seed's shifts (R-CC-7: 08-20, 09-21, 20-08 next day). pyworkforce describes a shift as
   a 0/1 array over one day's periods, so the night shift can only be written as covering
   00-08 and 20-24 of the same day. Its plan is then worked as real shifts (the night crossing
   midnight) and the intervals left short are counted; ours carries the night over midnight
   and Sunday's night into Monday morning (R-CC-6, cyclic week).

pyworkforce runs in its own interpreter (Python 3.12+, a separate virtual environment,
never the project's); without one, the benchmark prints ours only and says so.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess  # noqa: S404 - runs a local interpreter for the comparison
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))

from erlang_bench import find_pyworkforce_python  # noqa: E402

from kefu.callcenter.erlang import required_agents_many  # noqa: E402
from kefu.callcenter.roster import (  # noqa: E402
    SEED_SHIFTS,
    RosterRules,
    ShiftTemplate,
    StaffMember,
    build_roster,
)

RESULTS = results_dir() / "roster.json"
HOUR = 60

DAY_SHIFTS = (
    ShiftTemplate("00-08", 0, 8 * HOUR),
    ShiftTemplate("08-16", 8 * HOUR, 8 * HOUR),
    ShiftTemplate("16-24", 16 * HOUR, 8 * HOUR),
    ShiftTemplate("09-17", 9 * HOUR, 8 * HOUR),
    ShiftTemplate("12-20", 12 * HOUR, 8 * HOUR),
)


def weekly_requirement() -> list[int]:
    """Hourly seats for a week: a hotline's day curve, weekends at 70%, quiet nights."""
    calls = []
    for day in range(7):
        level = 1.0 if day < 5 else 0.7
        for h in range(24):
            shape = 0.06 + math.exp(-((h - 10.5) ** 2) / 6) + 0.8 * math.exp(-((h - 15) ** 2) / 8)
            calls.append((300.0 * level * shape, 240.0))
    rows = required_agents_many(calls, interval_seconds=3600, service_level=0.8)
    return [max(1, r.agents) for r in rows]


def template_array(t: ShiftTemplate, wrap_into_same_day: bool) -> list[int]:
    """One day's 24 hourly periods covered by the template (pyworkforce's input format)."""
    row = [0] * 24
    for m in range(t.start_minute, t.start_minute + t.duration_minutes, HOUR):
        if m < 24 * HOUR or wrap_into_same_day:
            row[(m // HOUR) % 24] = 1
    return row


def real_coverage(counts: dict[tuple[int, str], int], templates) -> list[int]:
    """Seats per hour of the (cyclic) week when the planned shifts are actually worked."""
    by_name = {t.name: t for t in templates}
    seats = [0] * 168
    for (day, name), n in counts.items():
        t = by_name[name]
        start = day * 24 * HOUR + t.start_minute
        for m in range(start, start + t.duration_minutes, HOUR):
            seats[(m // HOUR) % 168] += n
    return seats


_SCRIPT = """
import json, sys, time
from pyworkforce.scheduling import MinRequiredResources
d = json.load(sys.stdin)
out = []
for case in d["cases"]:
    t = time.perf_counter()
    s = MinRequiredResources(num_days=7, periods=24, shifts_coverage=case["coverage"],
                             required_resources=case["required"], max_period_concurrency=500,
                             max_shift_concurrency=200, cost_dict=case["cost"],
                             max_search_time=60, num_search_workers=2).solve()
    out.append({"status": s["status"], "cost": s["cost"], "seconds": time.perf_counter() - t,
                "plan": [[r["day"], r["shift"], r["resources"]] for r in s["resources_shifts"]]})
print(json.dumps(out))
"""


def run_pyworkforce(python: str | None, cases: list[dict]) -> list[dict] | str:
    if python is None:
        return "no Python 3.12+ with pyworkforce found; pass --pyworkforce-python"
    proc = subprocess.run(  # noqa: S603 - a local interpreter and a fixed script
        [python, "-c", _SCRIPT],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return proc.stderr.strip().splitlines()[-1]
    return json.loads(proc.stdout)


def ours(requirement: list[int], templates, staff_count: int) -> dict:
    staff = [StaffMember(f"agent{i:03d}") for i in range(staff_count)]
    rules = RosterRules(floors=(), time_limit_seconds=60.0, num_workers=2)
    start = time.perf_counter()
    roster = build_roster(
        staff, requirement, templates=templates, interval_minutes=60, rules=rules, strict=False
    )
    seconds = time.perf_counter() - start
    counts: dict[tuple[int, str], int] = {}
    for a in roster.assignments:
        counts[a.day, a.shift] = counts.get((a.day, a.shift), 0) + 1
    seats = real_coverage(counts, templates)
    return {
        "seconds": seconds,
        "optimal": roster.optimal,
        "paid_hours": roster.paid_hours,
        "staff": staff_count,
        "people_used": len({a.person for a in roster.assignments}),
        "short_intervals_when_worked": sum(s < r for s, r in zip(seats, requirement, strict=True)),
        "shortfalls_reported": len(roster.shortfalls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyworkforce-python", help="a Python 3.12+ that can import pyworkforce")
    args = parser.parse_args()
    requirement = weekly_requirement()
    by_day = [requirement[d * 24 : (d + 1) * 24] for d in range(7)]
    report: dict = {"requirement_seat_hours": sum(requirement), "peak_seats": max(requirement)}

    cases = []
    for label, templates in (("day_shifts", DAY_SHIFTS), ("seed_shifts", SEED_SHIFTS)):
        cases.append(
            {
                "label": label,
                "coverage": {t.name: template_array(t, True) for t in templates},
                "required": by_day,
                "cost": {t.name: t.paid // HOUR for t in templates},
            }
        )
    staff_count = math.ceil(sum(requirement) / 8 / 5 * 1.3)
    report["ours"] = {
        "day_shifts": ours(requirement, DAY_SHIFTS, staff_count),
        "seed_shifts": ours(requirement, SEED_SHIFTS, staff_count),
    }
    # R-CC-11: several hundred agents, half-hour intervals, the seed shifts and floors
    big_calls = [
        (1100.0 * max(0.05, math.sin(math.pi * (h / 2 - 7) / 15)) if 14 <= h < 44 else 55.0, 200.0)
        for _ in range(7)
        for h in range(48)
    ]
    big_need = [r.agents for r in required_agents_many(big_calls, service_level=0.8)]
    staff = [StaffMember(f"agent{i:03d}") for i in range(500)]
    start = time.perf_counter()
    big = build_roster(staff, big_need, rules=RosterRules(time_limit_seconds=60.0), strict=False)
    report["ours"]["scale_500_staff_half_hours"] = {
        "seconds": time.perf_counter() - start,
        "optimal": big.optimal,
        "peak_seats": max(big_need),
        "shifts": len(big.assignments),
        "paid_hours": big.paid_hours,
        "shortfalls_reported": len(big.shortfalls),
    }
    theirs = run_pyworkforce(find_pyworkforce_python(args.pyworkforce_python), cases)
    if isinstance(theirs, str):
        report["pyworkforce"] = {"ran": False, "reason": theirs}
    else:
        report["pyworkforce"] = {"ran": True}
        for case, result in zip(cases, theirs, strict=True):
            templates = DAY_SHIFTS if case["label"] == "day_shifts" else SEED_SHIFTS
            counts = {(d, s): n for d, s, n in result["plan"] if n}
            seats = real_coverage(counts, templates)
            short = [i for i, (s, r) in enumerate(zip(seats, requirement, strict=True)) if s < r]
            report["pyworkforce"][case["label"]] = {
                "status": result["status"],
                "seconds": result["seconds"],
                "paid_hours": result["cost"],
                "short_intervals_when_worked": len(short),
                "first_short_intervals": [f"day {i // 24} {i % 24:02d}:00" for i in short[:6]],
            }
        for label in ("day_shifts", "seed_shifts"):
            mine = report["ours"][label]["paid_hours"]
            theirs_hours = report["pyworkforce"][label]["paid_hours"]
            report[f"{label}_paid_hours_ours_minus_pyworkforce"] = mine - theirs_hours
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
