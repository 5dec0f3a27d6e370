"""Each request of the load mix alone, and a pyinstrument profile of the slowest (issue 9).

Runs every request of bench/load/locustfile.py one at a time through the whole Django stack
in this process (middleware, sessions or bearer tokens, the view, the template), on the load
test's PostgreSQL database, and prints its median beside the health endpoint's (the
baseline). The slowest is then profiled with pyinstrument; the profile goes to
bench/results/profile-<request>.txt and the medians to bench/results/<name>.json.

    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:55433/kefu_load \\
        python bench/load_profile.py [--repeat 30] [--name load_profile_before]

Run bench/load_bench.py once first: it fills the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_bench import DEFAULT_DB, RESULTS, _prepare, _setup_django  # noqa: E402


def _requests(fixture: dict):
    """(name, method, path, params or body, auth): the locustfile's requests."""
    rng = random.Random(7)  # noqa: S311 - benchmark data
    agent, boss = fixture["agents"][0], fixture["supervisors"][0]

    def customer():
        return rng.choice(fixture["customers"])

    def _cti(event: str):
        """One call's event; the events before it (untimed) come first, as the PBX sends."""
        key = f"profile-{uuid.uuid4().hex[:12]}"
        url = f"/api/v1/cti/{fixture['cti_token']}"
        bodies = {
            "newCall": {
                "from": rng.choice(fixture["phones"]),
                "to": "4008001234",
                "direction": "in",
            },
            "answer": {"answeringNumber": agent["username"], "user": agent["username"]},
            "hangup": {"cause": "normalClearing"},
        }
        order = list(bodies)
        before = [
            ("post", url, {"event": e, "callId": key, **bodies[e]}, None)
            for e in order[: order.index(event)]
        ]
        return ("post", url, {"event": event, "callId": key, **bodies[event]}, None, before)

    def _ticket_of(account: dict) -> int:
        from kefu.tickets.models import Ticket

        return (
            Ticket.objects.filter(first_responder__username=account["username"])
            .order_by("-pk")
            .values_list("pk", flat=True)[0]
        )

    return {
        "health (baseline)": lambda: ("get", "/api/v1/health", None, None),
        "search customers": lambda: (
            "get",
            "/api/v1/customers",
            {"q": rng.choice(fixture["search_terms"])},
            ("token", agent),
        ),
        "customer page": lambda: ("get", f"/customers/{customer()}/", None, ("session", agent)),
        "record ticket": lambda: (
            "post",
            "/api/v1/tickets",
            {
                "kind": "inquiry",
                "channel": "phone",
                "customer_id": customer(),
                "description": "咨询",
            },
            ("token", agent),
        ),
        "record contact": lambda: (
            "post",
            f"/api/v1/tickets/{_ticket_of(agent)}/contacts",
            {"channel": "phone", "note": "客户来电催办"},
            ("token", agent),
        ),
        "cti newCall": lambda: _cti("newCall"),
        "cti answer": lambda: _cti("answer"),
        "cti hangup": lambda: _cti("hangup"),
        "queue page": lambda: ("get", "/tickets/", None, ("session", boss)),
        "queue api": lambda: ("get", "/api/v1/tickets", {"queue": "department"}, ("token", boss)),
        "KPI scorecard": lambda: (
            "get",
            "/reports/scorecard/",
            {"month": fixture["kpi_month"]},
            ("session", boss),
        ),
        "KPI definitions": lambda: ("get", "/reports/kpis/", None, ("session", boss)),
    }


# How often each request comes in the locust mix (bench/load/locustfile.py): agents (weight 8)
# run search 4, customer page 3, record ticket 2, record contact 1; the PBX (2) posts newCall,
# answer and hangup for each call; supervisors (1) run queue page 3, queue API 3, scorecard 2,
# KPI definitions 1; the monitor (1) polls health. Per 16 requests of the mix:
MIX = {
    "search customers": 8 * 4 / 10,
    "customer page": 8 * 3 / 10,
    "record ticket": 8 * 2 / 10,
    "record contact": 8 * 1 / 10,
    "cti newCall": 2,
    "cti answer": 2,
    "cti hangup": 2,
    "queue page": 3 / 9,
    "queue api": 3 / 9,
    "KPI scorecard": 2 / 9,
    "KPI definitions": 1 / 9,
    "health (baseline)": 1,
}


