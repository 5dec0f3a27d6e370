"""Mixed-load test (issue 9): the floor's mix against 1, 2 and 4 web processes on PostgreSQL.

For each number of web processes it starts ``kefu serve --no-worker --processes N`` (one port)
and one Huey worker on Redis, drives bench/load/locustfile.py headless at a fixed offered rate
for a bounded time with a bounded number of users, against 127.0.0.1 only, and reads locust's
figures: requests per second, p50/p95/p99 and errors for the whole mix and each request. The
baseline beside them is /api/v1/health in the same run under the same load (the stack's floor).

    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:55433/kefu_load \\
        python bench/load_bench.py --web 1,2,4 --duration 45
    python bench/load_bench.py --scale small           # one short run per configuration

The database is created when missing, migrated, given the demo, and (``--customers``,
``--tickets``, ``--calls``) more data by ``kefu generate`` when it has fewer customers than
asked. A Redis server is started on a free loopback port when ``redis-server`` exists
(otherwise the worker queue is SQLite in a temporary folder). Writes
bench/results/load.json (``--name`` for another file).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
DEFAULT_DB = "postgres://postgres@127.0.0.1:55433/kefu_load"
TARGET = {"requests_per_second": 300, "p95_ms": 100, "errors": 0}
# Requests per locust task, weighted by the user classes' weights (the PBX posts 3 events).
REQUESTS_PER_TASK = (8 * 1 + 2 * 3 + 1 + 1) / 12
BASELINE = "health (baseline)"
SPAWN_SECONDS = 5


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kefu(env: dict, *args: str, quiet: bool = False) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", *args], env=env, check=True, stdout=out, cwd=ROOT
    )


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def _redis(var_dir: Path):
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(var_dir)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare(fixture_path: Path, *, agents: int, supervisors: int) -> dict:
    """Accounts with sessions and tokens, customers, search terms and the CTI token."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    from kefu.callcenter.models import AgentExtension
    from kefu.callcenter.services.cti import cti_settings
    from kefu.core.periods import previous_month
    from kefu.customers.selectors import customers_visible
    from kefu.org.models import Department, User
    from kefu.org.permissions import SYSTEM
    from kefu.org.roles import Role
    from kefu.org.services import staff_create, token_create

    def account(username: str, role: Role, dept_code: str) -> dict:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(
                actor=SYSTEM,
                username=username,
                password=settings.DEMO_PASSWORD,
                full_name=username,
                department=Department.objects.get(code=dept_code),
                roles=[role.value],
                validate=False,
            )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _token, key = token_create(actor=user, user=user, name="load test")
        return {"username": username, "session": session.session_key, "token": key, "user": user}

    floor = [account(f"load-agent-{i:03d}", Role.AGENT, "callcenter") for i in range(agents)]
    for row in floor:
        AgentExtension.objects.get_or_create(
            user=row["user"], defaults={"extension": f"9{row['user'].pk:04d}"}
        )
    bosses = [account(f"load-super-{i:02d}", Role.CS_SUPERVISOR, "cs") for i in range(supervisors)]
    visible = customers_visible(floor[0]["user"]).order_by("-pk")
    rows = list(visible.values("pk", "name", "phone")[:3000])
    rng = random.Random(9)  # noqa: S311 - benchmark data
    terms = []
    for row in rng.sample(rows, min(300, len(rows))):
        name, phone = row["name"] or "", "".join(ch for ch in row["phone"] or "" if ch.isdigit())
        terms += [name[-2:]] if len(name) >= 2 else []
        terms += [phone[-4:]] if len(phone) >= 4 else []
    data = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "agents": [{k: a[k] for k in ("username", "session", "token")} for a in floor],
        "supervisors": [{k: a[k] for k in ("username", "session", "token")} for a in bosses],
        "customers": [r["pk"] for r in rows],
        "phones": [r["phone"] for r in rows if r["phone"]] or ["13800000000"],
        "search_terms": terms or ["王"],
        "extensions": [a["username"] for a in floor],
        "cti_token": cti_settings().token,
        "kpi_month": previous_month().strftime("%Y-%m"),
    }
    fixture_path.write_text(json.dumps(data, ensure_ascii=False))
    from kefu.callcenter.models import CallRecord
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    return {
        "customers": Customer.objects.count(),
        "tickets": Ticket.objects.count(),
        "calls": CallRecord.objects.count(),
    }


