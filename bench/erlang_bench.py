"""Staffing benchmark (issue 6, R-CC-10, R-CC-11): our Erlang C and Erlang A against baselines.

Run: ``.venv/bin/python bench/erlang_bench.py [--repeat 5] [--seed 0]``.

Baselines, measured in the same run on the same inputs:

* Erlang C: the method of the field's Python reference, pyworkforce (``ErlangC``): for each
  interval, search upward from round(A + 1), recomputing Erlang B by its recursion from one
  line at every candidate; and a naive search from one agent.
* Erlang A: the method of pyworkforce 0.5.x (``ErlangA``): the full birth-death chain, grown
  until its tail is negligible, for the wait and abandonment probabilities, and the
  tagged-caller absorbing chain by uniformization for the service level, searching upward
  from ceil(A). Our baseline does the uniformization for all queue positions at once, so it
  is already faster than pyworkforce's per-position loop: the ratio shown is a lower bound.

pyworkforce itself is run only when a Python 3.12 interpreter exists with pyworkforce installed
(its new releases need 3.12; it is never installed into the project's environment); the
benchmark says which it did. Figures are medians of ``--repeat`` runs; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import shutil
import statistics
import subprocess  # noqa: S404 - runs a local interpreter for the optional comparison
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402
from kefu.callcenter.erlang import (  # noqa: E402
    erlang_a,
    erlang_c_metrics,
    required_agents,
    required_agents_many,
)

RESULTS = results_dir() / "erlang.json"
INTERVAL = 1800.0


# ------------------------------------------------------------------ baselines (same process)


def _erlang_b_recursion(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def _sl_c_from_scratch(n: int, a: float, aht: float, t: float) -> float:
    if n <= a:
        return 0.0
    b = _erlang_b_recursion(n, a)
    c = n * b / (n - a * (1 - b))
    return 1 - c * math.exp(-(n - a) * t / aht)


def baseline_c_pyworkforce_method(calls: float, aht: float, sl: float, t: float) -> int:
    a = calls * aht / INTERVAL
    n = round(a + 1)
    while _sl_c_from_scratch(n, a, aht, t) < sl:
        n += 1
    # pyworkforce starts at round(A + 1), which can skip floor(A) + 1; check it as it would not
    while n - 1 > a and _sl_c_from_scratch(n - 1, a, aht, t) >= sl:
        n -= 1
    return n


def baseline_c_from_one(calls: float, aht: float, sl: float, t: float) -> int:
    """The textbook loop: for n = 1, 2, ... compute Erlang C from scratch until it meets."""
    a = calls * aht / INTERVAL
    n = 1
    while True:
        b = _erlang_b_recursion(n, a)
        if n > a and 1 - n * b / (n - a * (1 - b)) * math.exp(-(n - a) * t / aht) >= sl:
            return n
        n += 1


def _chain(lam: float, mu: float, theta: float, n: int) -> list[float]:
    probs = [1.0]
    j = 0
    total = 1.0
    while True:
        j += 1
        term = probs[-1] * lam / (min(j, n) * mu + max(j - n, 0) * theta)
        probs.append(term)
        total += term
        if j > n and term < 1e-15 * total:
            break
    return [p / total for p in probs]


def _served_within(n: int, mu: float, theta: float, max_ahead: int, t: float) -> list[float]:
    """P(served by t | j ahead) for all j by uniformization of the tagged-caller chain."""
    rate = n * mu + max_ahead * theta + theta
    lam_t = rate * t
    steps = int(lam_t + 10 * math.sqrt(lam_t) + 50)
    served_by_step = [0.0] * (max_ahead + 1)  # P(served within m jumps | j ahead)
    weight = math.exp(-lam_t)
    result = [0.0] * (max_ahead + 1)
    for m in range(1, steps + 1):
        new = [0.0] * (max_ahead + 1)
        for j in range(max_ahead + 1):
            advance = n * mu + j * theta
            stay = 1 - (advance + theta) / rate
            nxt = 1.0 if j == 0 else served_by_step[j - 1]
            new[j] = advance / rate * nxt + stay * served_by_step[j]
        served_by_step = new
        weight *= lam_t / m
        for j in range(max_ahead + 1):
            result[j] += weight * served_by_step[j]
    return result


def _baseline_a_metrics(lam, mu, theta, n, t):
    probs = _chain(lam, mu, theta, n)
    queue = sum((k - n) * probs[k] for k in range(n, len(probs)))
    abandon = theta * queue / lam
    within = _served_within(n, mu, theta, len(probs) - 1 - n, t)
    sl = sum(probs[:n]) + sum(probs[k] * within[k - n] for k in range(n, len(probs)))
    return sl, abandon, sum(probs[n:])


def baseline_a_chain(calls: float, aht: float, patience: float, sl: float, t: float):
    lam, mu, theta = calls / INTERVAL, 1 / aht, 1 / patience
    n = max(1, math.ceil(lam / mu))
    while True:
        level, abandon, wait = _baseline_a_metrics(lam, mu, theta, n, t)
        if level >= sl:
            return n, level, abandon, wait
        n += 1


# ------------------------------------------------------------------ cases


def erlang_c_cases(rng: random.Random, count: int) -> list[tuple[float, float, float, float]]:
    return [
        (
            rng.uniform(5, 1500),  # calls per half hour
            rng.uniform(60, 600),  # AHT seconds
            rng.choice([0.7, 0.8, 0.85, 0.9, 0.95]),
            rng.choice([10.0, 15.0, 20.0, 30.0]),
        )
        for _ in range(count)
    ]


def week_profile(rng: random.Random, peak_calls: float, weeks: int = 1) -> list[float]:
    """Half-hour calls of a service hotline: quiet nights, two day-time peaks, lower weekends."""
    out = []
    for _ in range(weeks):
        for day in range(7):
            level = 1.0 if day < 5 else 0.7
            for half in range(48):
                h = half / 2
                shape = (
                    0.05 + math.exp(-((h - 10.5) ** 2) / 6) + 0.8 * math.exp(-((h - 15) ** 2) / 8)
                )
                out.append(peak_calls * level * shape / 1.05 * rng.uniform(0.9, 1.1))
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# ------------------------------------------------------------------ optional: pyworkforce


_PYWORKFORCE_SCRIPT = """
import json, sys, time
from pyworkforce.queuing import ErlangA, ErlangC
import pyworkforce
d = json.load(sys.stdin)
t = time.perf_counter()
c = [ErlangC(transactions=x, aht=h / 60, asa=s / 60, interval=30).required_positions(
    service_level=l) for x, h, l, s in d["c"]]