def _backend_cpu_ms() -> float | None:
    """CPU time of this connection's PostgreSQL backend (when the server runs here)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _call(client, fixture: dict, spec) -> int:
    method, path, data, auth, *before = spec
    for earlier in before[0] if before else ():
        _call(client, fixture, earlier)
    headers = {}
    client.cookies.clear()
    if auth and auth[0] == "token":
        headers["Authorization"] = f"Bearer {auth[1]['token']}"
    elif auth:
        client.cookies[fixture["session_cookie"]] = auth[1]["session"]
    if method == "post":
        r = client.post(path, data=data, content_type="application/json", headers=headers)
    else:
        r = client.get(path, data=data, headers=headers)
    return r.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--name", default="load_profile")
    parser.add_argument("--profile", default="", help="profile this request, not the slowest")
    args = parser.parse_args()
    url = os.environ.get("KEFU_DATABASE_URL", DEFAULT_DB)
    var_dir = tempfile.mkdtemp(prefix="kefu-profile-")
    _setup_django(
        {
            "KEFU_DATABASE_URL": url,
            "KEFU_VAR_DIR": var_dir,
            "KEFU_LOG_LEVEL": "WARNING",
            "KEFU_SECRET_KEY": "load-test-" + "x" * 40,
        }
    )
    from django.conf import settings
    from django.test import Client
    from pyinstrument import Profiler

    settings.ALLOWED_HOSTS = ["*"]
    fixture_path = Path(var_dir) / "fixture.json"
    scale = _prepare(fixture_path, agents=2, supervisors=2)
    fixture = json.loads(fixture_path.read_text())
    client = Client()
    specs = _requests(fixture)
    medians, cpu, database = {}, {}, {}
    for name, make in specs.items():
        for _ in range(3):  # warm caches and connections
            _call(client, fixture, make())
        times, cpus, db_ms = [], [], 0.0
        for _ in range(args.repeat):
            method, path, data, auth, *before = make()
            for earlier in before[0] if before else ():
                _call(client, fixture, earlier)
            db_before = _backend_cpu_ms()
            start, start_cpu = time.perf_counter(), time.process_time()
            status = _call(client, fixture, (method, path, data, auth))
            times.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - start_cpu) * 1000)
            db_after = _backend_cpu_ms()
            if db_before is not None and db_after is not None:
                db_ms += db_after - db_before
            if status >= 400:
                raise SystemExit(f"{name}: HTTP {status}")
        medians[name] = round(statistics.median(times), 2)
        cpu[name] = round(statistics.median(cpus), 2)
        database[name] = round(db_ms / args.repeat, 2)
    base = medians["health (baseline)"]
    for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(
            f"{name:<20} p50 {ms:8.2f} ms   {ms / base:6.1f}× health   CPU: Kefu "
            f"{cpu[name]:6.2f} ms, database {database[name]:5.2f} ms"
        )
    share = sum(MIX.values())
    mix_kefu = sum(MIX[n] * cpu[n] for n in MIX) / share
    mix_db = sum(MIX[n] * database[n] for n in MIX) / share
    print(
        f"the mix, weighted as locust sends it: {mix_kefu:.2f} ms of Kefu's CPU + "
        f"{mix_db:.2f} ms of the database's per request -> two free cores serve at most "
        f"{2000 / (mix_kefu + mix_db):.0f} req/s before the web server and the load generator"
    )
    slowest = args.profile or max(medians, key=medians.get)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(10):
        _call(client, fixture, specs[slowest]())
    profiler.stop()
    slug = slowest.replace(" ", "_").lower()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"profile-{slug}-{args.name}.txt").write_text(text)
    record = {
        "benchmark": "load_profile",
        "database": "postgresql",
        "scale": scale,
        "repeat": args.repeat,
        "unit": "milliseconds, median of sequential requests through the whole stack",
        "medians": medians,
        "cpu_ms": cpu,
        "database_cpu_ms": database,
        "mix_weights_per_16_requests": MIX,
        "mix_cpu_ms_per_request": {
            "kefu": round(mix_kefu, 2),
            "database": round(mix_db, 2),
            "two_cores_serve_at_most_req_s": round(2000 / (mix_kefu + mix_db)),
        },
        "baseline": "health (baseline)",
        "ratios_to_baseline": {k: round(v / base, 1) for k, v in medians.items()},
        "profiled": slowest,
    }
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    )
    print(f"profiled {slowest!r}: bench/results/profile-{slug}-{args.name}.txt")


if __name__ == "__main__":
    main()
