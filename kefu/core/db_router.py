"""Reads of reports and KPIs from a PostgreSQL read replica; every write on the primary.

With ``KEFU_REPLICA_DATABASE_URL`` set, settings add a second database alias, ``replica``
(a streaming-replication standby of the primary, read-only). Reports and scorecards are the
heavy reads: a month of tickets and ten million calls counted. They run on the replica so
that agents' writes on the primary do not queue behind them. Without the setting there is
no ``replica`` alias and everything goes to ``default``, exactly as before.

What goes where:

- a read inside :func:`replica_reads` (the ``@replica_reads`` views of the reports app) goes
  to the replica, unless it runs inside a transaction on the primary: a service that reads
  and then writes (``call_facts_ensure`` locks and counts before it writes facts) must read
  what it is about to change, so its reads stay with its writes;
- every write goes to the primary, inside a replica view too;
- a browser that has just written (a POST, PUT, PATCH or DELETE) is pinned to the primary
  for ``KEFU_REPLICA_PIN_SECONDS`` (default 5) by :class:`PinAfterWriteMiddleware`, so
  "build the report, then show it" never shows the page from a replica that has not
  caught up yet;
- migrations run on the primary only; the replica receives them by replication.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "kefu_primary"

_reading_from_replica: ContextVar[bool] = ContextVar("kefu_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica when one is configured (see the module docstring)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def _in_transaction_on_primary() -> bool:
    # A test case wraps each test in atomic blocks it marks as its own; they are not the
    # application's transaction (Django's own durable check passes over them the same way).
    blocks = connections[PRIMARY].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def read_alias() -> str:
    """The alias a read would use here and now."""
    if _reading_from_replica.get() and replica_configured() and not _in_transaction_on_primary():
        return REPLICA
    return PRIMARY


def _pinned(request) -> bool:
    return PIN_COOKIE in getattr(request, "COOKIES", {})


def reads_from_replica(view: Callable) -> Callable:
    """A view (page or API operation) whose GET and HEAD requests read from the replica.

    A query set the view returns is read inside, so an API operation's rows come from the
    replica too (django-ninja serialises after the view has returned). Other methods, and a
    browser pinned to the primary after a write, run on the primary.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"} or _pinned(request):
            return view(request, *args, **kwargs)
        with replica_reads():
            result = view(request, *args, **kwargs)
            if isinstance(result, QuerySet):
                result = list(result)
        return result

    return wrapper


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry: see the module docstring."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as the primary: an object read from either may
        # refer to one read from the other.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class PinAfterWriteMiddleware:
    """After a browser's write, its reads stay on the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.KEFU_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
