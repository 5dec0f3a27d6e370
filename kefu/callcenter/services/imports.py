"""Importing call records (R-CC-2): parse, then bulk-write in batches; a file twice adds nothing."""

from __future__ import annotations

import gc
import io
import queue
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.callcenter import importers
from kefu.callcenter.importers import ImportInputError, ParsedCall, agent_key
from kefu.callcenter.models import (
    CallRecord,
    Direction,
    ImportJob,
    ImportStatus,
)
from kefu.callcenter.services.lookups import (
    _customers_by_phone,
    _hotline_ids,
    _queue_ids,
    agents_by_label,
    phone_key,
)
from kefu.errors import ValidationFailed
from kefu.org.permissions import check

_INSERT_BATCH = 20_000
# Columns an import writes, in order; the rest keep their defaults (NULL).
_IMPORT_COLUMNS = (
    "key", "source", "direction", "caller", "callee", "hotline", "queue", "agent",
    "agent_label", "enter_at", "answer_at", "end_at", "wait_seconds", "talk_seconds",
    "disposition", "abandoned", "ring_no_answer", "blocked", "customer", "recording",
    "cti_users", "created_at",
)  # fmt: skip
# Numbers whose phone_key() is themselves whether valid or not: CN mobiles, and fixed lines
# of the 010 and 02x areas written with the trunk 0 (checked against phonenumbers).
_SELF_KEYED = re.compile(r"1[3-9]\d{9}|0(?:10|2\d)\d{8}")


