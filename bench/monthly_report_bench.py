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

The data are written straight into the tables in bulk (SQLite executemany, PostgreSQL COPY):
this measures the report, not the loading. Writes bench/results/monthly_report-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ZONE = ZoneInfo("Asia/Shanghai")
MONTH = dt.date(2026, 10, 1)

COMPLAINTS = [
    "楼上卫生间漏水，天花板渗水严重", "电梯经常停运，老人上下楼困难",
    "小区门口垃圾没人清理，气味很臭", "停车位被外来车辆占用，保安不管",
    "夜间施工噪音太大影响休息", "物业费收费标准不透明", "维修人员上门迟到还态度差",
    "热水器报修一周没人来修", "绿化带被破坏无人修复", "门禁卡失灵多次反映",
    "地下车库照明灯坏了很久", "快递柜占用消防通道", "楼道堆放杂物存在安全隐患", "客服电话打不通",
]  # fmt: skip
TAILS = ["，请尽快处理", "。已经多次反映", "，希望尽快解决", "！！", "，非常不满意", ""]


def _setup(var_dir: str) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    os.environ["KEFU_AXES_ENABLED"] = "false"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _copy_or_insert(table: str, columns: list[str], rows) -> None:
    """Bulk-write ``rows`` (tuples) into ``table``: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def _stamp():
    """How a timestamp is written in bulk: aware for PostgreSQL, UTC text for SQLite (as Django
    stores it there)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return lambda moment: moment
    return lambda moment: moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _moment(rng: random.Random) -> dt.datetime:
    """A time in the month following a daily curve: quiet nights, peaks at 10:00 and 15:00."""
    day = rng.randrange(31)
    hour = min(
        23, max(0, int(rng.choice((rng.gauss(10, 2), rng.gauss(15, 2.5), rng.uniform(0, 24)))))
    )
    return dt.datetime(2026, 10, 1 + day, hour, rng.randrange(60), rng.randrange(60), tzinfo=ZONE)


def _generate(tickets: int, calls: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from tqdm import tqdm

    from kefu.callcenter.models import CallRecord
    from kefu.core.demo import is_empty, load_demo
    from kefu.customers.models import Customer
    from kefu.org.models import Department, User
    from kefu.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    if is_empty():
        load_demo(seed=seed, steps=[])
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    departments = list(Department.objects.values_list("pk", flat=True))
    staff = list(User.objects.filter(department__isnull=False).values_list("pk", "department_id"))
    if Customer.objects.count() < 50000:
        Customer.objects.bulk_create(
            [
                Customer(
                    name=f"客户{i}", phone=f"139{i:08d}", department_id=rng.choice(departments)
                )
                for i in range(50000)
            ],
            batch_size=5000,
        )
    first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    have = Ticket.objects.count()
    kinds = ["inquiry", "service_request", "complaint", "fault", "demand", "suggestion"]
    columns = [
        "number", "kind", "channel", "priority", "is_major", "title", "description",
        "customer_id", "phone", "first_responder_id", "owner_id", "department_id", "state",
        "paused_from", "resolution", "resolved_at_first_contact", "repeat_contacts", "clock",
        "response_due", "resolution_due", "paused_seconds", "response_breached",
        "resolution_breached", "escalation_level", "department_transfers", "callback_note",
        "appointment_missed", "charged_total", "paid_total", "created_at", "resolved_at",
        "version", "updated_at", "idempotency_key",
    ]  # fmt: skip

    ts = _stamp()

    def ticket_rows(start: int, n: int):
        for i in range(start, start + n):
            person, dept = rng.choice(staff)
            created = _moment(rng)
            kind = rng.choice(kinds)
            text = (
                rng.choice(COMPLAINTS) + rng.choice(TAILS)
                if kind == "complaint"
                else "客户来电咨询"
            )
            resolved = (
                created + dt.timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.8 else None
            )
            yield (
                f"M{i:010d}", kind, "phone", "normal", False, text[:30], text,
                first_customer + rng.randrange(50000), "", person, person, dept,
                "closed" if resolved else "open", "", "", rng.random() < 0.6, 0, "business",
                ts(created + dt.timedelta(hours=1)), ts(created + dt.timedelta(days=3)), 0,
                rng.random() < 0.05, rng.random() < 0.08, 0, 0, "", False, 0, 0, ts(created),
                ts(resolved) if resolved else None, 1, ts(created), "",
            )  # fmt: skip

    batch = 50000
    with tqdm(total=tickets, initial=min(have, tickets), desc="tickets") as bar:
        while have < tickets:
            n = min(batch, tickets - have)
            with transaction.atomic():
                _copy_or_insert(Ticket._meta.db_table, columns, ticket_rows(have, n))
            have += n
            bar.update(n)
    have = CallRecord.objects.count()
    agents = [pk for pk, _ in staff]
    call_columns = [
        "key", "source", "direction", "caller", "callee", "agent_id", "agent_label", "enter_at",
        "answer_at", "end_at", "wait_seconds", "talk_seconds", "disposition", "abandoned",
        "ring_no_answer", "blocked", "recording", "cti_users", "created_at",
    ]  # fmt: skip

    def call_rows(start: int, n: int):
        for i in range(start, start + n):
            enter = _moment(rng)
            wait = int(rng.expovariate(1 / 15))
            answered = rng.random() < 0.9
            talk = int(rng.expovariate(1 / 180)) if answered else None
            end = enter + dt.timedelta(seconds=wait + (talk or 0))
            yield (
                f"bench-{i}", "queue_log", "in", f"138{rng.randrange(10**8):08d}", "95000",
                rng.choice(agents) if answered else None, "", ts(enter),
                ts(enter + dt.timedelta(seconds=wait)) if answered else None, ts(end), wait, talk,
                "answered" if answered else "abandoned", not answered, 0, False, "", "[]",
                ts(enter),
            )  # fmt: skip

    with tqdm(total=calls, initial=min(have, calls), desc="calls") as bar:
        while have < calls:
            n = min(batch * 4, calls - have)
            with transaction.atomic():
                _copy_or_insert(CallRecord._meta.db_table, call_columns, call_rows(have, n))
            have += n
            bar.update(n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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
    out = ROOT / "bench" / "results" / f"monthly_report-{result['database']}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
