"""Several waitress processes behind one port (``kefu serve --processes N``).

The pre-fork model of gunicorn and of nginx's own workers: the parent binds and listens on
one socket, then forks N children, and each child runs waitress on that very socket through
waitress's ``sockets=`` argument. The kernel hands each new connection to one of the
processes waiting in accept(); a process busy with requests comes back to accept() later, so
idle processes take the new connections. One Python process uses one core (the GIL), so N
processes are what lets the web tier use N cores.

With ``reuse_port`` each child binds a socket of its own with SO_REUSEPORT instead, and the
kernel spreads connections over them by a hash of the client's address and port, busy or
not. ``bench/load_bench.py --reuse-port`` compares; the shared socket is the default
(docs/deploy.md).

The parent only supervises: a child that dies is replaced (unless it died at once, which
means a broken setup, not a crash), and SIGINT or SIGTERM stop every child.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import time

log = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0
EARLY_DEATH = 5.0  # seconds: a child dying sooner than this is a setup error


class _Stop(Exception):
    pass


def listening_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    return sock


def settle() -> None:
    """Ready a web process for its requests: load the URL map, then move every object alive
    now (Django, the apps, their modules and tables) out of the garbage collector's sight
    (``gc.freeze``). They live as long as the process; left in, each full collection walked
    them all and held the requests for 160 ms, every few seconds under load (bench/README.md).
    Objects made later are collected as before."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - builds the URL map now, before the freeze
    gc.collect()
    gc.freeze()


def _child(application, sock: socket.socket | None, host: str, port: int, threads: int):
    from django.conf import settings
    from waitress import serve

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if sock is None:
        sock = listening_socket(host, port, reuse_port=True)
    settle()
    try:
        serve(
            application,
            sockets=[sock],
            threads=threads,
            ident="kefu",
            _quiet=True,
            connection_limit=settings.WAITRESS_CONNECTION_LIMIT,
            **settings.WAITRESS_PROXY,  # the TLS proxy's X-Forwarded-Proto (docs/reliability.md)
        )
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        os._exit(0)


def serve_processes(
    application, *, host: str, port: int, processes: int, threads: int, reuse_port: bool = False
) -> None:
    """Run ``processes`` waitress processes on host:port until SIGINT or SIGTERM."""
    from django.db import connections

    shared = None if reuse_port else listening_socket(host, port)
    if reuse_port:  # fail here, once, if the port is taken (a reuse-port bind would not)
        listening_socket(host, port).close()
    connections.close_all()  # each child opens its own database connections
    sys.stdout.flush()
    sys.stderr.flush()

    children: dict[int, float] = {}

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            try:
                _child(application, shared, host, port, threads)
            finally:
                os._exit(0)
        children[pid] = time.monotonic()

    def stop(*_args) -> None:
        raise _Stop

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    failed = False
    try:
        for _ in range(processes):
            spawn()
        while True:
            pid, status = os.wait()
            started = children.pop(pid, None)
            if started is None:
                continue  # not a web process (the worker beside us is waited for elsewhere)
            code = os.waitstatus_to_exitcode(status)
            if time.monotonic() - started < EARLY_DEATH:
                log.error("web process %s stopped at once (exit %s); stopping", pid, code)
                failed = True
                break
            log.warning("web process %s stopped (exit %s); starting another", pid, code)
            spawn()
    except _Stop:
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _stop_children(children)
        if shared is not None:
            shared.close()
    if failed:
        raise SystemExit(1)


def _stop_children(children: dict[int, float]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + STOP_TIMEOUT
    while children and time.monotonic() < deadline:
        for pid in list(children):
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.pop(pid)
        time.sleep(0.05)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
