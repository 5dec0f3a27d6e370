"""Run every benchmark under bench/ and write the summary (issue 9): ``make bench``.

    python bench/run.py                      # full scale: results in bench/results/
    python bench/run.py --scale small        # quick: results in bench/results/small/
    python bench/run.py --only tickets,generate

Each benchmark runs in its own process, on SQLite (a fresh temporary folder) and, when a
PostgreSQL server is given (``--pg URL``, ``KEFU_BENCH_PG_URL`` or ``KEFU_TEST_DATABASE_URL``,
e.g. ``postgres://postgres@127.0.0.1:55433/postgres``), on PostgreSQL in a scratch database
``kefu_bench_<name>`` (prefix from ``KEFU_BENCH_DB_PREFIX``) created for it and dropped after.
Each prints its own figures beside the baseline it measures in the same run; this script then
collects the JSON files the run wrote and writes README.md beside them: the machine (CPU,
cores, RAM), the date, the database, the scale, and every figure with its baseline and ratio.

The load test (bench/load_bench.py, locust against 1, 2 and 4 web processes) runs when it
exists and PostgreSQL is given; without PostgreSQL it is skipped with a message (it starts
Redis itself when ``redis-server`` exists). Benchmarks are never tests: ``make test`` does
not run them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess  # noqa: S404 - runs our own benchmark scripts
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@dataclass
class Bench:
    name: str
    script: str
    small: list[str]
    full: list[str]
    databases: tuple[str, ...] = ("sqlite", "postgresql")
    # Per database, arguments replacing ``full`` (SQLite takes smaller sizes where the
    # issue's size is set for PostgreSQL).
    full_by_db: dict[str, list[str]] = field(default_factory=dict)
    prefix: str = ""  # results files start with this (default: name)

    def args(self, scale: str, database: str) -> list[str]:
        if scale == "small":
            return self.small
        return self.full_by_db.get(database, self.full)


BENCHES = [
    Bench(
        "generate",
        "generate_bench.py",
        small=[
            "--customers",
            "5000",
            "--tickets",
            "10000",
            "--calls",
            "50000",
            "--baseline-calls",
            "10000",
            "--no-progress",
        ],
        full=[
            "--customers",
            "1000000",
            "--tickets",
            "2000000",
            "--calls",
            "10000000",
            "--no-progress",
        ],
    ),  # fmt: skip
    Bench(
        "tickets",
        "tickets_bench.py",
        small=["--tickets", "5000", "--requests", "30"],
        full=["--tickets", "2000000", "--requests", "200"],
        full_by_db={"sqlite": ["--tickets", "200000", "--requests", "200"]},
    ),
    Bench(
        "customer_search",
        "customer_search.py",
        small=["--count", "10000", "--queries", "20", "--baseline-queries", "5"],
        full=["--count", "1000000"],
    ),
    Bench(
        "monthly_report",
        "monthly_report_bench.py",
        small=["--tickets", "5000", "--calls", "50000", "--repeat", "1"],
        full=["--tickets", "1000000", "--calls", "10000000"],
    ),
    Bench(
        "calls_import",
        "calls_import_bench.py",
        small=["--lines", "30000", "--customers", "5000"],
        full=["--lines", "1000000"],
    ),
    Bench("erlang", "erlang_bench.py", ["--repeat", "1", "--cases", "200"], [], databases=("",)),
    Bench("roster", "roster_bench.py", [], [], databases=("",)),
    Bench(
        "load",
        "load_bench.py",
        small=["--scale", "small"],
        full=["--scale", "full"],
        databases=("postgresql",),
    ),
]


# ---------------------------------------------------------------------------- machine


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    ram = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "system": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": round(load, 2) if load is not None else None,
    }


# ---------------------------------------------------------------------------- databases


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def pg_available(url: str | None) -> str | None:
    """None when PostgreSQL answers at ``url``, else why not."""
    if not url:
        return "no PostgreSQL server given (--pg URL or KEFU_BENCH_PG_URL)"
    try:
        _admin(url, "SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: not available
        return f"PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port} unreachable: {exc}"
    return None


# ---------------------------------------------------------------------------- running


class Templates:
    """One migrated database per kind, copied for each benchmark (SQLite: the file;
    PostgreSQL: ``CREATE DATABASE … TEMPLATE``), so the migrations run once per run."""

    def __init__(self, pg: str | None):
        self.pg = pg
        self.sqlite: Path | None = None
        self.pg_name: str | None = None

    def _migrate(self, env: dict) -> bool:
        command = [sys.executable, "-m", "kefu.cli", "migrate", "-v0"]
        return subprocess.run(command, env=env, cwd=ROOT).returncode == 0  # noqa: S603

    def sqlite_var(self, target: Path) -> None:
        if self.sqlite is None:
            self.sqlite = Path(tempfile.mkdtemp(prefix="kefu-bench-template-")) / "var"
            env = dict(os.environ, KEFU_VAR_DIR=str(self.sqlite))
            env.pop("KEFU_DATABASE_URL", None)
            if not self._migrate(env):
                shutil.rmtree(self.sqlite.parent, ignore_errors=True)
                self.sqlite = Path("")
        if self.sqlite != Path(""):
            shutil.copytree(self.sqlite, target)

    def pg_template(self) -> str | None:
        if self.pg_name is None and self.pg:
            name = f"{os.environ.get('KEFU_BENCH_DB_PREFIX', 'kefu_bench')}_template"
            _admin(self.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _admin(self.pg, f'CREATE DATABASE "{name}"')
            env = dict(os.environ, KEFU_DATABASE_URL=_with_db(self.pg, name))
            self.pg_name = name if self._migrate(env) else ""
        return self.pg_name or None

    def close(self) -> None:
        if self.sqlite and self.sqlite != Path(""):
            shutil.rmtree(self.sqlite.parent, ignore_errors=True)
        if self.pg_name:
            _admin(self.pg, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def run_one(
    bench: Bench,
    scale: str,
    database: str,
    pg: str | None,
    out_dir: Path,
    templates: Templates | None = None,
) -> dict:
    env = dict(os.environ)
    env["KEFU_BENCH_RESULTS"] = str(out_dir)
    env["PYTHONUNBUFFERED"] = "1"
    if bench.name != "load":  # its users sign in with their passwords
        env["KEFU_GENERATE_FAST_PASSWORDS"] = "1"
    env.pop("KEFU_DATABASE_URL", None)
    work = Path(tempfile.mkdtemp(prefix=f"kefu-bench-{bench.name}-"))
    env["KEFU_VAR_DIR"] = str(work / "var")
    if database == "sqlite" and templates is not None:
        templates.sqlite_var(work / "var")
    scratch = None
    args = list(bench.args(scale, database))
    if bench.name == "load":
        # The load test names its own results file under bench/results.
        rel = out_dir.relative_to(BENCH / "results")
        args += ["--name", str(rel / "load") if str(rel) != "." else "load"]
    if database == "postgresql":
        scratch = f"{os.environ.get('KEFU_BENCH_DB_PREFIX', 'kefu_bench')}_{bench.name}"
        _admin(pg, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        if bench.name != "load":  # the load test creates its database itself
            template = templates.pg_template() if templates is not None else None
            suffix = f' TEMPLATE "{template}"' if template else ""
            _admin(pg, f'CREATE DATABASE "{scratch}"{suffix}')
        env["KEFU_DATABASE_URL"] = _with_db(pg, scratch)
    command = [sys.executable, str(BENCH / bench.script), *args]
    label = f"{bench.name} [{database or 'no database'}, {scale}]"
    print(f"\n=== {label}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    before = {p: p.stat().st_mtime for p in out_dir.glob("*.json")}
    try:
        code = subprocess.run(command, env=env, cwd=ROOT).returncode  # noqa: S603
    finally:
        if scratch:
            _admin(pg, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    prefix = bench.prefix or bench.name
    written = sorted(
        p.name
        for p in out_dir.glob(f"{prefix}*.json")
        if p.stat().st_mtime > before.get(p, 0) and p.name != "summary.json"
    )
    print(f"=== {label}: exit {code} in {seconds:.0f} s; wrote {', '.join(written) or 'nothing'}")
    return {
        "bench": bench.name,
        "database": database,
        "exit": code,
        "seconds": round(seconds, 1),
        "files": written,
    }


# ---------------------------------------------------------------------------- summary rows


def _r(value, digits=2):
    return None if value is None else round(value, digits)


def rows_for(name: str, data: dict) -> list[tuple]:
    """(figure, value, unit, baseline, baseline value, ratio, ratio means, target)."""
    rows = []
    if name.startswith("generate"):
        base = data["baseline_bulk_create_calls"]
        for table, t in data["tables"].items():
            if t["rows_per_s"] and table != "calls":
                rows.append((f"{table}: rows/s", t["rows_per_s"], "rows/s", "", None, None, "", ""))
        rows.append(("whole run", data["rows_per_s"], "rows/s", "", None, None, "", ""))
        calls = data["tables"].get("calls", {}).get("rows_per_s")
        rows.append(("calls: rows/s", calls, "rows/s", "bulk_create(5000) of calls",
                     base["rows_per_s"], data["ratio_calls_generate_over_bulk_create"],
                     "ours ÷ baseline", ""))  # fmt: skip
        rows.append(("1M customers + 2M tickets + 10M calls",
                     data["minutes_for_1m_customers_2m_tickets_10m_calls"], "min", "", None,
                     None, "", "minutes"))  # fmt: skip
    elif name.startswith("tickets"):
        f = data["figures"]
        for figure, pct, base in (("create_api", "p50_ms", "create_bare"),
                                  ("queue_api", "p95_ms", "list_bare"),
                                  ("queue_page", "p95_ms", "list_bare")):  # fmt: skip
            rows.append((f"{figure} {pct[:3]} ({data['tickets']:,} tickets)", f[figure][pct],
                         "ms", f"{base} {pct[:3]}", f[base][pct],
                         _r(f[figure][pct] / f[base][pct]), "ours ÷ baseline",
                         "< 30 ms p50" if figure == "create_api" else "< 100 ms p95"))  # fmt: skip
    elif name.startswith("customer_search"):
        for kind, r in data["results"].items():
            rows.append((f"{kind} ({data['customers']:,})", r["first_page"]["p50"], "ms p50",
                         "LIKE scan p50", r["baseline_like"]["p50"], r["ratio_p50"],
                         "baseline ÷ ours", ""))  # fmt: skip
    elif name.startswith("monthly_report"):
        scale = (
            f"{data.get('tickets_in_month', 0):,} tickets, {data.get('calls_in_month', 0):,} calls"
        )
        target = "10 s" if data["database"] == "postgresql" else "30 s"
        rows.append((f"report build ({scale})", data["report_build_s"], "s",
                     "COUNT of the month's tickets + calls", data["baseline_count_month_s"],
                     data["report_over_baseline"], "ours ÷ baseline", target))  # fmt: skip
        rows.append(("facts first count", data["facts_first_count_s"], "s", "", None, None,
                     "", ""))  # fmt: skip
        rows.append(("scorecard page", data["scorecard_page_ms"], "ms", "health endpoint",
                     data["baseline_health_ms"], data["scorecard_over_baseline"],
                     "ours ÷ baseline", "300 ms"))  # fmt: skip
    elif name.startswith("calls_import"):
        ours, raw = data["ours"], data["raw"]
        rows.append((f"import ({data['lines']:,} queue_log lines)", ours["rows_per_s"],
                     "rows/s", raw["method"][:40], raw["rows_per_s"], data["ratio"],
                     "ours ÷ baseline", "≥ 0.5"))  # fmt: skip
    elif name.startswith("erlang"):
        c = data["erlang_c_1000_cases"]
        rows.append(("Erlang C, cases", _r(c["ours_required_agents_many_s"], 4), "s",
                     "pyworkforce's method", _r(c["baseline_pyworkforce_method_s"], 4),
                     _r(c["speedup_vs_pyworkforce_method"]), "baseline ÷ ours", ""))  # fmt: skip
        a = data["erlang_a_week_336_intervals"]
        rows.append(("Erlang A, 336 intervals", _r(a["ours_s"], 4), "s", "birth-death chain",
                     _r(a["baseline_chain_s"], 4), _r(a["speedup_vs_chain"]),
                     "baseline ÷ ours", ""))  # fmt: skip
        s = data["staffing_500_agents_4_weeks"]
        rows.append(("staffing 500 agents, 4 weeks", _r(s["ours_erlang_c_s"], 4), "s",
                     "search from one agent", _r(s["baseline_c_search_from_one_s"], 4),
                     _r(s["speedup_erlang_c"]), "baseline ÷ ours", ""))  # fmt: skip
    elif name.startswith("roster"):
        ours, pwf = data["ours"], data.get("pyworkforce", {})
        for case in ("day_shifts", "seed_shifts"):
            theirs = pwf.get(case, {}) if pwf.get("ran") else {}
            paid = theirs.get("paid_hours")
            rows.append((f"roster {case}: paid hours", ours[case]["paid_hours"], "h",
                         "pyworkforce" if paid else "pyworkforce (not run)", paid,
                         _r(ours[case]["paid_hours"] / paid) if paid else None,
                         "ours ÷ baseline", "≤ 1"))  # fmt: skip
    elif name.startswith("load"):
        for config, rate in (data.get("capacity_req_s") or {}).items():
            rows.append((f"capacity, {config}: highest offered rate served at p95 < 100 ms, "
                         "no errors", rate, "req/s", "", None, None, "", "≥ 300"))  # fmt: skip
        for config, r in (data.get("figures") or {}).items():
            mix = r.get("mix", {})
            base = r.get("baseline") or r.get("health") or {}
            rows.append((f"mix, {config}: req/s", mix.get("requests_per_second"), "req/s", "",
                         None, None, "", "≥ 300"))  # fmt: skip
            rows.append((f"mix, {config}: p95", mix.get("p95_ms"), "ms", "health p95",
                         base.get("p95_ms"),
                         _r(mix["p95_ms"] / base["p95_ms"]) if mix.get("p95_ms") and
                         base.get("p95_ms") else None, "ours ÷ baseline", "< 100 ms"))  # fmt: skip
            rows.append((f"mix, {config}: errors", mix.get("errors", mix.get("failures")), "",
                         "", None, None, "", "0"))  # fmt: skip
    return rows


def _fmt(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_summary(out_dir: Path, scale: str, runs: list[dict], info: dict, notes: list[str]):
    lines = [
        f"# Benchmark results — scale {scale}",
        "",
        f"Written by `make bench{' SCALE=small' if scale == 'small' else ''}` "
        f"(bench/run.py) on {info['date']}.",
        "",
        f"- Machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, "
        f"{info['machine']['ram_gb']} GB RAM; {info['machine']['system']}, "
        f"Python {info['machine']['python']}",
        f"- Load average when the run started: {info['machine']['load_average_at_start']} "
        "(the machine is shared: figures are medians and ratios to a baseline from the same "
        "run)",
        f"- Databases: {', '.join(info['databases'])}",
        f"- Whole run: {info['minutes']} minutes",
        "",
    ]
    lines += [f"- {n}" for n in notes]
    if notes:
        lines.append("")
    lines += [
        "| benchmark | database | figure | value | unit | baseline | baseline value | ratio "
        "| ratio means | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        if run["exit"] != 0:
            lines.append(
                f"| {run['bench']} | {run['database'] or '—'} | FAILED (exit {run['exit']}) "
                "| | | | | | | |"
            )
        for file in run["files"]:
            data = json.loads((out_dir / file).read_text())
            database = run["database"] or "—"
            try:
                rows = rows_for(run["bench"], data)
            except (KeyError, TypeError, ZeroDivisionError) as exc:
                rows = [(f"{file}: could not read ({exc!r})", None, "", "", None, None, "", "")]
            stem = Path(file).stem
            if run["bench"] == "load" and stem != "load":  # an earlier run kept beside it
                rows = [(f"{stem}: {row[0]}", *row[1:]) for row in rows]
            for figure, value, unit, base, base_value, ratio, means, target in rows:
                lines.append(
                    f"| {run['bench']} | {database} | {figure} | {_fmt(value)} | {unit} | "
                    f"{base} | {_fmt(base_value)} | {_fmt(ratio)} | {means} | {target} |"
                )
    lines += [
        "",
        "Each benchmark's own JSON file beside this one holds every figure and its runs; "
        "bench/README.md explains each benchmark and its baseline.",
        "",
    ]
    (out_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")
    (out_dir / "summary.json").write_text(
        json.dumps(info | {"runs": runs}, indent=2, ensure_ascii=False) + "\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument(
        "--pg",
        default=os.environ.get("KEFU_BENCH_PG_URL") or os.environ.get("KEFU_TEST_DATABASE_URL"),
        help="a PostgreSQL server URL (its database name is replaced by scratch ones)",
    )
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="which databases to run on"
    )
    parser.add_argument(
        "--summary-only",
        action="store_true",
        help="run nothing: write README.md from the JSON files already in the results folder",
    )
    args = parser.parse_args()
    names = {b.name for b in BENCHES}
    only = set(args.only.split(",")) if args.only else names
    if only - names:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(only - names))}")
    wanted_dbs = set(args.databases.split(","))
    out_dir = BENCH / "results" / ("small" if args.scale == "small" else "")
    out_dir.mkdir(parents=True, exist_ok=True)
    no_pg = pg_available(args.pg) if "postgresql" in wanted_dbs else "not asked for"
    notes = []
    if no_pg and not args.summary_only:
        notes.append(f"PostgreSQL runs skipped: {no_pg}.")
        print(f"NOTE: PostgreSQL runs skipped: {no_pg}", flush=True)
    started = time.perf_counter()
    info = {
        "scale": args.scale,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "databases": [],
    }
    runs = []
    templates = Templates(None if no_pg else args.pg)
    if args.summary_only:
        notes.append("Summary of the results already in this folder (each file's own date).")
        for bench in BENCHES:
            for path in sorted(out_dir.glob(f"{bench.prefix or bench.name}*.json")):
                vendor = str(json.loads(path.read_text()).get("database", "")).split(" ")[0]
                runs.append({"bench": bench.name, "database": vendor, "exit": 0,
                             "seconds": None, "files": [path.name]})  # fmt: skip
                if vendor and vendor not in info["databases"]:
                    info["databases"].append(vendor)
        only = set()
    for bench in BENCHES:
        if bench.name not in only:
            continue
        if not (BENCH / bench.script).exists():
            notes.append(f"{bench.name}: {bench.script} not present, skipped.")
            continue
        for database in bench.databases:
            if database and database not in wanted_dbs:
                continue
            if database == "postgresql" and no_pg:
                if bench.name == "load":
                    notes.append(f"load: skipped, it needs PostgreSQL ({no_pg}).")
                    print(f"NOTE: load test skipped: it needs PostgreSQL ({no_pg})", flush=True)
                continue
            if database and database not in info["databases"]:
                info["databases"].append(database)
            runs.append(run_one(bench, args.scale, database, args.pg or None, out_dir, templates))
    templates.close()
    info["minutes"] = round((time.perf_counter() - started) / 60, 1)
    write_summary(out_dir, args.scale, runs, info, notes)
    print(f"\nSummary: {(out_dir / 'README.md').relative_to(ROOT)} ({info['minutes']} min)")
    failed = [r for r in runs if r["exit"] != 0]
    for r in failed:
        print(f"FAILED: {r['bench']} on {r['database'] or 'no database'} (exit {r['exit']})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
