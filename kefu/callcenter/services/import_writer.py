"""The writing half of a call import (R-CC-2): row batches into the call table by the
database's bulk path, inside the caller's transaction, each call once (keyed by its id).

* SQLite: ``executemany`` of ``INSERT … ON CONFLICT (key) DO NOTHING`` on the DB-API cursor,
  the columns every row shares written into the statement once.
* PostgreSQL: the batch's keys already in the table are asked for in one query and left
  out, the rest is ``COPY``-ed straight into the call table (the database's own bulk path).
  If someone else (a live event) adds one of those calls meanwhile, the batch is undone to
  its savepoint and written again through a staging table with ``INSERT … SELECT … ON
  CONFLICT (key) DO NOTHING``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone

from kefu.callcenter.models import CallRecord
from kefu.callcenter.services.lookups import _customers_by_phone, _queue_ids

# Columns an import writes, in order; the rest keep their defaults (NULL).
IMPORT_COLUMNS = (
    "key", "source", "direction", "caller", "callee", "hotline", "queue", "agent",
    "agent_label", "enter_at", "answer_at", "end_at", "wait_seconds", "talk_seconds",
    "disposition", "abandoned", "ring_no_answer", "blocked", "customer", "recording",
    "cti_users", "created_at",
)  # fmt: skip
# Columns with one value for every row of a file are not sent row by row but written into
# the statement once; a queue_log's calls share more of them than other formats'.
_FIXED = {"blocked": False, "cti_users": "[]", "created_at": None}  # None: the import's time
_QUEUE_LOG_FIXED = {"source": "queue_log", "direction": "in", "callee": "", "recording": ""}
LAYOUTS = {
    "any": tuple(c for c in IMPORT_COLUMNS if c not in _FIXED),
    "queue-log": tuple(c for c in IMPORT_COLUMNS if c not in _FIXED and c not in _QUEUE_LOG_FIXED),
}


def db_time(value: datetime) -> str:
    """An aware time as text in UTC, ``str()`` form, naive (as Django stores it in SQLite)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return str(value.replace(tzinfo=None))


