"""Customer search benchmark (issue 3, R-CUS-9): the search index against a plain LIKE scan.

Run: ``.venv/bin/python bench/customer_search.py [--count 1000000] [--queries 200]``
(SQLite in a fresh file under ``bench/var/``), or with ``KEFU_DATABASE_URL=postgres://…``
set for PostgreSQL (the database is emptied of customers first: use a scratch database).

It generates ``--count`` realistic Chinese customers by ``kefu generate`` (kefu.core.generate:
names, mobile numbers, resident IDs with valid check digits, addresses in real districts,
company names; bulk COPY / executemany plus the same search index rows the services write),
then times ``customers.selectors.customer_search`` for each kind of query, fetching
the first page of 50 as the list page and the API do, and separately the total count the
pager shows. The baseline, in the same run on the same rows, is ``search_text LIKE '%q%'``
with the same ordering and limit: what search would be without the index.

Figures are p50/p95 in milliseconds; ratio = baseline p50 ÷ index p50. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
if not os.environ.get("KEFU_DATABASE_URL"):
    os.environ.setdefault("KEFU_VAR_DIR", str(ROOT / "bench" / "var" / "customer_search"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kefu.customers import search, selectors  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.org.permissions import SYSTEM  # noqa: E402

PAGE = 50
BATCH = 5000


def generate(count: int, seed: int) -> None:
    """Top the customers up to ``count`` by ``kefu generate`` (kefu.core.generate: the bulk
    path, indexed exactly as the services index)."""
    from kefu.core.generate import generate as kefu_generate

    existing = Customer.objects.count()
    kefu_generate(customers=max(0, count - existing), seed=seed, demo=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
    else:
        with connection.cursor() as cursor:
            table = search.TABLE
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608
            cursor.execute("ANALYZE")


def query_sets(queries: int, seed: int) -> dict[str, list[str]]:
    """Queries of each kind, drawn from real rows (plus misses), like people type them."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible test data
    top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = []
    while len(picks) < queries:
        pk = rng.randint(1, top)
        row = (
            Customer.objects.filter(pk=pk)
            .values("name", "phone", "company", "address", "id_number", "kind")
            .first()
        )
        if row:
            picks.append(row)
    persons = [p for p in picks if p["kind"] == "person"] or picks

    def cut(text: str, size: int) -> str:
        text = search.normalise(text)
        if len(text) <= size:
            return text
        start = rng.randint(0, len(text) - size)
        return text[start : start + size]

    return {
        "name, 2 chars (given name)": [p["name"][-2:] for p in persons],
        "name, full": [p["name"] for p in persons],
        "phone, last 4 digits": [p["phone"][-4:] for p in picks],
        "phone, 7 digits inside": [p["phone"][2:9] for p in picks],
        "phone, full": [p["phone"] for p in picks],
        "company, 4 chars": [cut(p["company"], 4) for p in picks if p["company"]],
        "address, 5 chars": [cut(p["address"], 5) for p in picks],
        "ID, last 6": [p["id_number"][-6:].lower() for p in picks],
        "miss (no match)": [
            f"{rng.choice('甲乙丙丁')}{rng.choice('戊己庚辛')}{rng.randint(10, 99)}" for _ in picks
        ],
    }


def _baseline(q: str):
    normalised = search.normalise(q)
    return Customer.objects.filter(
        merged_into__isnull=True, search_text__contains=normalised
    ).order_by("-pk")


def _time(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": round(statistics.median(ordered), 3), "p95": round(p95, 3), "n": len(ordered)}


def run(queries: dict[str, list[str]], baseline_queries: int) -> dict:
    results = {}
    for kind, qs in queries.items():
        page, count, base = [], [], []
        for q in qs:
            page.append(
                _time(
                    lambda q=q: list(
                        selectors.customer_search(SYSTEM, q).values_list("pk", flat=True)[:PAGE]
                    )
                )
            )
            count.append(_time(lambda q=q: selectors.customer_search(SYSTEM, q).count()))
        for q in qs[:baseline_queries]:
            base.append(_time(lambda q=q: list(_baseline(q).values_list("pk", flat=True)[:PAGE])))
        hits = selectors.customer_search(SYSTEM, qs[0]).count()
        results[kind] = {
            "example": qs[0],
            "example_hits": hits,
            "first_page": _stats(page),
            "count": _stats(count),
            "baseline_like": _stats(base),
            "ratio_p50": round(statistics.median(base) / max(statistics.median(page), 1e-6), 1),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument(
        "--baseline-queries", type=int, default=20, help="LIKE-scan queries per kind"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    have = Customer.objects.count()
    if have > args.count:
        raise SystemExit(
            f"the database already holds {have} customers (> --count); use a fresh one"
        )
    t0 = time.perf_counter()
    generate(args.count, args.seed)
    generated_s = time.perf_counter() - t0
    queries = query_sets(args.queries, args.seed)
    for qs in queries.values():  # warm the caches once, as a running server would be
        for q in qs[:5]:
            list(selectors.customer_search(SYSTEM, q)[:PAGE])
    results = run(queries, args.baseline_queries)

    vendor = connection.vendor
    version = (
        connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
        if vendor == "sqlite"
        else connection.pg_version
    )
    print(f"\nCustomer search, {args.count:,} customers, {vendor} {version}, {platform.machine()}")
    heads = [("hits", 9), ("page p50", 10), ("page p95", 10), ("count p50", 11)]
    heads += [("count p95", 11), ("LIKE p50", 10), ("ratio", 8)]
    print(f"{'query kind':<28}" + "".join(f"{h:>{w}}" for h, w in heads))
    for kind, r in results.items():
        print(
            f"{kind:<28}{r['example_hits']:>9}{r['first_page']['p50']:>10.2f}{r['first_page']['p95']:>10.2f}"
            f"{r['count']['p50']:>11.2f}{r['count']['p95']:>11.2f}{r['baseline_like']['p50']:>10.2f}{r['ratio_p50']:>7}x"
        )
    out = results_dir() / f"customer_search-{vendor}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "customers": args.count,
                "database": f"{vendor} {version}",
                "machine": platform.platform(),
                "python": sys.version.split()[0],
                "generated_this_run": args.count - have,
                "generate_seconds": round(generated_s, 1),
                "unit": "milliseconds",
                "page_size": PAGE,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
