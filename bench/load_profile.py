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
        "cti newCall": lambda: (
            "post",
            f"/api/v1/cti/{fixture['cti_token']}",
            {
                "event": "newCall",
                "callId": f"profile-{uuid.uuid4().hex[:12]}",
                "from": rng.choice(fixture["phones"]),
                "to": "4008001234",
                "direction": "in",
            },
            None,
        ),
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


def _call(client, fixture: dict, spec) -> int:
    method, path, data, auth = spec
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
    medians = {}
    for name, make in specs.items():
        for _ in range(3):  # warm caches and connections
            _call(client, fixture, make())
        times = []
        for _ in range(args.repeat):
            spec = make()
            start = time.perf_counter()
            status = _call(client, fixture, spec)
            times.append((time.perf_counter() - start) * 1000)
            if status >= 400:
                raise SystemExit(f"{name}: HTTP {status}")
        medians[name] = round(statistics.median(times), 2)
    base = medians["health (baseline)"]
    for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{name:<20} p50 {ms:8.2f} ms   {ms / base:6.1f}× health")
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
