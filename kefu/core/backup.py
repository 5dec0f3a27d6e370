"""Backups that restore (issue 10): ``kefu backup FILE`` while Kefu is in use, and
``kefu restore FILE`` into an empty database.

SQLite is copied with its own online backup API (a consistent copy while others write);
PostgreSQL with ``pg_dump --format=custom`` and restored with ``pg_restore`` in one
transaction. A backup is only restored into the kind of database it came from, and only
into an empty one: restoring over live records would mix two histories.
:func:`table_checksums` gives every table's row count and a SHA-256 of its rows, so a
restore can be compared with its source.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def _pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: from PATH, else the newest of Debian's server packages."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return candidates[-1]


def _pg_args(alias: str) -> tuple[list[str], dict]:
    s = connections[alias].settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")


def backup(dest: Path, *, alias: str = "default") -> str:
    """Write a backup of the database to ``dest``; returns its format (sqlite or postgresql)."""
    connection = connections[alias]
    dest = Path(dest)
    if dest.exists():
        raise BackupError(f"{dest} exists; choose a new file for the backup")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        out = sqlite3.connect(dest)
        try:
            connection.connection.backup(out)
        finally:
            out.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        args, env = _pg_args(alias)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dest), *args], env
        )
        return "postgresql"
    raise BackupError(f"no backup for the {connection.vendor} database")


def backup_format(path: Path) -> str:
    """What kind of backup ``path`` holds, by its first bytes."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Kefu backup (neither an SQLite file nor a pg_dump archive)")


def restore(src: Path, *, alias: str = "default") -> str:
    """Restore the backup ``src`` into the (empty) database; returns its format."""
    connection = connections[alias]
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"{src} does not exist")
    kind = backup_format(src)
    if kind != connection.vendor:
        raise BackupError(f"{src} is a {kind} backup; this installation runs {connection.vendor}")
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables); restore goes into an empty one"
        )
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(src)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_args(alias)
        _run(
            [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", *args, str(src)],
            env,
        )  # fmt: skip
    return kind


def table_checksums(*, alias: str = "default") -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 over its rows in primary-key order."""
    connection = connections[alias]
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - a table name
            digest = hashlib.sha256()
            count = 0
            while rows := cursor.fetchmany(5000):
                for row in rows:
                    digest.update(repr(row).encode())
                count += len(rows)
            out[table] = (count, digest.hexdigest())
    return out