def _cpu_seconds(pids) -> dict[int, float]:
    """user + system CPU seconds of each process (Linux /proc), 0 for one that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _ended_children_cpu(pid: int | None) -> float:
    """CPU seconds of the children a process has reaped (Linux /proc: cutime + cstime)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def _group(pgids: list[int]) -> list[int]:
    """The processes of the web server's and the worker's process groups (forked children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in pgids:
                pids.append(int(entry.name))
    return pids


def _database_backends(url: str) -> list[int]:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [r[0] for r in rows]


class CpuMeter:
    """CPU seconds spent by the web processes, the worker, the database's backends for this
    database (when the server runs on this machine; backends that end during the run are
    counted from the postmaster's reaped-children time, which also holds any other database's
    backends that end then: run on a quiet server) and the load generator during a run."""

    def __init__(self, pgids: list[int], url: str):
        self.pgids, self.url = pgids, url

    def __enter__(self):
        self.app = _cpu_seconds(_group(self.pgids))
        backends = _database_backends(self.url)
        self.db = _cpu_seconds(backends)
        # Connections are recycled (CONN_MAX_AGE 60 s): a backend that ends during the run
        # takes its CPU with it, into the postmaster's reaped-children time.
        self.postmaster = _parent(backends[0]) if backends else None
        self.ended = _ended_children_cpu(self.postmaster)
        self.children = os.times().children_user + os.times().children_system
        return self

    def __exit__(self, *exc):
        app = _cpu_seconds(_group(self.pgids))
        db = _cpu_seconds(_database_backends(self.url))
        self.app_s = sum(v - self.app.get(pid, 0.0) for pid, v in app.items())
        gone = sum(v for pid, v in self.db.items() if pid not in db)
        ended = _ended_children_cpu(self.postmaster) - self.ended
        # Backends alive at the end, plus those that ended (all their CPU, less what they
        # had used before the run began).
        self.db_s = sum(v - self.db.get(pid, 0.0) for pid, v in db.items()) + ended - gone
        self.locust_s = os.times().children_user + os.times().children_system - self.children

    def per_request(self, requests: int) -> dict:
        n = max(1, requests)
        return {
            "web_and_worker_ms": round(self.app_s * 1000 / n, 2),
            "database_ms": round(self.db_s * 1000 / n, 2),
            "load_generator_ms": round(self.locust_s * 1000 / n, 2),
            "capacity_on_2_free_cores_req_s": round(
                2 / max(1e-9, (self.app_s + self.db_s + self.locust_s) / n), 1
            ),
        }


def _wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not become healthy in {timeout:.0f} s")


def _web_command(server: str, *, processes: int, threads: int, reuse_port: bool, port: int):
    """The web tier: ``kefu serve`` (waitress) or gunicorn's sync workers (DESIGN.md's team
    set-up: one request per process at a time, each connection taken by an idle process)."""
    if server == "gunicorn":
        return [
            str(Path(sys.executable).with_name("gunicorn")),
            "kefu.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(processes),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ]
    args = ["serve", "--no-worker", "--processes", str(processes), "--threads", str(threads)]
    if reuse_port:
        args.append("--reuse-port")
    return [sys.executable, "-m", "kefu.cli", *args]


@contextmanager
def _server(env: dict, *, processes: int, threads: int, reuse_port: bool, port: int, server: str):
    web = _web_command(
        server, processes=processes, threads=threads, reuse_port=reuse_port, port=port
    )
    procs = [
        subprocess.Popen(  # noqa: S603
            command,
            env={**env, "KEFU_PORT": str(port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        for command in (
            web,
            [sys.executable, "-m", "kefu.cli", "worker", "--no-periodic", "--workers", "1"],
        )
    ]
    try:
        _wait_healthy(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}", [p.pid for p in procs]
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _figures(row: dict) -> dict:
    return {
        "requests": int(_number(row["Request Count"])),
        "errors": int(_number(row["Failure Count"])),
        "requests_per_second": round(_number(row["Requests/s"]), 1),
        "p50_ms": _number(row["50%"]),
        "p95_ms": _number(row["95%"]),
        "p99_ms": _number(row["99%"]),
    }


def _locust(
    url: str,
    fixture: Path,
    *,
    users: int,
    rate: float,
    seconds: int,
    out: Path,
    classes: tuple[str, ...] = (),
) -> dict:
    per_task = 1.0 if classes == ("Monitor",) else REQUESTS_PER_TASK
    task_rate = rate / users / per_task
    env = {
        **os.environ,
        "KEFU_LOAD_FIXTURE": str(fixture),
        "KEFU_LOAD_TASK_RATE": f"{task_rate:.4f}",
    }
    prefix = out / "locust"
    subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            url,
            "--users",
            str(users),
            # Users start over SPAWN_SECONDS and each starts its tasks at the moments of a
            # Poisson process of its own (locustfile.poisson_pacing), so their requests do
            # not fire together in bursts; the figures start once every user runs
            # (--reset-stats).
            "--spawn-rate",
            f"{users / SPAWN_SECONDS:.2f}",
            "--reset-stats",
            "--run-time",
            f"{seconds + SPAWN_SECONDS}s",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        env=env,
        cwd=out,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
            failures = [
                {"request": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
                for r in csv.DictReader(f)
            ]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    endpoints = {r["Name"]: _figures(r) for r in rows if r["Name"] != "Aggregated"}
    mix = _figures(total)
    baseline = endpoints.get(BASELINE)
    return {
        "mix": mix,
        "baseline": baseline,
        "ratio_p95_mix_to_baseline": (
            round(mix["p95_ms"] / baseline["p95_ms"], 1)
            if baseline and baseline["p95_ms"]
            else None
        ),
        "endpoints": endpoints,
        "failures": failures[:20],
        "offered_rate": rate,
        "users": users,
    }


def _meets(result: dict, rate: float) -> bool:
    """Served: p95 under the target, no errors, and (nearly) the offered rate achieved."""
    mix = result["mix"]
    return (
        mix["p95_ms"] < TARGET["p95_ms"]
        and mix["errors"] == 0
        and mix["requests_per_second"] >= 0.9 * rate
    )


def _print(web: str, result: dict) -> None:
    m, b = result["mix"], result["baseline"] or {}
    print(
        f"web={web}: {m['requests_per_second']:7.1f} req/s  p50 {m['p50_ms']:5.0f} ms  "
        f"p95 {m['p95_ms']:5.0f} ms  p99 {m['p99_ms']:5.0f} ms  errors {m['errors']}"
        f"   | baseline health p50 {b.get('p50_ms', 0):.0f} ms p95 {b.get('p95_ms', 0):.0f} ms"
        f"  ratio p95 {result['ratio_p95_mix_to_baseline']}"
    )
    cpu = result["cpu_per_request"]
    print(
        f"    CPU per request: web+worker {cpu['web_and_worker_ms']} ms, database "
        f"{cpu['database_ms']} ms, locust {cpu['load_generator_ms']} ms -> on 2 free cores "
        f"about {cpu['capacity_on_2_free_cores_req_s']} req/s"
    )
    alone = result.get("health_alone")
    if alone:
        print(
            f"    baseline, health alone at the same offered rate: "
            f"{alone['requests_per_second']:.1f} req/s p50 {alone['p50_ms']:.0f} ms "
            f"p95 {alone['p95_ms']:.0f} ms errors {alone['errors']}"
        )
    for name, f in sorted(result["endpoints"].items()):
        print(
            f"    {name:<20} {f['requests']:6d} req  p50 {f['p50_ms']:5.0f}  p95 {f['p95_ms']:5.0f}"
            f"  p99 {f['p99_ms']:5.0f}  errors {f['errors']}"
        )
    for failure in result["failures"][:5]:
        print(f"    ! {failure['request']}: {failure['count']} × {failure['error']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--web", default="1,2,4", help="web processes to measure, e.g. 1,2,4")
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument(
        "--rates",
        default=None,
        help="offered requests per second to step through, e.g. 100,200,300 (default: "
        "100,150,200,250,300; small: 100,200,300)",
    )
    parser.add_argument("--duration", type=int, default=None, help="seconds per configuration")
    # Measured on 2 cores (bench/README.md): one request thread per process spends the least
    # CPU per request (threads contend for the GIL), and SO_REUSEPORT spreads the load
    # generator's keep-alive connections over the processes (one shared socket gave 45 of 60
    # connections to one process).
    parser.add_argument("--threads", type=int, default=1, help="request threads per process")
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="one shared listening socket instead of SO_REUSEPORT per process",
    )
    parser.add_argument(
        "--server",
        choices=["waitress", "gunicorn"],
        default="waitress",
        help="the web server: kefu serve (waitress) or gunicorn sync workers",
    )
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--tickets", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--name", default="load", help="results file bench/results/NAME.json")
    parser.add_argument("--note", default="", help="a note stored with the results")
    args = parser.parse_args()
    small = args.scale == "small"
    duration = args.duration or (10 if small else 30)
    wanted = {
        "customers": args.customers if args.customers is not None else (0 if small else 100_000),
        "tickets": args.tickets if args.tickets is not None else (0 if small else 200_000),
        "calls": args.calls if args.calls is not None else (0 if small else 500_000),
    }
    url = os.environ.get("KEFU_DATABASE_URL", DEFAULT_DB)
    if not url.startswith("postgres"):
        raise SystemExit("the load test runs on PostgreSQL: set KEFU_DATABASE_URL=postgres://…")
    webs = [int(n) for n in args.web.split(",") if n.strip()]
    rates = [
        float(n)
        for n in (args.rates or ("50,100,150" if small else "50,75,100,125,150,200")).split(",")
        if n.strip()
    ]

    with tempfile.TemporaryDirectory(prefix="kefu-load-") as tmp, _redis(Path(tmp)) as redis_url:
        var_dir = Path(tmp)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KEFU_")},
            "KEFU_DATABASE_URL": url,
            "KEFU_VAR_DIR": str(var_dir),
            "KEFU_LOG_LEVEL": "WARNING",
            "KEFU_SECRET_KEY": "load-test-" + "x" * 40,
        }
        if redis_url:
            env["KEFU_REDIS_URL"] = redis_url
        _ensure_database(url)
        _kefu(env, "migrate", "--noinput", quiet=True)
        _kefu(env, "demo", "--if-empty", quiet=True)
        _setup_django(env)
        from kefu.customers.models import Customer

        missing = wanted["customers"] - Customer.objects.count()
        if missing > 0 or wanted["tickets"] or wanted["calls"]:
            from kefu.tickets.models import Ticket

            have_tickets = Ticket.objects.count()
            add = {
                "customers": max(0, missing),
                "tickets": max(0, wanted["tickets"] - have_tickets),
                "calls": 0,
            }
            from kefu.callcenter.models import CallRecord

            add["calls"] = max(0, wanted["calls"] - CallRecord.objects.count())
            if any(add.values()):
                from django.db import connections

                connections.close_all()
                _kefu(
                    env,
                    "generate",
                    *[f"--{k}={v}" for k, v in add.items()],
                    "--no-progress",
                    quiet=True,
                )
        fixture = var_dir / "fixture.json"
        scale = _prepare(fixture, agents=60, supervisors=8)
        from django.db import connections

        connections.close_all()

        results = {}
        capacity = {}
        for web in webs:
            port = _free_port()
            with _server(
                env,
                processes=web,
                threads=args.threads,
                reuse_port=not args.shared_socket,
                port=port,
                server=args.server,
            ) as (base, pgids):
                capacity[f"web={web}"] = 0
                for rate in rates:
                    run_dir = var_dir / f"web{web}-{rate:g}"
                    run_dir.mkdir()
                    with CpuMeter(pgids, url) as cpu:
                        result = _locust(
                            base, fixture, users=args.users, rate=rate, seconds=duration,
                            out=run_dir,
                        )  # fmt: skip
                    result["cpu_per_request"] = cpu.per_request(result["mix"]["requests"])
                    if rate == rates[-1]:
                        # The baseline: the health endpoint alone at the same offered rate.
                        alone = run_dir / "baseline"
                        alone.mkdir()
                        floor = _locust(
                            base, fixture, users=args.users, rate=rate,
                            seconds=max(10, duration // 3), out=alone, classes=("Monitor",),
                        )  # fmt: skip
                        result["health_alone"] = floor["mix"]
                    results[f"web={web} at {rate:g}/s"] = result
                    _print(f"{web} at {rate:g}/s", result)
                    if _meets(result, rate):
                        capacity[f"web={web}"] = max(capacity[f"web={web}"], rate)
            print(
                f"web={web}: the highest offered rate served at p95 < 100 ms without errors: "
                f"{capacity[f'web={web}'] or 'none'} req/s"
            )

    met = max(capacity.values(), default=0) >= TARGET["requests_per_second"]
    record = {
        "benchmark": "load",
        "database": "postgresql",
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "load_average_at_end": round(os.getloadavg()[0], 1),
        "scale": scale,
        "users": args.users,
        "offered_rates": rates,
        "duration_s": duration,
        "threads_per_process": args.threads,
        "server": args.server,
        "balancing": "one shared listening socket" if args.shared_socket else "SO_REUSEPORT",
        "queue": "redis" if "KEFU_REDIS_URL" in env else "sqlite",
        "note": args.note,
        "figures": results,
        "capacity_req_s": capacity,
        "baseline": (
            "GET /api/v1/health in the same run: inside the mix (same load) and alone at the "
            "same offered rate and users (health_alone)"
        ),
        "targets": {
            "mix": "≥ 300 req/s at p95 < 100 ms, no errors (2 cores)",
            "met": met,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{args.name}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out.relative_to(ROOT)}; target met: {met}")


if __name__ == "__main__":
    main()
