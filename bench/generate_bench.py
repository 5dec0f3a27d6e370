"""Data generator speed (issue 9): ``kefu generate`` rows per second by table, beside the
bulk path the benchmarks used before it (Django's ``bulk_create`` in batches of 5,000) writing
plain call records into the same table in the same run.

    python bench/generate_bench.py --customers 100000 --tickets 200000 --calls 1000000
    KEFU_DATABASE_URL=postgres://... python bench/generate_bench.py \\
        --customers 1000000 --tickets 2000000 --calls 10000000

SQLite in a temporary folder unless ``KEFU_DATABASE_URL`` is set (use a scratch database:
rows are added). Prints each table's rows/s, the whole run's rows/s and minutes, the minutes
1M customers, 2M tickets and 10M calls take at the measured rates, and the ratio of the
generator's call rows/s to ``bulk_create``'s. Writes bench/results/generate-<database>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402

TARGET = {"customers": 1_000_000, "tickets": 2_000_000, "calls": 10_000_000}


def _setup() -> None:
    if not os.environ.get("KEFU_DATABASE_URL"):
        os.environ.setdefault("KEFU_VAR_DIR", tempfile.mkdtemp(prefix="kefu-generate-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    import django

    django.setup()


def baseline_bulk_create(count: int) -> dict:
    """Plain call records by ``bulk_create(batch_size=5000)``: the old benchmarks' path."""
    from django.db import transaction
    from django.utils import timezone

    from kefu.callcenter.models import CallRecord

    now = timezone.now()
    rows = [
        CallRecord(
            key=f"base-{i}",
            source="cti",
            caller=f"138{i:08d}",
            callee="96345",
            enter_at=now - dt.timedelta(seconds=i),
            end_at=now,
            wait_seconds=10,
            talk_seconds=100,
            disposition="answered",
            created_at=now,
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        CallRecord.objects.bulk_create(rows, batch_size=5000)
    seconds = time.perf_counter() - started
    CallRecord.objects.filter(key__startswith="base-").delete()
    return {"rows": count, "seconds": round(seconds, 2), "rows_per_s": round(count / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--baseline-calls", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.core.generate import ensure_organisation, generate

    call_command("migrate", verbosity=0)
    ensure_organisation(seed=args.seed, full_demo=False)  # not timed: the organisation
    base = baseline_bulk_create(args.baseline_calls)
    started = time.perf_counter()
    result = generate(
        customers=args.customers,
        tickets=args.tickets,
        calls=args.calls,
        seed=args.seed,
        progress=not args.no_progress,
        demo=False,
    )
    wall = time.perf_counter() - started
    per_table = {}
    for name, seconds in result.seconds.items():
        rows = result.counts.get(name, 0)
        per_table[name] = {
            "rows": rows,
            "seconds": seconds,
            "rows_per_s": round(rows / seconds) if rows and seconds else None,
        }
    # Tickets carry their events and callback tasks; customers their search index rows.
    rates = {k: args.__dict__[k] / result.seconds[k] for k in TARGET if result.seconds.get(k)}
    # The rest of the run (surveys, waiting for the indexes and keys made on a second
    # connection while the next table was generated, statistics) grows with the rows too.
    rest = max(0.0, wall - sum(result.seconds.get(k, 0) for k in TARGET))
    scale = sum(TARGET.values()) / max(1, sum(args.__dict__[k] for k in TARGET))
    at_target = (
        (sum(TARGET[k] / r for k, r in rates.items()) + rest * scale) / 60
        if len(rates) == 3
        else None
    )
    calls_rate = per_table.get("calls", {}).get("rows_per_s")
    ratio = round(calls_rate / base["rows_per_s"], 2) if calls_rate else None
    report = {
        "benchmark": "generate",
        "database": connection.vendor,
        "asked": {k: args.__dict__[k] for k in TARGET},
        "counts": result.counts,
        "tables": per_table,
        "index_rebuild_seconds": result.index_seconds,
        "rows": result.rows,
        "seconds": round(wall, 1),
        "minutes": round(wall / 60, 2),
        "rows_per_s": round(result.rows / wall),
        "minutes_for_1m_customers_2m_tickets_10m_calls": round(at_target, 1) if at_target else None,
        "baseline_bulk_create_calls": base,
        "ratio_calls_generate_over_bulk_create": ratio,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "date": dt.date.today().isoformat(),  # noqa: DTZ011
    }
    print(f"\nkefu generate on {report['database']}: {result.rows:,} rows in {wall:.1f} s "
          f"({report['rows_per_s']:,} rows/s)")  # fmt: skip
    for name, t in per_table.items():
        rate = f"{t['rows_per_s']:>10,} rows/s" if t["rows_per_s"] else ""
        print(f"  {name:<10}{t['rows']:>12,} rows {t['seconds']:>8.1f} s {rate}")
    print(f"  (rebuilding indexes and keys: {result.index_seconds:.1f} s, on PostgreSQL on a "
          "second connection while the next table is generated)")  # fmt: skip
    print(f"baseline bulk_create of {base['rows']:,} calls: {base['rows_per_s']:,} rows/s; "
          f"ratio generator calls / bulk_create: {ratio}")  # fmt: skip
    if at_target:
        print(f"at these rates 1M customers + 2M tickets + 10M calls take {at_target:.1f} min "
              "(the rest of the run scaled with the rows)")  # fmt: skip
    out = results_dir() / f"generate-{report['database']}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