class _CallWriter:
    """Writes parsed calls in batches inside the caller's transaction, each call once.

    Rows go to the database by its fastest bulk path: PostgreSQL COPY into a temporary table
    then ``INSERT … ON CONFLICT (key) DO NOTHING``; SQLite ``executemany`` of ``INSERT … ON
    CONFLICT (key) DO NOTHING``. A call already there (an earlier file, a live event, a
    repeat within the file) is counted as known, never written twice.
    """

    def __init__(self, batch: int = _INSERT_BATCH) -> None:
        self.batch = batch
        self.pending: dict[str, ParsedCall] = {}
        self.found = self.added = 0
        self.hotlines = _hotline_ids()
        self.agents = agents_by_label()
        self.queues: dict[str, int] = {}
        self.phone_keys: dict[str, str] = {}
        self.agent_keys: dict[str, int | None] = {}
        self.customers: dict[str, int | None] = {}
        meta = CallRecord._meta
        self.table = meta.db_table
        self.columns = [meta.get_field(name).column for name in _IMPORT_COLUMNS]
        self.vendor = connection.vendor
        self.temp_ready = False
        # One writer thread inserts a batch while this thread parses the next: the database's
        # work (SQLite and psycopg let go of the GIL) overlaps Python's. Both use the one
        # connection, never at once (``lock``).
        self.lock = threading.Lock()
        self.outbox: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=1)
        self.thread: threading.Thread | None = None
        self.raw = None
        self.failure: BaseException | None = None

    def add(self, call: ParsedCall) -> None:
        self.found += 1
        key = call.key[:200]
        if key in self.pending:
            return  # the same call twice in one batch: the first one stands
        self.pending[key] = call
        if len(self.pending) >= self.batch:
            self.flush()

    @property
    def known(self) -> int:
        return self.found - self.added

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
        if label not in self.agent_keys:
            if len(self.agent_keys) > 100_000:
                self.agent_keys.clear()
            self.agent_keys[label] = self.agents.get(agent_key(label))
        return self.agent_keys[label]

    def _rows(self, calls: list[ParsedCall]) -> list[tuple]:
        names = {c.queue_name[:80] for c in calls if c.queue_name} - self.queues.keys()
        if names:
            self.queues.update(_queue_ids(names))
        parties = [
            self._phone_key(c.caller if c.direction == Direction.IN else c.callee) for c in calls
        ]
        cache = self.customers
        wanted = {p for p in parties if p and p not in cache}
        if wanted:
            if len(cache) + len(wanted) > 200_000:
                cache.clear()  # bounded: numbers seen before are asked again, that is all
            found = _customers_by_phone(wanted)
            for number in wanted:
                cache[number] = found.get(number)
        customers = cache
        hotlines, queues = self.hotlines, self.queues
        sqlite = self.vendor == "sqlite"
        stamp = _db_time if sqlite else _same
        now = stamp(timezone.now())
        empty_list = "[]"
        rows = []
        for call, party in zip(calls, parties, strict=True):
            hotline = None
            if call.hotline_number:
                hotline = hotlines.get(call.hotline_number) or hotlines.get(
                    self._phone_key(call.hotline_number)
                )
            talk = call.talk_seconds
            rows.append((
                call.key[:200], call.source, call.direction, call.caller[:64], call.callee[:64],
                hotline, queues.get(call.queue_name[:80]), self._agent(call.agent_label),
                call.agent_label[:120], stamp(call.enter_at),
                None if call.answer_at is None else stamp(call.answer_at),
                None if call.end_at is None else stamp(call.end_at),
                max(0, call.wait_seconds), None if talk is None else max(0, talk),
                call.disposition, call.abandoned, min(max(call.ring_no_answer, 0), 32767),
                False, customers.get(party), call.recording[:500], empty_list, now,
            ))  # fmt: skip
        return rows

    def flush(self) -> None:
        """Hand the pending calls to the writer thread, which inserts them while the next
        batch is read. Waits when the thread still has a batch queued (memory stays bounded)."""
        if not self.pending:
            return
        calls = list(self.pending.values())
        self.pending = {}
        with self.lock:
            rows = self._rows(calls)
        if self.thread is None:
            connection.ensure_connection()
            self.raw = connection.connection  # the same connection, so the same transaction
            self.thread = threading.Thread(target=self._drain, name="kefu-call-import", daemon=True)
            self.thread.start()
        self._raise_failure()
        self.outbox.put(rows)

    def close(self) -> None:
        """Write what is pending and wait for the writer thread; its error is raised here."""
        self.flush()
        if self.thread is not None:
            self.outbox.put(None)
            self.thread.join()
            self.thread = None
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure

    def _drain(self) -> None:
        while (rows := self.outbox.get()) is not None:
            if self.failure is not None:
                continue  # drain so the reader never blocks; the error is raised in close()
            try:
                with self.lock:
                    self.added += self._insert(rows)
            except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
                self.failure = exc

    def _insert(self, rows: list[tuple]) -> int:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        table = quote(self.table)
        key = quote(CallRecord._meta.get_field("key").column)
        if self.vendor == "postgresql":
            return self._copy(rows, table, columns, key)
        cursor = self.raw.cursor()  # the DB-API cursor: no per-row wrapping
        try:
            if self.vendor == "sqlite":
                marks = ", ".join(["?"] * len(self.columns))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"  # noqa: S608, E501 - names from the model
                cursor.executemany(sql, rows)
                return cursor.rowcount
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({key}) DO NOTHING"  # noqa: S608, E501 - names from the model
            added = 0
            for row in rows:
                cursor.execute(sql, row)
                added += cursor.rowcount
            return added
        finally:
            cursor.close()

    def _copy(self, rows: list[tuple], table: str, columns: str, key: str) -> int:
        temp = "kefu_call_import"
        with self.raw.cursor() as cursor:
            if not self.temp_ready:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {columns} FROM {table} WITH NO DATA"
                )
                self.temp_ready = True
            cursor.execute(f"TRUNCATE {temp}")
            with cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} "  # noqa: S608
                f"ON CONFLICT ({key}) DO NOTHING"
            )
            return cursor.rowcount


def _same(value: datetime) -> datetime:
    return value