tc = time.perf_counter() - t
t = time.perf_counter()
a = [ErlangA(transactions=x, aht=h / 60, asa=20 / 60, interval=30, patience=p / 60)
     .required_positions(service_level=0.8) for x, h, p in d["a"]]
ta = time.perf_counter() - t
ours_n = [ErlangA(transactions=x, aht=h / 60, asa=20 / 60, interval=30, patience=p / 60)
          .service_level(n) for (x, h, p), n in zip(d["a"], d["ours_a"])]
print(json.dumps({"version": pyworkforce.__version__, "c": c, "tc": tc, "a": a, "ta": ta,
                  "sl_at_our_agents": ours_n}))
"""


def find_pyworkforce_python(explicit: str | None) -> str | None:
    """An interpreter that can import pyworkforce: --pyworkforce-python, or a Python 3.12+."""
    candidates = [explicit] if explicit else []
    candidates += [shutil.which(name) for name in ("python3.13", "python3.12")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python3"))
    for python in filter(None, candidates):
        probe = subprocess.run(  # noqa: S603 - a local interpreter, fixed arguments
            [python, "-c", "import pyworkforce"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return python
    return None


def pyworkforce_figures(python: str | None, cases, week, ours_a) -> dict:
    if python is None:
        return {
            "ran": False,
            "reason": "no Python 3.12+ with pyworkforce found; pass --pyworkforce-python "
            "(a separate virtual environment, never the project's)",
        }
    payload = json.dumps({"c": cases, "a": week, "ours_a": ours_a})
    proc = subprocess.run(  # noqa: S603 - a local interpreter and a fixed script
        [python, "-c", _PYWORKFORCE_SCRIPT],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"ran": False, "reason": proc.stderr.strip().splitlines()[-1]}
    return {"ran": True, "python": python, **json.loads(proc.stdout)}


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--pyworkforce-python", help="a Python 3.12+ that can import pyworkforce")
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - benchmark data
    report: dict = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "repeat": args.repeat,
        "seed": args.seed,
    }

    # 1. Erlang C, 1,000 random cases
    cases = erlang_c_cases(rng, args.cases)

    def ours_one_by_one():
        return [
            required_agents(calls=c, aht_seconds=h, service_level=sl, target_seconds=t).agents
            for c, h, sl, t in cases
        ]

    def ours_many():
        out = []
        groups: dict[tuple[float, float], list[int]] = {}
        for i, (_, _, sl, t) in enumerate(cases):
            groups.setdefault((sl, t), []).append(i)
        result = [0] * len(cases)
        for (sl, t), idx in groups.items():
            rows = required_agents_many(
                [(cases[i][0], cases[i][1]) for i in idx], service_level=sl, target_seconds=t
            )
            for i, r in zip(idx, rows, strict=True):
                result[i] = r.agents
        out = result
        return out

    t_ours, agents_ours = timed(ours_one_by_one, args.repeat)
    t_many, agents_many = timed(ours_many, args.repeat)
    t_pwf, agents_pwf = timed(
        lambda: [baseline_c_pyworkforce_method(*case) for case in cases], max(1, args.repeat // 2)
    )
    t_one, agents_one = timed(
        lambda: [baseline_c_from_one(*case) for case in cases], max(1, args.repeat // 2)
    )
    sl_diff = max(
        abs(
            required_agents(
                calls=c, aht_seconds=h, service_level=sl, target_seconds=t
            ).service_level
            - _sl_c_from_scratch(n, c * h / INTERVAL, h, t)
        )
        for (c, h, sl, t), n in zip(cases, agents_pwf, strict=True)
    )
    report["erlang_c_1000_cases"] = {
        "ours_one_by_one_s": t_ours,
        "ours_required_agents_many_s": t_many,
        "baseline_pyworkforce_method_s": t_pwf,
        "baseline_search_from_one_s": t_one,
        "speedup_vs_pyworkforce_method": t_pwf / t_many,
        "speedup_vs_search_from_one": t_one / t_many,
        "agents_identical": agents_ours == agents_many == agents_pwf == agents_one,
        "max_service_level_difference": sl_diff,
    }

    # 2. Erlang A, one week of half-hour intervals
    week_calls = week_profile(rng, 400.0)
    week = [(c, 240.0, 120.0) for c in week_calls]

    def ours_a():
        return required_agents_many(
            [(c, h) for c, h, _ in week], service_level=0.8, target_seconds=20, patience_seconds=120
        )

    t_a, rows_a = timed(ours_a, args.repeat)
    start = time.perf_counter()
    base_a = [baseline_a_chain(c, h, p, 0.8, 20.0) for c, h, p in week]
    t_base_a = time.perf_counter() - start
    same = all(r.agents == b[0] for r, b in zip(rows_a, base_a, strict=True))
    # the chain baseline, like pyworkforce, never tries fewer agents than ceil(A)
    smaller_and_meeting = [
        i
        for i, (r, b) in enumerate(zip(rows_a, base_a, strict=True))
        if r.agents < b[0] and r.agents < r.load and r.service_level >= 0.8
    ]
    same_elsewhere = all(
        r.agents == b[0]
        for i, (r, b) in enumerate(zip(rows_a, base_a, strict=True))
        if i not in smaller_and_meeting
    )
    prob_diff = 0.0
    for r, b in zip(rows_a, base_a, strict=True):
        exact = erlang_a(
            b[0], calls=r.load * INTERVAL / 240.0, aht_seconds=240, patience_seconds=120
        )
        prob_diff = max(
            prob_diff,
            abs(exact.service_level - b[1]),
            abs(exact.abandon_probability - b[2]),
            abs(exact.wait_probability - b[3]),
        )
    report["erlang_a_week_336_intervals"] = {
        "peak_calls_per_half_hour": max(week_calls),
        "ours_s": t_a,
        "baseline_chain_s": t_base_a,
        "baseline_chain_ms_per_interval": 1000 * t_base_a / len(week),
        "speedup_vs_chain": t_base_a / t_a,
        "agents_identical": same,
        "agents_identical_except_below_load": same_elsewhere,
        "intervals_ours_fewer_agents_below_load": smaller_and_meeting,
        "max_probability_difference": prob_diff,
    }

    # 3. 500 agents, 4 weeks of half-hour intervals (R-CC-11)
    big = week_profile(rng, 3600.0, weeks=4)  # ~500 agents at the peak with AHT 240 s
    pairs = [(c, 240.0) for c in big]
    t_big_c, rows_c = timed(lambda: required_agents_many(pairs, service_level=0.8), args.repeat)
    t_big_a, rows_big_a = timed(
        lambda: required_agents_many(pairs, service_level=0.8, patience_seconds=120), args.repeat
    )
    start = time.perf_counter()
    base_big = [baseline_c_from_one(c, 240.0, 0.8, 20.0) for c, _ in pairs]
    t_big_base = time.perf_counter() - start
    report["staffing_500_agents_4_weeks"] = {
        "intervals": len(pairs),
        "max_agents_erlang_c": max(r.agents for r in rows_c),
        "ours_erlang_c_s": t_big_c,
        "ours_erlang_a_s": t_big_a,
        "baseline_c_search_from_one_s": t_big_base,
        "speedup_erlang_c": t_big_base / t_big_c,
        "agents_identical": [r.agents for r in rows_c] == base_big,
        "max_agents_erlang_a": max(r.agents for r in rows_big_a),
    }

    pwf = pyworkforce_figures(
        find_pyworkforce_python(args.pyworkforce_python),
        [list(c) for c in cases],
        [list(w) for w in week],
        [r.agents for r in rows_a],
    )
    if pwf["ran"]:
        c_agents = [r["raw_positions"] for r in pwf["c"]]
        c_sl = max(
            abs(
                erlang_c_metrics(n, calls=c, aht_seconds=h, target_seconds=t).service_level
                - r["service_level"]
            )
            for (c, h, _, t), n, r in zip(cases, c_agents, pwf["c"], strict=True)
        )
        a_agents = [r["raw_positions"] for r in pwf["a"]]
        a_diff = 0.0
        for (c, h, p), n, r in zip(week, a_agents, pwf["a"], strict=True):
            mine = erlang_a(n, calls=c, aht_seconds=h, patience_seconds=p, target_seconds=20)
            a_diff = max(
                a_diff,
                abs(mine.service_level - r["service_level"]),
                abs(mine.abandon_probability - r["abandonment_probability"]),
                abs(mine.wait_probability - r["waiting_probability"]),
            )
        fewer = [
            {
                "interval": i,
                "load": rows_a[i].load,
                "ours": rows_a[i].agents,
                "pyworkforce": n,
                "pyworkforce_service_level_at_ours": pwf["sl_at_our_agents"][i],
            }
            for i, n in enumerate(a_agents)
            if n != rows_a[i].agents
        ]
        report["pyworkforce"] = {
            "ran": True,
            "version": pwf["version"],
            "python": pwf["python"],
            "erlang_c_s": pwf["tc"],
            "erlang_c_speedup_ours_many": pwf["tc"] / t_many,
            "erlang_c_agents_identical": c_agents == agents_many,
            "erlang_c_max_service_level_difference": c_sl,
            "erlang_a_week_s": pwf["ta"],
            "erlang_a_ms_per_interval": 1000 * pwf["ta"] / len(week),
            "erlang_a_speedup": pwf["ta"] / t_a,
            "erlang_a_agents_identical": a_agents == [r.agents for r in rows_a],
            "erlang_a_max_probability_difference": a_diff,
            # pyworkforce starts its Erlang A search at ceil(A); with abandonment fewer agents
            # than the load can meet the target, which ours finds (its own formula agrees)
            "erlang_a_intervals_where_ours_is_smaller": fewer,
        }
    else:
        report["pyworkforce"] = pwf
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    for section, figures in report.items():
        if isinstance(figures, dict):
            print(f"{section}:")
            for key, value in figures.items():
                shown = f"{value:.6g}" if isinstance(value, float) else value
                if isinstance(value, list):
                    shown = f"[{len(value)} values]"
                print(f"  {key}: {shown}")
        else:
            print(f"{section}: {figures}")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
