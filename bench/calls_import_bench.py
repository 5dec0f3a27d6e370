"""Call import speed (issue 6, R-CC-2): a generated Asterisk queue_log through Kefu's import,
beside the raw bulk load of the same call rows into the same database in the same run.

    python bench/calls_import_bench.py                      # SQLite in a temp folder, 1M lines
    python bench/calls_import_bench.py --lines 10000000     # the issue's full size
    KEFU_DATABASE_URL=postgres://.../kefucalls python bench/calls_import_bench.py

Steps, all in one process:

1. Write an N-line queue_log to a temp file, streaming: calls arriving over time on four
   queues (DID, ENTERQUEUE, RINGNOANSWER, CONNECT, COMPLETECALLER/COMPLETEAGENT, ABANDON,
   EXITWITHTIMEOUT), agent events between them, a few repeated lines, 20,000 customers (made
   by ``kefu generate``, kefu.core.generate) whose numbers call in.
2. Ours: ``calls_import(..., fmt="queue-log")`` on the open file — the service behind
   ``kefu import-calls FILE --format queue-log`` — parsing, matching customers, queues and
   agents, and writing each call once. Rows/s = calls added / wall time.
3. Raw: the very rows step 2 wrote, read back (not timed) and loaded into an empty table
   shaped like the call table (same columns and indexes) by the database's own bulk path:
   SQLite ``executemany`` in one transaction, PostgreSQL ``COPY … FROM STDIN`` of the rows'
   text. Rows/s = rows / time of the load.

The ratio ours/raw is the figure the issue sets (≥ 0.5). Peak RSS is the process's high-water
mark (``resource.getrusage``) after step 2, before step 3 reads rows back. Rows with keys
starting ``bench-`` and the table ``bench_raw_calls`` are removed before and after.
Writes bench/results/calls_import-<database>.json (1M lines) or
calls_import-<database>-<N>m.json for other sizes.

On PostgreSQL the raw load goes into a table with the call table's indexes *and* foreign
keys (what Kefu's import must honour too); the load into the table without the foreign keys
(``LIKE … INCLUDING ALL`` copies none) is measured as well and reported beside it.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import results_dir  # noqa: E402

QUEUES = ("sales", "service", "complaints", "vip")
HOTLINES = ("4008001000", "4008002000", "95511")
AGENTS = [f"SIP/{1000 + i}" for i in range(120)]
RAW = "bench_raw_calls"


def _setup(var_dir: str) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kefu.settings"
    os.environ["KEFU_AXES_ENABLED"] = "false"
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generate(path: Path, lines: int, seed: int, customers: list[str]) -> dict:
    """An N-line queue_log in time order, written as it is made (memory stays small)."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    heap: list[tuple[int, int, str]] = []
    seq = written = calls = 0
    now = 1_700_000_000
    with path.open("w", encoding="utf-8", newline="\n") as out:

        def emit(line: str) -> None:
            nonlocal written
            out.write(line)
            written += 1
            if rng.random() < 0.001 and written < lines:  # a PBX writing a line twice
                out.write(line)
                written += 1

        while written < lines:
            now += rng.choice((0, 1, 1, 2, 3, 5))
            while heap and heap[0][0] <= now and written < lines:
                emit(heapq.heappop(heap)[2])
            if written >= lines:
                break
            if rng.random() < 0.03:
                agent = rng.choice(AGENTS)
                event = rng.choice(("PAUSE|", "UNPAUSE|", "ADDMEMBER|", "REMOVEMEMBER|"))
                emit(f"{now}|NONE|{rng.choice(QUEUES)}|{agent}|{event}\n")
                continue
            calls += 1
            seq += 1
            callid = f"bench-{now}.{seq}"
            queue = rng.choice(QUEUES)
            roll = rng.random()
            if roll < 0.7:
                caller = rng.choice(customers)
            elif roll < 0.9:
                caller = f"13{rng.randrange(10**9):09d}"
            else:
                caller = f"010{rng.randrange(10**8):08d}"

            def later(at: int, text: str, callid: str = callid, queue: str = queue) -> None:
                nonlocal seq
                seq += 1
                heapq.heappush(heap, (at, seq, f"{at}|{callid}|{queue}|{text}\n"))

            later(now, f"NONE|DID|{rng.choice(HOTLINES)}")
            later(now, f"NONE|ENTERQUEUE||{caller}|1")
            wait = int(rng.expovariate(1 / 25))
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
                later(now + rng.randint(0, wait), f"{rng.choice(AGENTS)}|RINGNOANSWER|15000")
            outcome = rng.random()
            if outcome < 0.85:
                agent = rng.choice(AGENTS)
                talk = int(rng.expovariate(1 / 240)) + 5
                later(now + wait, f"{agent}|CONNECT|{wait}|{callid}.1|3")
                end = rng.choice(("COMPLETECALLER", "COMPLETEAGENT"))
                later(now + wait + talk, f"{agent}|{end}|{wait}|{talk}|1")
            elif outcome < 0.95:
                later(now + wait, f"NONE|ABANDON|1|1|{wait}")
            else:
                later(now + 300, "NONE|EXITWITHTIMEOUT|1|1|300")
        while heap and written < lines:
            emit(heapq.heappop(heap)[2])
    return {"lines": written, "calls_started": calls}


