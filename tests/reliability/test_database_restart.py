"""Faults: PostgreSQL restarted under load (issue 10; PostgreSQL suite only).

The test runs its own throw-away PostgreSQL cluster (initdb + pg_ctl in a temporary folder,
as the ``postgres`` user when run as root, as .ci/run does), never the suite's server. A
live `kefu serve` on it takes ticket creations from 20 clients while the cluster is
restarted (``pg_ctl restart -m fast``: every connection is cut). Then:

* each request answered while the database was away got a 503 problem body (never a 500);
* the server recovers by itself (Django's CONN_HEALTH_CHECKS drop the dead connections),
  without being restarted, and creations succeed again;
* every ticket acknowledged with 201 is in the database after the restart.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.reliability.installation import ON_POSTGRES, Installation, free_port, serve, wait_for

# The newest installed PostgreSQL, as .ci/run picks it.
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    default=Path("/usr/lib/postgresql/15/bin"),
)
CLIENTS = 20

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="PostgreSQL suite only (runs with KEFU_DATABASE_URL=postgres://…)"
)


class Cluster:
    """A temporary PostgreSQL cluster of the test's own."""

    def __init__(self, folder: Path):
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        folder.mkdir(exist_ok=True)
        if self.as_postgres:
            shutil.chown(folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        argv = [str(PG_BIN / tool), *args]
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)  # noqa: S603

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.data / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, action, *extra)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


@pytest.fixture
def cluster(tmp_path_factory):
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"{PG_BIN}/initdb is missing: install PostgreSQL (apt-get install postgresql)")
    # Not under pytest's 0700 tmp_path: the postgres user must reach its data folder.
    folder = Path(tempfile.mkdtemp(prefix="h4-pg-"))
    folder.chmod(0o755)
    made = Cluster(folder)
    made.ctl("start")
    yield made
    with contextlib.suppress(subprocess.CalledProcessError):
        made.ctl("stop", "-m", "immediate")
    shutil.rmtree(folder, ignore_errors=True)


def _create(base: str, token: str, customer: int, stop: threading.Event, seen: list) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while not stop.is_set():
        try:
            reply = session.post(
                f"{base}/api/v1/tickets",
                json={
                    "kind": "inquiry",
                    "channel": "phone",
                    "customer_id": customer,
                    "description": "咨询产品保修",
                },
                timeout=60,
            )
        except requests.RequestException as exc:  # the server itself must never drop us
            seen.append(("error", repr(exc), time.monotonic()))
            continue
        try:
            body = reply.json()
        except ValueError:
            body = {"text": reply.text[:300]}
        seen.append((reply.status_code, body, time.monotonic()))
        time.sleep(0.02)


def test_postgresql_restarted_under_load_loses_no_acknowledged_write(cluster, tmp_path):
    """Requests during the restart get a clean 503; the server recovers on its own; every
    201 is in the database afterwards."""
    import psycopg

    with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE kefu")
    folder = tmp_path / "site"
    folder.mkdir()
    site = Installation(folder, f"{cluster.url}/kefu")
    try:
        site.kefu("migrate", "--noinput")
        out = site.python(
            "from tests.tickets.factories import agent; "
            "from tests.customers.factories import customer; "
            "me = agent(username='h4agent'); "
            "print('CUSTOMER', customer(department=me.department).pk)"
        )
        customer = int(out.split("CUSTOMER")[1].split()[0])
        token = site.kefu("token", "create", "h4agent").stdout.strip().splitlines()[-1]
        base = serve(site)

        seen: list = []
        stop = threading.Event()
        clients = [
            threading.Thread(target=_create, args=(base, token, customer, stop, seen))
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        wait_for("the first tickets", lambda: sum(s[0] == 201 for s in seen) >= 20)
        cluster.ctl("stop", "-m", "fast")  # every connection cut, requests in flight fail
        down_since = time.monotonic()
        wait_for("requests to meet the stopped database", lambda: seen[-1][2] > down_since + 1)
        time.sleep(1.0)
        cluster.ctl("start")
        up_since = time.monotonic()
        wait_for(
            "tickets to be created again, without restarting kefu serve",
            lambda: sum(s[0] == 201 and s[2] > up_since for s in seen) >= 20,
            timeout=60,
        )
        stop.set()
        for client in clients:
            client.join(timeout=60)
    finally:
        site.stop_all()

    statuses = Counter(s[0] for s in seen)
    print("responses:", dict(statuses))
    assert set(statuses) <= {201, 503}, [s for s in seen if s[0] not in (201, 503)][:3]
    unavailable = [body for status, body, _ in seen if status == 503]
    assert unavailable, "no request met the stopped database"
    assert all(b["status"] == 503 and b["type"].endswith("/unavailable") for b in unavailable)
    assert all("数据库" in b["detail"] for b in unavailable)  # said in Chinese, by default
    acknowledged = {body["id"] for status, body, _ in seen if status == 201}
    stored = {row[0] for row in site.rows("SELECT id FROM tickets_ticket")}
    assert acknowledged <= stored, f"lost: {sorted(acknowledged - stored)[:10]}"
    assert len(acknowledged) >= 40