def _db_time(value: datetime) -> str:
    """An aware time as Django stores it in SQLite: naive UTC, ``str()`` form."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return str(value.replace(tzinfo=None))


def _write_calls(calls: Iterable[ParsedCall], writer: _CallWriter) -> tuple[int, int, int]:
    """Insert the calls not yet known, inside the caller's transaction.

    Returns (calls found, added, already known)."""
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived objects without cycles: the collector only costs
    try:
        for call in calls:
            writer.add(call)
        writer.close()
    finally:
        if writer.thread is not None:  # an error while reading: stop the writer, then raise
            writer.outbox.put(None)
            writer.thread.join()
        if collecting:
            gc.enable()
    return writer.found, writer.added, writer.known


def _default_zone():
    return ZoneInfo(settings.TIME_ZONE)


def _parse(
    fmt: str, content: bytes | BinaryIO, mapping: str, progress=None
) -> tuple[importers.ParseResult, Iterable[ParsedCall]]:
    """The parse result (counts, bad lines) and the calls; a queue_log streams its calls
    as they are read, the other formats are read whole."""
    try:
        if fmt == "queue-log":
            lines = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
            result = importers.ParseResult()
            return result, importers.iter_queue_log(lines, result, progress=progress)
        if not isinstance(content, bytes | bytearray):
            content = content.read()
        result = importers.parse(
            fmt, content, mapping=mapping, default_zone=_default_zone(), progress=progress
        )
        return result, result.calls
    except ImportInputError as exc:
        raise ValidationFailed.on(exc.parameter, f"{exc.parameter}: {exc.message}") from None


def _check_request(fmt: str, mapping: str) -> None:
    if fmt not in importers.FORMATS:
        raise ValidationFailed.on(
            "format",
            _("Unknown format %(f)s; use one of %(all)s.")
            % {"f": fmt, "all": ", ".join(importers.FORMATS)},
        )
    if fmt == "csv":
        if not (mapping or "").strip():
            raise ValidationFailed.on("mapping", _("A CSV import needs a column mapping (TOML)."))
        try:
            importers.read_mapping(mapping)
        except ImportInputError as exc:
            raise ValidationFailed.on(exc.parameter, f"{exc.parameter}: {exc.message}") from None


def calls_import(
    *,
    actor,
    file_name: str,
    content: bytes | BinaryIO,
    fmt: str,
    mapping: str = "",
    progress: Callable[[int], None] | None = None,
    job: ImportJob | None = None,
) -> ImportJob:
    """R-CC-2: import one telephone-system file; each call once, bad lines reported.

    ``content`` is the file's bytes or a binary file object. The parser
    (:mod:`kefu.callcenter.importers`, pure) hands over calls which are written in batches by
    the database's bulk path, keyed by their unique id: importing the same file twice, or one
    that overlaps an earlier one or the live events, adds nothing twice. A queue_log is read
    and written as a stream, so memory does not grow with the file. All batches are one
    transaction: a file is imported whole or not at all.
    """
    check(actor, "callcenter.import")
    _check_request(fmt, mapping)
    with transaction.atomic():
        writer = _CallWriter()
        if progress is not None:
            report = progress

            def progress(lines: int) -> None:  # may write too: not while the writer does
                with writer.lock:
                    report(lines)

        result, calls = _parse(fmt, content, mapping, progress)
        found, added, known = _write_calls(calls, writer)
        fields = {
            "lines": result.lines,
            "calls_found": found,
            "added": added,
            "already_known": known,
            "incomplete": result.incomplete,
            "duplicate_lines": result.duplicate_lines,
            "bad_lines": [{"line": b.line, "reason": b.reason} for b in result.bad],
            "other_events": dict(result.other_events),
            "status": ImportStatus.DONE,
            "content": b"",
            "finished_at": timezone.now(),
        }
        if job is None:
            job = ImportJob.objects.create(
                file_name=file_name[:200],
                format=fmt,
                mapping=mapping,
                created_by=actor if getattr(actor, "pk", None) else None,
                **fields,
            )
        else:
            for name, value in fields.items():
                setattr(job, name, value)
            job.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=job,
            summary=_(
                "imported %(file)s: %(added)d calls added, %(known)d already known, "
                "%(bad)d bad lines"
            )
            % {"file": file_name, "added": added, "known": known, "bad": len(result.bad)},
        )
    return job


@transaction.atomic
def call_import_start(
    *, actor, file_name: str, content: bytes, fmt: str, mapping: str = ""
) -> ImportJob:
    """R-CC-2 from a page or the API: check the request now, import in the worker."""
    from kefu.callcenter.tasks import call_import

    check(actor, "callcenter.import")
    _check_request(fmt, mapping)
    if not content:
        raise ValidationFailed.on("file", _("The file is empty."))
    job = ImportJob.objects.create(
        file_name=file_name[:200],
        format=fmt,
        mapping=mapping,
        content=content,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=job,
        summary=_("call import of %(f)s started") % {"f": file_name},
    )
    transaction.on_commit(lambda: call_import(job.pk))
    return job


def call_import_run(job_id: int) -> None:
    """The worker's half of :func:`call_import_start`; a refusal marks the job failed."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.PENDING:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = job.created_by
    if actor is None:
        from kefu.org.permissions import SYSTEM

        actor = SYSTEM

    def progress(lines: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(lines=lines)

    try:
        calls_import(
            actor=actor,
            file_name=job.file_name,
            content=bytes(job.content),
            fmt=job.format,
            mapping=job.mapping,
            progress=progress,
            job=job,
        )
    except ValidationFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, message=str(exc.message), content=b""
        )
