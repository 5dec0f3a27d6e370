"""Monthly supervision report and KPI scorecard speed (issue 7, R-SUP-2, R-SUP-4).

Target: the report for a month with 1 million tickets and 10 million call records builds
in under 10 s on PostgreSQL and 30 s on SQLite; one department's scorecard page answers in
under 300 ms. Each figure is printed beside a baseline measured in the same run on the same
data: for the report, the floor of any report over that month (one COUNT of the month's
tickets and one of its calls); for the scorecard, the same page stack answering the health
endpoint.

    python bench/monthly_report_bench.py --tickets 100000 --calls 1000000   # SQLite, temp dir
    KEFU_DATABASE_URL=postgres://... python bench/monthly_report_bench.py \
        --tickets 1000000 --calls 10000000

The data are written by ``kefu generate`` (kefu.core.generate: SQLite executemany, PostgreSQL
COPY), all in the month: this measures the report, not the loading.
Writes bench/results/monthly_report-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
MONTH = dt.date(2026, 10, 1)


def _setup(var_dir: str) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    os.environ["KEFU_AXES_ENABLED"] = "false"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _generate(tickets: int, calls: int, seed: int) -> None:
    """The month's tickets and calls by ``kefu generate`` (kefu.core.generate: bulk COPY /
    executemany, realistic texts, the daily call curve), topped up to the counts asked."""
    from django.core.management import call_command

    from kefu.callcenter.models import CallRecord
    from kefu.core.generate import generate
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    end = dt.datetime(2026, 11, 1, tzinfo=ZONE)
    generate(
        customers=max(0, 50_000 - Customer.objects.count()),
        tickets=max(0, tickets - Ticket.objects.count()),
        calls=max(0, calls - CallRecord.objects.count()),
        seed=seed,
        days=31,
        end=end,
        demo=False,
    )


def _median_seconds(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def run(args) -> dict:
    from django.db import connection
    from django.test import Client

    from kefu.callcenter.models import CallRecord
    from kefu.core.periods import month_bounds
    from kefu.org.models import Department, User
    from kefu.reports.demo import load_schemes
    from kefu.reports.models import Scheme
    from kefu.reports.monthly import build_figures
    from kefu.tickets.models import Ticket

    if not Scheme.objects.exists():
        load_schemes()
    since, until = month_bounds(MONTH)

    def floor():
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until).count()
        CallRecord.objects.filter(enter_at__gte=since, enter_at__lt=until).count()

    base, base_runs = _median_seconds(floor, args.repeat)
    # The first look at a month counts its calls into daily facts (one pass over them);
    # later builds and scorecards read the facts. Measured apart, from nothing.
    from kefu.reports.facts import call_facts_ensure
    from kefu.reports.models import CallDayFact, FactMonth

    def facts_from_nothing():
        FactMonth.objects.all().delete()
        CallDayFact.objects.all().delete()
        call_facts_ensure(MONTH)

    facts, facts_runs = _median_seconds(facts_from_nothing, 1)
    report, report_runs = _median_seconds(lambda: build_figures(MONTH), args.repeat)
    client = Client()
    director = User.objects.get(username="director")
    client.force_login(director)
    dept = Department.objects.get(code="callcenter")
    url = f"/reports/scorecard/?unit=department&id={dept.pk}&month=2026-10"

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"scorecard page answered {response.status_code}")

    def health():
        if client.get("/api/v1/health").status_code != 200:
            raise SystemExit("health answered an error")

    page()  # warm
    card, card_runs = _median_seconds(page, args.repeat * 3)
    stack, stack_runs = _median_seconds(health, args.repeat * 3)
    return {
        "database": connection.vendor,
        "tickets_in_month": Ticket.objects.filter(
            created_at__gte=since, created_at__lt=until
        ).count(),
        "calls_in_month": CallRecord.objects.filter(
            enter_at__gte=since, enter_at__lt=until
        ).count(),
        "facts_first_count_s": round(facts, 3),
        "report_build_s": round(report, 3),
        "report_runs_s": [round(t, 3) for t in report_runs],
        "baseline_count_month_s": round(base, 3),
        "baseline_runs_s": [round(t, 3) for t in base_runs],
        "report_over_baseline": round(report / base, 2) if base else None,
        "scorecard_page_ms": round(card * 1000, 1),
        "scorecard_runs_ms": [round(t * 1000, 1) for t in card_runs],
        "baseline_health_ms": round(stack * 1000, 2),
        "scorecard_over_baseline": round(card / stack, 1) if stack else None,
        "targets": {"report_postgresql_s": 10, "report_sqlite_s": 30, "scorecard_ms": 300},
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100000)
    parser.add_argument("--calls", type=int, default=1000000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--var-dir", default=None, help="keep the SQLite data here between runs")
    args = parser.parse_args()
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="kefu-bench-report-")
    _setup(var_dir)
    _generate(args.tickets, args.calls, args.seed)
    result = run(args) | {"scale": {"tickets": args.tickets, "calls": args.calls}}
    for key, value in result.items():
        print(f"{key:28} {value}")
    out = results_dir() / f"monthly_report-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
