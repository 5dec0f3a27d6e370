"""Real Kefu installations for fault tests: the `kefu` command in subprocesses.

Each installation has its own data folder (the SQLite database, the SQLite worker queue) and,
when the suite runs on PostgreSQL, its own database. Migrating takes seconds, so one
migrated installation is made per test session and copied (SQLite file copy, or PostgreSQL
``CREATE DATABASE … TEMPLATE``) for each test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("KEFU_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")
PREFIX = "h4rel"  # this suite's own PostgreSQL databases


def wait_for(what: str, check: Callable[[], object], timeout: float = 60.0, every: float = 0.2):
    """Poll ``check`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def _die_with_parent() -> None:
    """Linux: SIGKILL this child when the test process dies (even by SIGKILL)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Installation:
    """One Kefu installation: a data folder and (on PostgreSQL) a database."""

    def __init__(self, folder: Path, database_url: str = ""):
        self.folder = folder
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.update(
            {
                "KEFU_VAR_DIR": str(folder),
                "KEFU_TESTING": "0",
                "KEFU_AXES_ENABLED": "false",
                "KEFU_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if database_url:
            self.env["KEFU_DATABASE_URL"] = database_url
        self.processes: list[subprocess.Popen] = []

    # ------------------------------------------------------------------ commands
    def kefu(self, *args: str, check: bool = True, timeout: float = 300):
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=check,
            timeout=timeout,
        )

    def python(self, code: str, *, timeout: float = 120) -> str:
        """Run ``code`` with Django set up (``kefu shell -c``); returns its stdout."""
        done = self.kefu("shell", "-c", code, check=False, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"kefu shell failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, argv: list[str], **extra_env: str) -> subprocess.Popen:
        """A long-running process of this installation, in its own process group."""
        log = (self.folder / f"{argv[0].replace('/', '_')}-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(  # noqa: S603
            argv,
            env={**self.env, **extra_env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - a killed test run leaves no server
        )
        process.log_path = Path(log.name)  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and everything it started; nothing runs any cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)

    # ------------------------------------------------------------------ reading rows
    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read-only query, from outside Kefu (a plain database connection)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), params)]
        conn = sqlite3.connect(self.folder / "kefu.sqlite3", timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def value(self, sql: str, params: tuple = ()):
        return self.rows(sql, params)[0][0]

    def ledger(self, job: str) -> dict:
        """The worker's job ledger entry of ``job`` (kefu.core.jobs), read from the queue file."""
        from huey import SqliteHuey

        queue = SqliteHuey("kefu", filename=str(self.folder / "huey.sqlite3"))
        return queue.get(f"kefu:job-ledger:{job}", peek=True) or {}


class Installations:
    """Makes installations from one migrated template (see the module's docstring)."""

    def __init__(self, base: Path):
        self.base = base
        self.made_databases: list[str] = []
        self.all: list[Installation] = []
        self.template = self._fresh("template")
        self.template.kefu("migrate", "--noinput")

    def _fresh(self, name: str) -> Installation:
        folder = self.base / f"{name}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        url = ""
        if ON_POSTGRES:
            import psycopg

            db = f"{PREFIX}_{uuid.uuid4().hex[:8]}_{name}"
            with psycopg.connect(_admin_url(), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{db}"')
            self.made_databases.append(db)
            url = f"{PG_URL.rsplit('/', 1)[0]}/{db}"
        installation = Installation(folder, url)
        self.all.append(installation)
        return installation

    def new(self, name: str) -> Installation:
        """A migrated, empty installation."""
        folder = self.base / f"{name}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        shutil.copy(self.template.folder / "secret_key", folder / "secret_key")
        url = ""
        if ON_POSTGRES:
            import psycopg

            db = f"{PREFIX}_{uuid.uuid4().hex[:8]}_{name}"
            with psycopg.connect(_admin_url(), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{db}" TEMPLATE "{self.made_databases[0]}"')
            self.made_databases.append(db)
            url = f"{PG_URL.rsplit('/', 1)[0]}/{db}"
        else:
            source = sqlite3.connect(self.template.folder / "kefu.sqlite3")
            target = sqlite3.connect(folder / "kefu.sqlite3")
            source.backup(target)
            source.close()
            target.close()
        installation = Installation(folder, url)
        self.all.append(installation)
        return installation

    def close(self) -> None:
        for installation in self.all:
            installation.stop_all()
        if self.made_databases:
            import psycopg

            with psycopg.connect(_admin_url(), autocommit=True) as admin:
                for db in reversed(self.made_databases):
                    admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _admin_url() -> str:
    return f"{PG_URL.rsplit('/', 1)[0]}/postgres"


def serve(site: Installation, *extra: str) -> str:
    """Start `kefu serve --no-worker` (waitress) on a free port; returns its base URL."""
    import requests

    port = free_port()
    site.env["KEFU_PORT"] = str(port)
    server = site.start([sys.executable, "-m", "kefu.cli", "serve", "--no-worker", *extra])
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"kefu serve ended:\n{server.log_path.read_text()}")
        try:
            return requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for("kefu serve to answer", up, timeout=90)
    return base
