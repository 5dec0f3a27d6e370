"""Periodic jobs that survive a killed worker: a run ledger, and catch-up when the worker starts.

Huey takes a task off its queue before running it and never acknowledges it: a worker
killed with SIGKILL (the out-of-memory killer, a power cut, ``kill -9``) in the middle of a
job loses that run, and a daily or monthly job would wait a day or a month for its next one.
Kefu closes the gap in two parts:

1. Each periodic job writes its effect in one database transaction and is idempotent
   (callback generation, the time-limit breach scan, the monthly report build, …): a run
   killed half-way leaves nothing, and running it again adds nothing twice.
2. A ledger, kept in the queue's own storage (the SQLite queue file, or Redis), records for
   each periodic job when a run last started, finished or failed. Before ``kefu worker``
   starts consuming, :func:`catch_up` enqueues once, at once, every job whose last run
   started and neither finished nor failed (it was killed) and every job whose scheduled
   time passed since its last start while no worker ran (looking back at most
   ``CATCH_UP_DAYS``).

A job that raised is not rerun by catch-up (it is logged; its next scheduled run, or
Huey's own ``retries=``, tries again), so a job that fails every time cannot loop.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import signals
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY

log = logging.getLogger(__name__)

CATCH_UP_DAYS = 35  # a monthly job missed while the worker was down is still caught up
_KEY = "kefu:job-ledger:{}"


def _name(task) -> str:
    return HUEY._registry.task_to_string(type(task) if not isinstance(task, type) else task)


def ledger(task) -> dict[str, dt.datetime]:
    """The ledger of one periodic job (its class or an instance): started/finished/failed."""
    return HUEY.get(_KEY.format(_name(task)), peek=True) or {}


def _note(task, what: str) -> None:
    entry = ledger(task)
    entry[what] = timezone.now()
    HUEY.put(_KEY.format(_name(task)), entry)


@HUEY.signal(signals.SIGNAL_EXECUTING, signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR)
def _record(signal: str, task, exc=None) -> None:
    if not isinstance(task, PeriodicTask):
        return
    what = {
        signals.SIGNAL_EXECUTING: "started",
        signals.SIGNAL_COMPLETE: "finished",
        signals.SIGNAL_ERROR: "failed",
    }[signal]
    try:
        _note(task, what)
    except Exception:  # the ledger must never stop the job itself
        log.exception("could not record %s of %s in the job ledger", what, _name(task))


def interrupted(entry: dict[str, dt.datetime]) -> bool:
    """A run started and neither finished nor failed afterwards: it was killed."""
    ends = [entry[k] for k in ("finished", "failed") if k in entry]
    return "started" in entry and (not ends or max(ends) < entry["started"])


def _queue_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the frame Huey's scheduler matches crontabs in (naive UTC or local)."""
    if HUEY.utc:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return timezone.localtime(moment).replace(tzinfo=None)


def last_due(task_class, now: dt.datetime, since: dt.datetime) -> dt.datetime | None:
    """The latest scheduled minute of a periodic job after ``since`` and up to ``now``
    (looking back at most ``CATCH_UP_DAYS``), in the scheduler's frame; or None."""
    task = task_class()
    minute = dt.timedelta(minutes=1)
    floor = _queue_time(max(since, now - dt.timedelta(days=CATCH_UP_DAYS)))
    moment = _queue_time(now).replace(second=0, microsecond=0)
    while moment > floor:
        if task.validate_datetime(moment):
            return moment
        moment -= minute
    return None


def catch_up(now: dt.datetime | None = None) -> list[str]:
    """Enqueue each periodic job that was interrupted or missed; returns their names.

    A job never seen before gets its first ledger entry now (an installation's first start
    does not run every monthly job at once).
    """
    now = now or timezone.now()
    queued = []
    for task_class in HUEY._registry._periodic_tasks:
        entry = ledger(task_class)
        started = entry.get("started")
        if started is None:
            if not entry:
                HUEY.put(_KEY.format(_name(task_class)), {"started": now, "finished": now})
            continue
        missed = last_due(task_class, now, started) is not None
        if interrupted(entry) or missed:
            HUEY.enqueue(task_class())
            queued.append(_name(task_class))
            log.warning(
                "job %s %s: run again now",
                _name(task_class),
                "was interrupted" if interrupted(entry) else "missed its scheduled time",
            )
    return queued
