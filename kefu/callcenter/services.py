"""Every write of the call centre: imports, live events, hotlines, extensions, links, plays.

Each function checks the actor's permission first (R-SEC-3), writes atomically and records
the write in the audit trail (R-SEC-2). Live PBX events are written to their own append-only
log (:class:`~kefu.callcenter.models.CtiEvent`) rather than the audit trail, one row each.
"""

from __future__ import annotations

import gc
import hmac
import io
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.callcenter import importers
from kefu.callcenter.importers import ImportInputError, ParsedCall, agent_key
from kefu.callcenter.models import (
    AgentExtension,
    CallRecord,
    CtiEvent,
    CtiSettings,
    Direction,
    Disposition,
    Hotline,
    ImportJob,
    ImportStatus,
    Queue,
    Source,
    new_cti_token,
)
from kefu.errors import Conflict, NotAuthenticated, NotFound, ValidationFailed
from kefu.org.models import User
from kefu.org.permissions import check

# ---------------------------------------------------------------------------- lookups


def phone_key(number: str) -> str:
    """A number as the customer archive stores it, or its digits when it is not a valid phone
    (extensions, foreign formats), so matching never fails on odd input."""
    from kefu.customers.validators import normalise_phone

    text = (number or "").strip()
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except ValidationFailed:
        digits = re.sub(r"\D", "", text)
        return ("+" + digits) if text.startswith("+") else digits


def _customers_by_phone(numbers: Iterable[str]) -> dict[str, int]:
    from kefu.customers.models import Customer

    wanted = {n for n in numbers if n}
    found: dict[str, int] = {}
    chunk_list = sorted(wanted)
    for start in range(0, len(chunk_list), 500):
        chunk = chunk_list[start : start + 500]
        rows = (
            Customer.objects.filter(merged_into__isnull=True)
            .filter(Q(phone__in=chunk) | Q(phone_alt__in=chunk))
            .order_by("pk")
            .values_list("pk", "phone", "phone_alt")
        )
        for pk, phone, alt in rows:
            for number in (phone, alt):
                if number in wanted:
                    found.setdefault(number, pk)
    return found


def agents_by_label() -> dict[str, int]:
    """PBX label key -> user id: extensions first, then login names, then full names."""
    out: dict[str, int] = {}
    for pk, name, full in User.objects.filter(is_active=True).values_list(
        "pk", "username", "full_name"
    ):
        if full:
            out.setdefault(full.strip().lower(), pk)
        out[name.lower()] = pk
    for extension, user_id in AgentExtension.objects.values_list("extension", "user_id"):
        out[agent_key(extension)] = user_id
    return out


def _queue_ids(names: Iterable[str]) -> dict[str, int]:
    wanted = {n[:80] for n in names if n}
    known = dict(Queue.objects.filter(name__in=wanted).values_list("name", "pk"))
    missing = [Queue(name=n) for n in sorted(wanted - set(known))]
    if missing:
        Queue.objects.bulk_create(missing, ignore_conflicts=True)
        known = dict(Queue.objects.filter(name__in=wanted).values_list("name", "pk"))
    return known


def _hotline_ids() -> dict[str, int]:
    out = {}
    for pk, number in Hotline.objects.values_list("pk", "number"):
        out[number] = pk
        out[phone_key(number)] = pk
    return out


# ---------------------------------------------------------------------------- imports (R-CC-2)


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


# ---------------------------------------------------------------------------- CTI (R-CC-3)


def cti_settings() -> CtiSettings:
    """The installation's one CTI settings row, made on first use."""
    row = CtiSettings.objects.order_by("pk").first()
    if row is None:
        row = CtiSettings.objects.create()
    return row


@transaction.atomic
def cti_token_rotate(*, actor) -> CtiSettings:
    """A new path token for the PBX; the old one stops working at once (R-CC-3)."""
    check(actor, "callcenter.manage")
    row = cti_settings()
    row.token = new_cti_token()
    row.rotated_at = timezone.now()
    row.save(update_fields=["token", "rotated_at"])
    audit_record(actor=actor, action=Action.UPDATE, target=row, summary=_("CTI token rotated"))
    return row


