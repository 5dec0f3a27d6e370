"""How an import moves calls from the file into the database fast (R-CC-2).

Two processes share the work of a big file: a forked **parser** reads the file (in big
blocks) and turns each call into a finished row (times already in the database's form,
customer, agent and hotline resolved from maps loaded before the fork), and hands rows over
in batches; this process, the **writer** (:mod:`~kefu.callcenter.services.import_writer`),
names the queues and writes each batch by the database's bulk path inside the caller's
transaction: SQLite ``executemany`` (with a bigger page cache while it runs), PostgreSQL a
binary ``COPY`` straight into the call table (foreign keys checked per batch, while the
parser works). On PostgreSQL the parser hands over a queue_log's call outcomes and the writer
finishes the rows: there the writer's process has time to spare while the server copies.

So parsing (Python) and writing (the database) run on two cores at once. A small input is
parsed in this process by the same code (a fork costs more than it saves). Nothing is
written outside the caller's transaction: if the parser reports an error, or the writer
fails, the caller's ``atomic()`` rolls the whole file back and the parser is stopped.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import queue as queue_module
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from django.db import connection

from kefu.callcenter import importers
from kefu.callcenter.importers import ImportInputError, ParsedCall, agent_key
from kefu.callcenter.importers.queue_log import iter_queue_log, queue_outcome
from kefu.callcenter.models import Direction
from kefu.callcenter.services.import_writer import (
    Writer,
)
from kefu.callcenter.services.lookups import _hotline_ids, agents_by_label, phone_key

BATCH = 20_000
FORK_BYTES = 4 << 20  # inputs smaller than this (or of unknown size) stay in this process
PRELOAD_CUSTOMERS = 500_000  # up to this many, all phones are mapped before the fork
SQLITE_CACHE_KIB = 64 * 1024  # SQLite's page cache while a big file is written
# Numbers whose phone_key() is themselves whether valid or not: CN mobiles, and fixed lines
# of the 010 and 02x areas written with the trunk 0 (checked against phonenumbers).
_SELF_KEYED = re.compile(r"1[3-9]\d{9}|0(?:10|2\d)\d{8}")


@dataclass
class Lookups:
    """Plain data the parser needs to finish rows; picklable, loaded before the fork."""

    vendor: str
    hotlines: dict[str, int]
    agents: dict[str, int]
    customers: dict[str, int] | None  # phone -> customer; None: the writer asks per batch


def load_lookups(*, preload_customers: bool) -> Lookups:
    customers = None
    if preload_customers:
        from kefu.customers.models import Customer

        live = Customer.objects.filter(merged_into__isnull=True)
        if live.count() <= PRELOAD_CUSTOMERS:
            customers = {}
            for pk, phone, alt in live.order_by("pk").values_list("pk", "phone", "phone_alt"):
                for number in (phone, alt):
                    if number:
                        customers.setdefault(number, pk)
    vendor = connection.vendor
    return Lookups(
        vendor=vendor,
        hotlines=_hotline_ids(),
        agents=agents_by_label(),
        customers=customers,
    )


class RowMaker:
    """ParsedCall -> a list in :data:`IMPORT_COLUMNS` order; queue by name (the writer gives
    it its id) and the customer by id, or by phone when the writer looks customers up."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.phone_keys: dict[str, str] = {}
        self.agent_ids: dict[str, int | None] = {}
        self.naive = lookups.vendor == "sqlite"  # SQLite: naive UTC, as Django stores it
        self.binary = lookups.vendor == "postgresql"  # binary COPY: times stay datetimes
        self.times: dict[int, str | datetime] = {}

    def _phone_key(self, number: str) -> str:
        if _SELF_KEYED.fullmatch(number):
            return number
        found = self.phone_keys.get(number)
        if found is None:
            if len(self.phone_keys) > 100_000:
                self.phone_keys.clear()
            found = self.phone_keys[number] = phone_key(number)
        return found

    def _agent(self, label: str) -> int | None:
        if not label:
            return None
        found = self.agent_ids.get(label, -1)
        if found == -1:
            if len(self.agent_ids) > 100_000:
                self.agent_ids.clear()
            found = self.agent_ids[label] = self.lookups.agents.get(agent_key(label))
        return found

    def _time(self, value: datetime | None) -> str | datetime | None:
        if value is None or self.binary:
            return value
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        text = value.isoformat(" ")  # "2024-01-31 08:00:00+00:00"
        return text[:-6] if self.naive else text

    def _epoch_time(self, epoch: int) -> str | datetime:
        text = self.times.get(epoch)
        if text is None:
            if len(self.times) > 100_000:
                self.times.clear()
            moment = datetime.fromtimestamp(epoch, UTC)
            if self.binary:
                text = self.times[epoch] = moment
            else:
                text = moment.isoformat(" ")
                text = self.times[epoch] = text[:-6] if self.naive else text
        return text

    def queue_row(self, key: str, events: list[tuple]) -> list | None:
        """A queue_log call's events -> its row, with no ParsedCall or datetime between."""
        o = queue_outcome(key, events)
        return None if o is None else self.outcome_row(o)

    def outcome_row(self, o: tuple) -> list:
        """A :func:`queue_outcome` -> the call's row (``LAYOUTS["queue-log"]``)."""
        (key, entered, answer, end, wait, talk, disposition, abandoned, queue, caller,
         hotline_number, agent, rung) = o  # fmt: skip
        lookups = self.lookups
        party = self._phone_key(caller)
        customers = lookups.customers
        customer = party or None if customers is None else customers.get(party)
        hotline = None
        if hotline_number:
            hotline = lookups.hotlines.get(hotline_number) or lookups.hotlines.get(
                self._phone_key(hotline_number)
            )
        time = self._epoch_time
        return [  # LAYOUTS["queue-log"]
            key[:200], caller[:64], hotline, queue[:80] or None, self._agent(agent),
            agent[:120], time(entered), None if answer is None else time(answer),
            None if end is None else time(end), wait, talk, disposition, abandoned,
            min(rung, 32767), customer,
        ]  # fmt: skip

    def row(self, call: ParsedCall) -> list:
        lookups = self.lookups
        party = self._phone_key(call.caller if call.direction == Direction.IN else call.callee)
        customers = lookups.customers
        customer = party or None if customers is None else customers.get(party)
        hotline = None
        if call.hotline_number:
            hotline = lookups.hotlines.get(call.hotline_number) or lookups.hotlines.get(
                self._phone_key(call.hotline_number)
            )
        talk = call.talk_seconds
        return [  # LAYOUTS["any"]
            call.key[:200], call.source, call.direction, call.caller[:64], call.callee[:64],
            hotline, call.queue_name[:80] or None, self._agent(call.agent_label),
            call.agent_label[:120], self._time(call.enter_at), self._time(call.answer_at),
            self._time(call.end_at), max(0, call.wait_seconds),
            None if talk is None else max(0, talk), call.disposition, call.abandoned,
            min(max(call.ring_no_answer, 0), 32767), customer, call.recording[:500],
        ]  # fmt: skip