def _prepare(count: int, seed: int) -> list[str]:
    """Clean up earlier runs; ``count`` customers by ``kefu generate`` (their numbers call in)."""
    from django.core.management import call_command
    from django.db import connection

    from kefu.callcenter.models import CallRecord
    from kefu.core.generate import generate as kefu_generate
    from kefu.customers.models import Customer

    call_command("migrate", verbosity=0)
    CallRecord.objects.filter(key__startswith="bench-").delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
        if connection.vendor == "postgresql":  # earlier runs' deleted rows: not ours to pay
            cursor.execute(f"VACUUM ANALYZE {CallRecord._meta.db_table}")
    kefu_generate(customers=max(0, count - Customer.objects.count()), seed=seed, demo=False)
    return list(Customer.objects.order_by("pk").values_list("phone", flat=True)[:count])


def run_ours(path: Path) -> dict:
    from kefu.callcenter.services import calls_import
    from kefu.org.permissions import SYSTEM

    started = time.perf_counter()
    with path.open("rb") as stream:
        job = calls_import(actor=SYSTEM, file_name=path.name, content=stream, fmt="queue-log")
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rows": job.added,
        "rows_per_s": round(job.added / seconds),
        "lines_per_s": round(job.lines / seconds),
        "lines": job.lines,
        "calls_found": job.calls_found,
        "already_known": job.already_known,
        "incomplete": job.incomplete,
        "duplicate_lines": job.duplicate_lines,
        "bad_lines": len(job.bad_lines),
        "customers_matched": _matched(),
    }


def _matched() -> int:
    from kefu.callcenter.models import CallRecord

    return CallRecord.objects.filter(key__startswith="bench-", customer__isnull=False).count()


def _columns() -> list[str]:
    from django.db import connection

    from kefu.callcenter.models import CallRecord
    from kefu.callcenter.services.imports import _IMPORT_COLUMNS

    meta = CallRecord._meta
    return [connection.ops.quote_name(meta.get_field(n).column) for n in _IMPORT_COLUMNS]


def run_raw_sqlite(chunk: int = 50_000) -> dict:
    """The same rows, read back untimed, loaded by executemany in one transaction."""
    from django.db import connection

    from kefu.callcenter.models import CallRecord

    table = CallRecord._meta.db_table
    cols = ", ".join(_columns())
    raw = connection.connection
    ddl = [
        sql
        for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", (table,)
        )
    ]
    for sql in ddl:  # the table and its indexes, renamed
        raw.execute(sql.replace(f'"{table}"', RAW).replace('INDEX "', f'INDEX "{RAW}_'))
    raw.commit()
    insert = f"INSERT INTO {RAW} ({cols}) VALUES ({', '.join('?' * len(_columns()))})"  # noqa: S608
    select = (
        f"SELECT id, {cols} FROM {table} WHERE key LIKE 'bench-%' AND id > ? ORDER BY id LIMIT ?"  # noqa: S608, E501
    )
    seconds = 0.0
    rows = 0
    last = 0
    raw.execute("BEGIN")
    while True:
        batch = raw.execute(select, (last, chunk)).fetchall()
        if not batch:
            break
        last = batch[-1][0]
        values = [r[1:] for r in batch]
        started = time.perf_counter()
        raw.executemany(insert, values)
        seconds += time.perf_counter() - started
        rows += len(values)
    started = time.perf_counter()
    raw.commit()
    seconds += time.perf_counter() - started
    return {
        "method": "sqlite3 executemany, one transaction",
        "seconds": round(seconds, 2),
        "rows": rows,
        "rows_per_s": round(rows / seconds),
    }


