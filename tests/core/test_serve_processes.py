"""`kefu serve --processes N` (issue 9, `make run-scaled`): N web processes behind one port,
all stopped together; and the worker settings the scaled topology runs with (Huey on Redis)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_command_line import _kefu

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the web pool forks")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"KEFU_VAR_DIR": str(tmp_path), "KEFU_TESTING": "0"})
    if port:
        env["KEFU_PORT"] = str(port)
    return env


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """An installation's folder with a migrated SQLite database, shared by this module."""
    folder = tmp_path_factory.mktemp("scaled")
    out = _kefu("migrate", "--noinput", tmp_path=folder)
    assert out.returncode == 0, out.stderr
    return folder


def _server_header(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
            return r.headers.get("Server")
    except urllib.error.HTTPError as e:  # a 503 from an unmigrated database still answers
        return e.headers.get("Server")
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _poll(condition, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_it_serves_one_port_from_several_processes_and_stops_them_all(var_dir):
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "serve", "--no-worker", "--processes", "2"],
        env=_env(var_dir, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/health"
        assert _poll(lambda: _server_header(url)) == "kefu"
        children = _poll(lambda: len(_children(server.pid)) == 2 and _children(server.pid))
        assert children and len(children) == 2
        assert all(_server_header(url) == "kefu" for _ in range(10))
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert not any(_alive(pid) for pid in children)
        assert _server_header(url) is None
        assert "Web processes: 2" in server.stdout.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_one_web_process_answers_150_clients_that_keep_their_connections_open(var_dir):
    """A busy floor keeps more than waitress's default of 100 connections open to a process;
    the 101st must not wait unaccepted (issue 9's load test, 120 users on one process)."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "serve", "--no-worker", "--processes", "1"],
        env=_env(var_dir, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients = []
    try:
        assert _poll(lambda: _server_header(f"http://127.0.0.1:{port}/api/v1/health")) == "kefu"
        request = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for _ in range(150):  # every client connects and stays connected
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=20))
        for client in clients:
            client.sendall(request)
        answered = 0
        for client in clients:
            if client.recv(64).startswith(b"HTTP/1.1 200"):
                answered += 1
        assert answered == 150
    finally:
        for client in clients:
            client.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_sigterm_stops_the_worker_serve_started_beside_it(var_dir):
    """`kefu serve` with its worker, stopped as systemd or docker stop it: nothing left."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "serve"],
        env=_env(var_dir, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _poll(lambda: _server_header(f"http://127.0.0.1:{port}/api/v1/health")) == "kefu"
        workers = _poll(lambda: _children(server.pid))
        assert workers, "serve started no worker"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert _poll(lambda: not any(_alive(pid) for pid in workers), timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_it_refuses_a_port_in_use_and_leaves_no_process_behind(var_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu.cli", "serve", "--no-worker", "--processes", "2"],
            env=_env(var_dir, port),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert out.returncode != 0
    assert "Address already in use" in out.stderr


def test_the_scaled_topology_queues_jobs_on_redis_and_caches_there(tmp_path):
    shell = (
        "from django.conf import settings; from huey.contrib.djhuey import HUEY; "
        "print(type(HUEY).__name__, settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1])"
    )
    out = _kefu(
        "shell", "-c", shell, tmp_path=tmp_path, env={"KEFU_REDIS_URL": "redis://127.0.0.1:6390/0"}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["RedisHuey", "RedisCache"]
    out = _kefu("shell", "-c", shell, tmp_path=tmp_path)
    assert out.stdout.split()[-2:] == ["SqliteHuey", "LocMemCache"]


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "periodic"), [((), True), (("--no-periodic",), False)])
def test_only_the_worker_without_no_periodic_schedules_the_periodic_jobs(
    monkeypatch, args, periodic
):
    from django.core.management import call_command

    from kefu.core.management.commands import worker

    consumers, caught_up = [], []
    monkeypatch.setattr(worker, "call_command", lambda name, **o: consumers.append((name, o)))
    # Neither the tasks' import nor the job ledger is this test's business (nor left changed).
    monkeypatch.setattr(worker, "autodiscover_modules", lambda *names: None)
    monkeypatch.setattr("kefu.core.jobs.catch_up", lambda: caught_up.append(True) or [])
    call_command("worker", "--workers", "3", *args)
    assert consumers == [
        ("run_huey", {"workers": 3, "worker_type": "thread", "periodic": periodic})
    ]
    assert caught_up == ([True] if periodic else [])  # missed periodic jobs: that worker's too


def test_a_web_process_settles_its_long_lived_objects_out_of_the_collectors_sight():
    """Issue 9: before its first request a web process loads the URL map and freezes what is
    alive (Django, the apps): the collector's full runs no longer walk them, which held the
    requests for 160 ms every few seconds under load. Objects made later are still collected."""
    import gc
    import weakref

    from django.urls import get_resolver

    from kefu.core.webpool import settle

    gc.unfreeze()  # as a new process: nothing frozen yet
    try:
        settle()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the whole of Django and Kefu, not a handful
        assert get_resolver()._populated

        class Node:
            pass

        node = Node()  # a cycle made after the freeze is found and freed by a full run
        node.self = node
        gone = weakref.ref(node)
        del node
        gc.collect()
        assert gone() is None
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