# ---------------------------------------------------------------------------- the parser


def _rows(
    fmt: str, content: bytes | BinaryIO, mapping: str, default_zone, progress, result, make
) -> Iterable[list]:
    """Finished rows from the file; a queue_log goes from events to rows (or outcomes)
    directly, through ``make``."""
    if fmt == "queue-log":
        lines = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
        return iter_queue_log(lines, result, progress=progress, make=make.queue_row)
    if not isinstance(content, bytes | bytearray):
        content = content.read()
    parsed = importers.parse(
        fmt, content, mapping=mapping, default_zone=default_zone, progress=progress
    )
    for name in ("bad", "lines", "duplicate_lines", "incomplete", "other_events"):
        setattr(result, name, getattr(parsed, name))
    return map(make.row, parsed.calls)


def produce(
    fmt: str,
    content: bytes | BinaryIO,
    mapping: str,
    default_zone,
    lookups: Lookups,
    emit: Callable[[tuple], None],
    *,
    outcomes: bool = False,
) -> dict:
    """Parse, emit ``("rows", [...], layout)`` batches (each key once per batch) and
    ``("progress", lines)``; return the summary (lines, bad lines, calls found, …).

    With ``outcomes`` a queue_log's calls go out as :func:`queue_outcome` tuples
    (``"outcomes"``) for the writer to finish: on PostgreSQL the writer's process has time
    to spare while the database copies, the parser has none."""
    result = importers.ParseResult()
    maker = RowMaker(lookups)
    layout = "queue-log" if fmt == "queue-log" else "any"
    kind = "rows"
    if outcomes and fmt == "queue-log":
        kind, maker.queue_row = "outcomes", queue_outcome
    found = 0
    rows: list[list] = []
    keys: set[str] = set()
    for row in _rows(
        fmt, content, mapping, default_zone, lambda n: emit(("progress", n)), result, maker
    ):
        found += 1
        key = row[0]
        if key in keys:
            continue  # the same call twice in one batch: the first one stands
        keys.add(key)
        rows.append(row)
        if len(rows) >= BATCH:
            emit((kind, rows, layout))
            rows, keys = [], set()
    if rows:
        emit((kind, rows, layout))
    return {
        "found": found,
        "lines": result.lines,
        "bad": [(b.line, b.reason) for b in result.bad],
        "duplicate_lines": result.duplicate_lines,
        "incomplete": result.incomplete,
        "other_events": dict(result.other_events),
    }


def _parser_process(out, fmt, content, mapping, default_zone, lookups, outcomes) -> None:
    """The forked parser: never touches the database (the connection is the writer's)."""
    gc.disable()  # millions of short-lived objects without cycles: the collector only costs
    try:
        summary = produce(fmt, content, mapping, default_zone, lookups, out.put, outcomes=outcomes)
        out.put(("done", summary))
    except ImportInputError as exc:
        out.put(("input", exc.parameter, exc.message))
    except BaseException:  # noqa: BLE001 - reported to the writer, which raises it
        out.put(("crash", traceback.format_exc()))
    finally:
        out.close()
        out.join_thread()