@transaction.atomic
def cti_blocked_set(*, actor, numbers: list[str], reason: str = "") -> CtiSettings:
    """The numbers the PBX is told to turn away (``{"action":"reject","reason":"busy"}``)."""
    check(actor, "callcenter.manage")
    clean = []
    for raw in numbers:
        text = str(raw).strip()
        if not text:
            continue
        key = phone_key(text)
        if not re.search(r"\d", key):
            raise ValidationFailed.on(
                "blocked_numbers", _("%(n)s is not a phone number.") % {"n": text}
            )
        if key not in clean:
            clean.append(key)
    row = cti_settings()
    before = snapshot(row, ["blocked_numbers"])
    row.blocked_numbers = clean
    row.save(update_fields=["blocked_numbers"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=row,
        summary=_("CTI block list changed"),
        before=before,
        after=snapshot(row, ["blocked_numbers"]),
        reason=reason,
    )
    return row


_EVENTS = {"newcall": "newCall", "answer": "answer", "hangup": "hangup"}
_BUSY_CAUSES = {"busy", "user_busy"}
_FAILED_CAUSES = {"forwarded", "congestion", "failed", "chanunavail", "unallocated"}


def _one(data: dict, *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _users(data: dict) -> list[str]:
    out: list[str] = []
    for name in ("user", "user[]"):
        value = data.get(name)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = str(v).strip()
            if text and text not in out:
                out.append(text)
    return out


def _cti_authenticate(token: str) -> CtiSettings:
    row = CtiSettings.objects.order_by("pk").first()
    if row is None:
        raise NotFound(
            message=_("The CTI link is not set up; the administrator creates its token first.")
        )
    if not hmac.compare_digest(row.token.encode(), (token or "").encode()):
        raise NotAuthenticated(message=_("Unknown CTI token."))
    return row


def _agent_for(users: list[str], answering: str) -> int | None:
    labels = agents_by_label()
    for candidate in [answering, *users]:
        if candidate:
            user_id = labels.get(agent_key(candidate))
            if user_id is not None:
                return user_id
    return None


@transaction.atomic
def cti_event_receive(*, token: str, data: dict, now: datetime | None = None) -> dict:
    """R-CC-3: one event of the generic CTI API (as Zammad defines it), stored as a call.

    ``newCall`` creates the call (or fills in what a repeated one adds), ``answer`` marks it
    answered by the matching agent, ``hangup`` ends it. Events are idempotent: a repeated
    newCall, a second answer or an answer after hangup changes no count. The reply is what
    bridges understand: ``{}``, or ``{"action": "reject", "reason": "busy"}`` for a blocked
    number.
    """
    link = _cti_authenticate(token)
    now = now or timezone.now()
    event = _EVENTS.get(_one(data, "event").lower())
    if event is None:
        raise ValidationFailed.on(
            "event",
            _("event must be newCall, answer or hangup, got %(e)r") % {"e": data.get("event")},
        )
    key = _one(data, "callId", "call_id", "callid", "callID")
    if not key:
        raise ValidationFailed.on("callId", _("callId (or call_id, callid) is required."))
    key = key[:200]
    reply: dict = {}
    direction = Direction.OUT if _one(data, "direction").lower() == "out" else Direction.IN
    caller, callee = _one(data, "from"), _one(data, "to")
    users = _users(data)
    party = caller if direction == Direction.IN else callee
    blocked = bool(
        event == "newCall"
        and direction == Direction.IN
        and party
        and phone_key(party) in set(link.blocked_numbers)
    )
    if blocked:
        reply = {"action": "reject", "reason": "busy"}
    CtiEvent.objects.create(
        received_at=now,
        event=event,
        call_key=key,
        payload=json.loads(json.dumps(data, default=str)),
        reply=reply,
    )
    call = CallRecord.objects.filter(key=key).first()
    if call is None:
        call = _cti_new_call(
            key=key, now=now, direction=direction, caller=caller, callee=callee, data=data
        )
        if call is None:  # created by a concurrent event in between
            call = CallRecord.objects.get(key=key)
    changed: list[str] = []
    if event == "newCall" or not call.cti_users:
        for name, value in (("caller", caller[:64]), ("callee", callee[:64])):
            if value and not getattr(call, name):
                setattr(call, name, value)
                changed.append(name)
        merged = list(dict.fromkeys([*call.cti_users, *users]))
        if merged != call.cti_users:
            call.cti_users = merged
            changed.append("cti_users")
    if blocked and not call.blocked:
        call.blocked = True
        call.disposition = Disposition.BUSY
        changed += ["blocked", "disposition"]
    if event == "answer" and call.answer_at is None and call.end_at is None:
        answering = _one(data, "answeringNumber", "answering_number")
        call.answer_at = now
        call.disposition = Disposition.ANSWERED
        call.abandoned = False
        call.wait_seconds = max(0, int((now - call.enter_at).total_seconds()))
        call.agent_id = _agent_for(users, answering)
        call.agent_label = (answering or (users[0] if users else ""))[:120]
        changed += ["answer_at", "disposition", "abandoned", "wait_seconds", "agent", "agent_label"]
    if event == "hangup" and call.end_at is None:
        call.end_at = now
        changed.append("end_at")
        if call.answer_at is not None:
            call.talk_seconds = max(0, int((now - call.answer_at).total_seconds()))
            changed.append("talk_seconds")
        elif not call.blocked:
            cause = _one(data, "cause").lower()
            call.wait_seconds = max(0, int((now - call.enter_at).total_seconds()))
            if cause in _BUSY_CAUSES:
                call.disposition = Disposition.BUSY
            elif cause in _FAILED_CAUSES:
                call.disposition = Disposition.FAILED
            else:
                call.disposition = Disposition.ABANDONED
                call.abandoned = call.direction == Direction.IN
            changed += ["wait_seconds", "disposition", "abandoned"]
        _call_on_timeline(call)
    if changed:
        call.save(update_fields=sorted(set(changed)))
    return reply


def _cti_new_call(*, key, now, direction, caller, callee, data) -> CallRecord | None:
    party = caller if direction == Direction.IN else callee
    customers = _customers_by_phone([phone_key(party)])
    hotlines = _hotline_ids()
    queue_name = _one(data, "queue")[:80]
    queue_id = _queue_ids([queue_name]).get(queue_name) if queue_name else None
    try:
        with transaction.atomic():
            return CallRecord.objects.create(
                key=key,
                source=Source.CTI,
                direction=direction,
                caller=caller[:64],
                callee=callee[:64],
                hotline_id=(hotlines.get(callee) or hotlines.get(phone_key(callee)))
                if direction == Direction.IN
                else None,
                queue_id=queue_id,
                enter_at=now,
                disposition=Disposition.RINGING,
                customer_id=customers.get(phone_key(party)),
                cti_users=_users(data),
            )
    except IntegrityError:
        return None


def _call_on_timeline(call: CallRecord) -> None:
    if call.customer_id is None:
        return
    from kefu.customers.events import Kind, linked_event

    if call.answer_at is not None:
        summary = _("Call answered by %(agent)s, %(talk)d s") % {
            "agent": call.agent_label or "?",
            "talk": call.talk_seconds or 0,
        }
    else:
        summary = _("Call not answered (%(outcome)s)") % {"outcome": call.get_disposition_display()}
    linked_event(call.customer, kind=Kind.CALL, summary=summary, link=call)


# ---------------------------------------------------------------------------- hotlines, agents


def _ivr(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        menu = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.on(
            "ivr_menu", _("The IVR menu is not valid JSON: %(e)s") % {"e": exc.msg}
        ) from None
    if not isinstance(menu, dict):
        raise ValidationFailed.on(
            "ivr_menu",
            _('The IVR menu is a JSON object of key: destination, e.g. {"1": "repairs"}.'),
        )
    return json.dumps(menu, ensure_ascii=False)


@transaction.atomic
def hotline_create(*, actor, number: str, name: str, ivr_menu: str = "") -> Hotline:
    """R-CC-1: a hotline number with its IVR menu."""
    check(actor, "callcenter.manage")
    number = (number or "").strip()
    if not number or not re.search(r"\d", number):
        raise ValidationFailed.on("number", _("Give the hotline's number."))
    if not (name or "").strip():
        raise ValidationFailed.on("name", _("Give the hotline a name."))
    if Hotline.objects.filter(number=number).exists():
        raise Conflict(message=_("Hotline %(n)s already exists.") % {"n": number})
    hotline = Hotline.objects.create(number=number, name=name.strip(), ivr_menu=_ivr(ivr_menu))
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=hotline,
        summary=_("hotline created"),
        after=snapshot(hotline),
    )
    return hotline


@transaction.atomic
def hotline_update(
    *, actor, hotline: Hotline, name: str | None = None, ivr_menu: str | None = None,
    is_active: bool | None = None,
) -> Hotline:  # fmt: skip
    check(actor, "callcenter.manage")
    before = snapshot(hotline)
    fields = []
    if name is not None:
        if not name.strip():
            raise ValidationFailed.on("name", _("Give the hotline a name."))
        hotline.name = name.strip()
        fields.append("name")
    if ivr_menu is not None:
        hotline.ivr_menu = _ivr(ivr_menu)
        fields.append("ivr_menu")
    if is_active is not None:
        hotline.is_active = is_active
        fields.append("is_active")
    if fields:
        hotline.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=hotline,
            summary=_("hotline changed"),
            before=before,
            after=snapshot(hotline),
        )
    return hotline


@transaction.atomic
def agent_extension_set(*, actor, user: User, extension: str) -> AgentExtension | None:
    """Tie a PBX extension (or agent name) to a staff member; blank removes it."""
    check(actor, "callcenter.manage")
    extension = (extension or "").strip()
    current = AgentExtension.objects.filter(user=user).first()
    before = snapshot(current) if current else None
    if not extension:
        if current is not None:
            AgentExtension.objects.filter(pk=current.pk).delete()
            audit_record(
                actor=actor,
                action=Action.DELETE,
                target_type="callcenter.agentextension",
                target_id=str(current.pk),
                target_repr=str(current),
                summary=_("extension removed"),
                before=before,
            )
        return None
    taken = AgentExtension.objects.filter(extension=extension).exclude(user=user).first()
    if taken is not None:
        raise Conflict(
            message=_("Extension %(e)s already belongs to %(u)s.")
            % {"e": extension, "u": taken.user.display_name}
        )
    if current is None:
        current = AgentExtension.objects.create(user=user, extension=extension[:64])
        audit_record(actor=actor, action=Action.CREATE, target=current, after=snapshot(current))
    elif current.extension != extension:
        current.extension = extension[:64]
        current.save(update_fields=["extension"])
        audit_record(
            actor=actor, action=Action.UPDATE, target=current, before=before,
            after=snapshot(current),
        )  # fmt: skip
    return current


# ---------------------------------------------------------------------------- calls


@transaction.atomic
def call_link_ticket(*, actor, call: CallRecord, ticket) -> CallRecord:
    """R-CC-3: the agent ties the call to the ticket they recorded for it."""
    from kefu.tickets.selectors import tickets_visible

    check(actor, "callcenter.desk")
    if not tickets_visible(actor).filter(pk=ticket.pk).exists():
        raise NotFound(message=_("No ticket %(n)s that you may see.") % {"n": ticket.pk})
    if call.ticket_id == ticket.pk:
        return call
    if call.ticket_id is not None:
        raise Conflict(
            message=_("This call is already linked to ticket %(n)s.") % {"n": call.ticket.number}
        )
    before = snapshot(call, ["ticket"])
    call.ticket = ticket
    if call.customer_id is None and ticket.customer_id is not None:
        call.customer_id = ticket.customer_id
        call.save(update_fields=["ticket", "customer"])
    else:
        call.save(update_fields=["ticket"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=call,
        summary=_("call linked to ticket %(n)s") % {"n": ticket.number},
        before=before,
        after=snapshot(call, ["ticket"]),
    )
    return call


@transaction.atomic
def call_recording_set(*, actor, call: CallRecord, recording: str) -> CallRecord:
    """R-CC-4: attach a recording file path or URL to a call."""
    check(actor, "callcenter.manage")
    recording = (recording or "").strip()
    if recording and not re.match(r"^(https?://|/)|^[\w./-]+\.(wav|mp3|ogg|gsm)$", recording):
        raise ValidationFailed.on(
            "recording", _("Give an http(s) URL or a file path of the recording.")
        )
    before = snapshot(call, ["recording"])
    call.recording = recording[:500]
    call.save(update_fields=["recording"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=call, summary=_("recording attached"),
        before=before, after=snapshot(call, ["recording"]),
    )  # fmt: skip
    return call


def call_recording_play(*, actor, call: CallRecord, ip: str | None = None) -> str:
    """R-CC-4: who may listen does, and each listen is written to the audit trail."""
    check(actor, "callcenter.recordings")
    if not call.recording:
        raise NotFound(message=_("This call has no recording."))
    audit_record(
        actor=actor,
        action=Action.OTHER,
        target=call,
        summary=_("recording played"),
        ip=ip,
    )
    return call.recording