@dataclass
class Writer:
    """Writes row batches inside the caller's transaction; counts what was added."""

    vendor: str
    customers_known: bool  # the rows carry customer ids, not phone numbers to look up
    added: int = 0
    queues: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int | None] = field(default_factory=dict)
    statements: dict[str, dict] = field(default_factory=dict)
    staging: set[str] = field(default_factory=set)
    raw: object = None  # the DB-API connection, taken by the thread that owns Django's

    def write(self, rows: list[list], layout: str) -> None:
        self.prepare(rows, layout)
        self.insert(rows, layout)

    def prepare(self, rows: list[list], layout: str) -> None:
        """Name the batch's queues (created when new) and customers, and make the layout's
        statements: everything that goes through Django's connection, so this runs in the
        thread that owns it."""
        columns = LAYOUTS[layout]
        at_queue = columns.index("queue")
        names = {r[at_queue] for r in rows} - self.queues.keys()
        names.discard(None)
        if names:
            self.queues.update(_queue_ids(names))
        queues = self.queues
        for r in rows:
            if r[at_queue] is not None:
                r[at_queue] = queues.get(r[at_queue])
        if not self.customers_known:
            self._customers(rows, columns.index("customer"))
        self.statements[layout] = self._statement(layout)
        if self.raw is None:
            connection.ensure_connection()
            self.raw = connection.connection  # the DB-API connection: the caller's transaction

    def insert(self, rows: list[list], layout: str) -> None:
        """Write a prepared batch through the DB-API connection only (no Django), so a
        second thread may do it while the owner prepares the next batch."""
        self.added += self._insert(rows, layout)

    def _customers(self, rows: list[list], at: int) -> None:
        cache = self.customers
        wanted = {r[at] for r in rows} - cache.keys()
        wanted.discard(None)
        if wanted:
            if len(cache) + len(wanted) > 200_000:
                cache.clear()  # bounded: numbers seen before are asked again, that is all
            found = _customers_by_phone(wanted)
            for number in wanted:
                cache[number] = found.get(number)
        for r in rows:
            if r[at] is not None:
                r[at] = cache.get(r[at])

    def _statement(self, layout: str) -> dict:
        """The SQL for a layout: the row's own columns as parameters, the ones every row
        shares once (SQLite: literals in the statement; PostgreSQL: appended to each row
        of the COPY, or parameters of the fallback's INSERT … SELECT)."""
        if layout in self.statements:
            return self.statements[layout]
        quote = connection.ops.quote_name
        meta = CallRecord._meta
        table = quote(meta.db_table)
        key = quote(meta.get_field("key").column)
        fixed = {**_FIXED, **(_QUEUE_LOG_FIXED if layout == "queue-log" else {})}
        fixed["created_at"] = timezone.now()
        variable = LAYOUTS[layout]
        names = [quote(meta.get_field(n).column) for n in (*variable, *fixed)]
        every = ", ".join(names)
        own = ", ".join(names[: len(variable)])
        out: dict = {}
        if self.vendor == "sqlite":
            marks = ", ".join(["?"] * len(variable) + [_sqlite_literal(v) for v in fixed.values()])
            out["insert"] = (
                f"INSERT INTO {table} ({every}) VALUES ({marks}) "  # noqa: S608
                f"ON CONFLICT ({key}) DO NOTHING"
            )
        elif self.vendor == "postgresql":
            temp = f"kefu_call_import_{layout.replace('-', '_')}"
            as_text = [
                db_time(v) + "+00:00" if isinstance(v, datetime) else v for v in fixed.values()
            ]
            select = ", ".join([*names[: len(variable)], *["%s"] * len(fixed)])
            types = [_pg_type(meta.get_field(n).db_type(connection)) for n in (*variable, *fixed)]
            no_cti_users = _no_cti_users()
            out.update(
                fixed=[no_cti_users if n == "cti_users" else v for n, v in fixed.items()],
                fixed_text=as_text,
                types=types,
                known=f"SELECT {key} FROM {table} WHERE {key} = ANY(%s)",  # noqa: S608
                copy=f"COPY {table} ({every}) FROM STDIN (FORMAT BINARY)",
                temp=temp,
                create=(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {temp} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {own} FROM {table} WITH NO DATA"
                ),
                copy_temp=f"COPY {temp} ({own}) FROM STDIN",
                insert=(
                    f"INSERT INTO {table} ({every}) SELECT {select} FROM {temp} "  # noqa: S608
                    f"ON CONFLICT ({key}) DO NOTHING"
                ),
            )
        else:
            marks = ", ".join(["%s"] * len(names))
            out["fixed"] = list(fixed.values())
            out["insert"] = (
                f"INSERT INTO {table} ({every}) VALUES ({marks}) "  # noqa: S608
                f"ON CONFLICT ({key}) DO NOTHING"
            )
        self.statements[layout] = out
        return out

    def _insert(self, rows: list[list], layout: str) -> int:
        sql = self.statements[layout]
        raw = self.raw
        if self.vendor == "postgresql":
            return self._copy(raw, rows, sql)
        cursor = raw.cursor()
        try:
            if self.vendor == "sqlite":
                cursor.executemany(sql["insert"], rows)
                return cursor.rowcount
            added = 0
            for row in rows:
                cursor.execute(sql["insert"], [*row, *sql["fixed"]])
                added += cursor.rowcount
            return added
        finally:
            cursor.close()

    def _copy(self, raw, rows: list[list], sql: dict) -> int:
        from psycopg.errors import UniqueViolation

        fixed = sql["fixed"]
        with raw.cursor() as cursor:
            cursor.execute(sql["known"], [[r[0] for r in rows]])
            there = {key for (key,) in cursor.fetchall()}
            fresh = [r for r in rows if r[0] not in there] if there else rows
            if not fresh:
                return 0
            try:
                with raw.transaction():  # a savepoint: a clash undoes this batch only
                    with cursor.copy(sql["copy"]) as copy:
                        copy.set_types(sql["types"])  # binary: no text for the server to parse
                        write = copy.write_row
                        for row in fresh:
                            write(row + fixed)
                return len(fresh)
            except UniqueViolation:
                pass  # added meanwhile by someone else: through the staging table
            if sql["temp"] not in self.staging:
                cursor.execute(sql["create"])
                self.staging.add(sql["temp"])
            else:
                cursor.execute(f"TRUNCATE {sql['temp']}")
            with cursor.copy(sql["copy_temp"]) as copy:
                for row in fresh:
                    copy.write_row(row)
            cursor.execute(sql["insert"], sql["fixed_text"])
            return cursor.rowcount


def _empty_list_json(_value) -> str:
    return "[]"


def _no_cti_users():
    """The ``cti_users`` of an imported call (``[]``) for a binary COPY, its JSON text made
    once rather than by the JSON encoder for every row."""
    from psycopg.types.json import Jsonb

    return Jsonb([], dumps=_empty_list_json)


def _pg_type(db_type: str) -> str:
    """A column's type as psycopg's binary COPY names it."""
    base = db_type.split("(")[0].strip()
    return {
        "bigint": "int8", "integer": "int4", "smallint": "int2", "boolean": "bool",
        "timestamp with time zone": "timestamptz", "varchar": "varchar", "jsonb": "jsonb",
    }.get(base, base)  # fmt: skip


def _sqlite_literal(value) -> str:
    """A fixed value of ours (never user input) as an SQLite literal, stored as Django would."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        value = db_time(value)
    return "'" + str(value).replace("'", "''") + "'"