# ---------------------------------------------------------------------------- the writer


def _size(content: bytes | BinaryIO) -> int:
    if isinstance(content, bytes | bytearray):
        return len(content)
    try:
        return max(0, _fstat_size(content) - content.tell())
    except (OSError, AttributeError, ValueError):
        return 0


def _fstat_size(stream) -> int:
    import os

    return os.fstat(stream.fileno()).st_size


def run(
    fmt: str,
    content: bytes | BinaryIO,
    mapping: str,
    default_zone,
    progress: Callable[[int], None] | None,
) -> tuple[dict, int]:
    """Import ``content`` inside the caller's transaction: (parse summary, calls added).

    Raises :class:`ImportInputError` for a file or mapping that cannot be read at all."""
    forked = _size(content) >= FORK_BYTES and "fork" in multiprocessing.get_all_start_methods()
    lookups = load_lookups(preload_customers=forked)
    collecting = gc.isenabled()
    gc.disable()  # as in the parser: no cycles among the rows, the collector only costs
    cache = _sqlite_cache(-SQLITE_CACHE_KIB) if forked and lookups.vendor == "sqlite" else None
    checks_now = forked and lookups.vendor == "postgresql"
    if checks_now:  # foreign keys checked per batch, while the parser works, not at commit
        _constraints("IMMEDIATE")
    try:
        out = _run(fmt, content, mapping, default_zone, progress, forked, lookups)
        if checks_now:
            _constraints("DEFERRED")  # the rest of the caller's transaction as Django expects
        return out
    finally:
        if cache is not None:
            _sqlite_cache(cache)
        if collecting:
            gc.enable()


def _constraints(when: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS ALL {when}")


def _sqlite_cache(size: int) -> int:
    """Set SQLite's page cache for this connection (``PRAGMA cache_size``: negative KiB or
    positive pages); returns the previous setting. A big file updates the call table's
    indexes all over: a cache that holds them saves about a third of the write time."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {int(size)}")
    return int(previous)


class _CopyThread:
    """PostgreSQL: a second thread of the writer sends each prepared batch by COPY.

    While the server copies a batch and checks its foreign keys, this thread waits on the
    socket with the GIL released, so the writer's own thread finishes the next batch's rows
    meanwhile; without it the two took turns and the server sat idle while Python worked.
    Only the DB-API connection is used here, never Django's (which belongs to the writer's
    thread); psycopg's connection lock keeps the two threads' statements apart."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.jobs: queue_module.Queue = queue_module.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, name="kefu-call-copy", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None:  # after a failure the rest is only drained
                try:
                    self.writer.insert(*job)
                except BaseException as exc:  # noqa: BLE001 - raised in the writer's thread
                    self.error = exc

    def write(self, rows: list[list], layout: str) -> None:
        self._raise()
        self.writer.prepare(rows, layout)
        self.jobs.put((rows, layout))

    def close(self) -> None:
        """Wait for the batches handed over; raise what went wrong in them."""
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def _run(fmt, content, mapping, default_zone, progress, forked, lookups) -> tuple[dict, int]:
    writer = Writer(lookups.vendor, customers_known=lookups.customers is not None)
    outcomes = forked and lookups.vendor == "postgresql"
    finish = RowMaker(lookups).outcome_row
    sink = _CopyThread(writer) if outcomes else writer

    def handle(message: tuple) -> None:
        if message[0] == "rows":
            sink.write(message[1], message[2])
        elif message[0] == "outcomes":
            sink.write([finish(o) for o in message[1]], message[2])
        elif message[0] == "progress" and progress is not None:
            progress(message[1])

    if not forked:
        return produce(fmt, content, mapping, default_zone, lookups, handle), writer.added
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=4)
    parser = context.Process(
        target=_parser_process,
        args=(channel, fmt, content, mapping, default_zone, lookups, outcomes),
        name="kefu-call-parser",
        daemon=True,
    )
    parser.start()
    try:
        while True:
            try:
                message = channel.get(timeout=5)
            except queue_module.Empty:
                if not parser.is_alive():
                    raise RuntimeError("the call parser stopped without a word") from None
                continue
            if message[0] == "done":
                if sink is not writer:
                    sink.close()
                return message[1], writer.added
            if message[0] == "input":
                raise ImportInputError(message[1], message[2])
            if message[0] == "crash":
                raise RuntimeError(f"the call parser failed:\n{message[1]}")
            handle(message)
    finally:
        if parser.is_alive():
            parser.kill()
        parser.join()
        channel.close()
        if sink is not writer:
            try:
                sink.close()  # a batch in flight ends before the caller rolls back
            except BaseException:  # noqa: BLE001, S110 - the first error is being raised
                pass