def run_raw_postgresql(work: Path) -> dict:
    """The same rows as COPY text, dumped untimed, loaded by COPY FROM STDIN."""
    from django.db import connection

    from kefu.callcenter.models import CallRecord

    table = CallRecord._meta.db_table
    cols = ", ".join(_columns())
    dump = work / "rows.copy"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {RAW} (LIKE {table} INCLUDING ALL)")
        with (
            dump.open("wb") as out,
            cursor.cursor.copy(
                f"COPY (SELECT {cols} FROM {table} WHERE key LIKE 'bench-%%' ORDER BY id) "  # noqa: S608
                "TO STDOUT"
            ) as copy,
        ):
            for block in copy:
                out.write(block)

    def load() -> tuple[int, float]:
        started = time.perf_counter()
        with connection.cursor() as cursor, dump.open("rb") as source:
            with cursor.cursor.copy(f"COPY {RAW} ({cols}) FROM STDIN") as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
            rows = cursor.rowcount
        return rows, time.perf_counter() - started

    plain_rows, plain = load()  # LIKE … INCLUDING ALL copies no foreign keys
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RAW}")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {RAW} ADD {definition}")
    rows, seconds = load()
    dump.unlink()
    return {
        "method": "COPY FROM STDIN (text), autocommit, into a table like the call table "
        "with its indexes and foreign keys",
        "seconds": round(seconds, 2),
        "rows": rows,
        "rows_per_s": round(rows / seconds),
        "without_foreign_keys": {
            "method": "the same COPY into the table without the foreign keys",
            "seconds": round(plain, 2),
            "rows": plain_rows,
            "rows_per_s": round(plain_rows / plain),
        },
    }


def _cleanup() -> None:
    from django.db import connection

    from kefu.callcenter.models import CallRecord

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
        cursor.execute(
            f"DELETE FROM {CallRecord._meta.db_table} WHERE key LIKE 'bench-%%'"  # noqa: S608
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="leave the rows and the raw table")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kefu-calls-bench-"))
    _setup(str(work / "var"))
    from django.db import connection

    vendor = connection.vendor
    customers = _prepare(args.customers, args.seed)
    log = work / "queue_log"
    started = time.perf_counter()
    made = generate(log, args.lines, args.seed, customers)
    generated = time.perf_counter() - started
    size = log.stat().st_size
    print(
        f"queue_log: {made['lines']:,} lines, {size / 1e6:.0f} MB, "
        f"{made['calls_started']:,} calls, written in {generated:.1f} s"
    )
    rss_before = _rss_mb()
    ours = run_ours(log)
    ours["peak_rss_mb"] = round(_rss_mb(), 1)
    ours["rss_before_import_mb"] = round(rss_before, 1)
    log.unlink()
    print(
        f"ours  kefu import (queue-log): {ours['rows']:>10,} rows in {ours['seconds']:>7.2f} s  "
        f"{ours['rows_per_s']:>9,} rows/s  ({ours['lines_per_s']:,} lines/s), "
        f"peak RSS {ours['peak_rss_mb']:.0f} MB (before import {rss_before:.0f} MB)"
    )
    raw = run_raw_sqlite() if vendor == "sqlite" else run_raw_postgresql(work)
    print(
        f"raw   {raw['method']}: {raw['rows']:>10,} rows in {raw['seconds']:>7.2f} s  "
        f"{raw['rows_per_s']:>9,} rows/s"
    )
    ratio = ours["rows_per_s"] / raw["rows_per_s"]
    print(f"ratio ours/raw: {ratio:.2f}  (target ≥ 0.5)")
    plain = raw.get("without_foreign_keys")
    if plain:
        raw["ratio_without_foreign_keys"] = round(ours["rows_per_s"] / plain["rows_per_s"], 3)
        print(
            f"      (raw without the foreign keys: {plain['rows_per_s']:,} rows/s, ratio "
            f"{raw['ratio_without_foreign_keys']:.2f})"
        )
    if not args.keep:
        _cleanup()
    result = {
        "benchmark": "calls_import",
        "database": vendor,
        "lines": made["lines"],
        "file_mb": round(size / 1e6, 1),
        "ours": ours,
        "raw": raw,
        "ratio": round(ratio, 3),
        "target_ratio": 0.5,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    if args.lines == 1_000_000:
        size = ""
    elif args.lines % 1_000_000 == 0:
        size = f"-{args.lines // 1_000_000}m"
    else:
        size = f"-{args.lines // 1000}k"
    out = results_dir() / f"calls_import-{vendor}{size}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
