"""Ticket speed (issue 4): create through the API with every rule, and load a filtered queue.

Each figure is printed beside a baseline measured in the same run on the same data and
the same endpoint stack (middleware, bearer authentication, django-ninja): a bench-only
endpoint that inserts one bare ticket row, and one that lists 50 bare rows. The ratio
says what Kefu's rules cost over the framework's own floor.

    python bench/tickets_bench.py --tickets 200000            # SQLite in a temp folder
    KEFU_DATABASE_URL=postgres://... python bench/tickets_bench.py --tickets 2000000

Writes bench/results/tickets-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402


def _setup(var_dir: str) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    os.environ["KEFU_AXES_ENABLED"] = "false"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.bench_urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _generate(tickets: int, seed: int) -> None:
    """The organisation, then customers and tickets by ``kefu generate`` (kefu.core.generate:
    the database's bulk path, data consistent with the rules), topped up to ``tickets``."""
    from django.core.management import call_command

    from kefu.core.generate import generate
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    have = Ticket.objects.count()
    if have >= tickets:
        return
    customers = max(1000, tickets // 4) - Customer.objects.count()
    generate(customers=max(0, customers), tickets=tickets - have, seed=seed, demo=False)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.content[:300]!r}")
    return times


def run(args) -> dict:
    from django.db import connection
    from django.test import Client

    from kefu.org.models import User
    from kefu.org.services import token_create
    from kefu.tickets.models import Ticket

    _generate(args.tickets, args.seed)
    agent = User.objects.get(username="agent")
    _token, key = token_create(actor=agent, user=agent, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    rng = random.Random(args.seed + 1)  # noqa: S311 - benchmark data
    phones = [f"137{rng.randrange(10**8):08d}" for _ in range(args.requests)]
    counter = iter(range(10**9))

    def create():
        body = {"kind": "inquiry", "channel": "phone", "description": "来电咨询",
                "phone": phones[next(counter) % len(phones)]}  # fmt: skip
        return client.post("/api/v1/tickets", body, content_type="application/json")

    def create_bare():
        return client.post("/bench-api/bare-ticket", {}, content_type="application/json")

    def queue_api():
        return client.get("/api/v1/tickets", {"queue": "department", "state": "open"})

    def queue_page():
        return client.get("/tickets/", {"queue": "department"})

    def list_bare():
        return client.get("/bench-api/bare-list")

    client.force_login(agent)
    for call in (create, create_bare, queue_api, queue_page, list_bare):
        _timed(call, 5)  # warm caches and connections
    results = {
        "create_api": _timed(create, args.requests),
        "create_bare": _timed(create_bare, args.requests),
        "queue_api": _timed(queue_api, args.requests),
        "queue_page": _timed(queue_page, args.requests),
        "list_bare": _timed(list_bare, args.requests),
    }
    summary = {
        name: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(_pct(v, 0.95), 2)}
        for name, v in results.items()
    }
    ratios = {
        "create_api / create_bare (p50)": round(
            summary["create_api"]["p50_ms"] / summary["create_bare"]["p50_ms"], 2
        ),
        "queue_api / list_bare (p95)": round(
            summary["queue_api"]["p95_ms"] / summary["list_bare"]["p95_ms"], 2
        ),
        "queue_page / list_bare (p95)": round(
            summary["queue_page"]["p95_ms"] / summary["list_bare"]["p95_ms"], 2
        ),
    }
    return {
        "benchmark": "tickets",
        "database": connection.vendor,
        "tickets": Ticket.objects.count(),
        "requests": args.requests,
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": time.strftime("%Y-%m-%d"),
        "figures": summary,
        "ratios": ratios,
        "targets": {"create_api p50 (PostgreSQL, 2M)": "< 30 ms", "queue p95": "< 100 ms"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--var-dir", default=None, help="keep the data here between runs")
    args = parser.parse_args()
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="kefu-bench-")
    _setup(var_dir)
    report = run(args)
    print(f"\nTickets benchmark — {report['database']}, {report['tickets']:,} tickets, "
          f"{report['requests']} requests each, {report['machine']}")  # fmt: skip
    print(f"{'':<14}{'p50 ms':>10}{'p95 ms':>10}")
    for name, figures in report["figures"].items():
        print(f"{name:<14}{figures['p50_ms']:>10}{figures['p95_ms']:>10}")
    for name, ratio in report["ratios"].items():
        print(f"ratio {name}: {ratio}")
    out = results_dir() / f"tickets-{report['database']}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
