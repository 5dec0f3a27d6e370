"""The job ledger's catch-up rules (kefu/core/jobs.py), in-process; the kills themselves are
in test_worker_faults.py."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from huey.contrib.djhuey import HUEY

from kefu.core import jobs
from kefu.core.tasks import worker_heartbeat
from kefu.followups.tasks import followups_generate_daily
from kefu.reports.tasks import monthly_report_build_last_month

SH = ZoneInfo("Asia/Shanghai")
DAILY = followups_generate_daily.task_class  # 02:30 every day
MONTHLY = monthly_report_build_last_month.task_class  # 04:00 on the 1st
HEARTBEAT = worker_heartbeat.task_class  # every minute


@pytest.fixture
def queued(monkeypatch):
    """The jobs catch-up enqueues (not run), on an empty ledger."""
    names: list[str] = []
    monkeypatch.setattr(HUEY, "enqueue", lambda task: names.append(type(task).__name__))
    HUEY.storage.flush_all()
    yield names
    HUEY.storage.flush_all()


def _set(task, **times):
    HUEY.put(jobs._KEY.format(jobs._name(task)), times)


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def test_a_first_start_only_records_a_baseline(queued):
    assert jobs.catch_up(now=at(2026, 3, 10, 9)) == []
    assert queued == []
    assert jobs.ledger(DAILY) == {"started": at(2026, 3, 10, 9), "finished": at(2026, 3, 10, 9)}
    assert jobs.catch_up(now=at(2026, 3, 10, 9, 0, 40)) == []
    # Five minutes on, only the every-minute heartbeat is owed; no daily or monthly job is.
    # (Every tasks module is loaded, as in the worker: the registry does not depend on which
    # test imported what first.)
    assert jobs.catch_up(now=at(2026, 3, 10, 9, 5)) == [jobs._name(HEARTBEAT)]


def test_a_run_that_started_and_never_ended_runs_again(queued):
    jobs.catch_up(now=at(2026, 3, 9, 23))  # baseline for every job
    _set(DAILY, started=at(2026, 3, 10, 2, 30, 1), finished=at(2026, 3, 9, 2, 31))
    assert jobs.interrupted(jobs.ledger(DAILY))
    jobs.catch_up(now=at(2026, 3, 10, 2, 40))
    assert "followups_generate_daily" in queued


def test_a_scheduled_time_missed_while_no_worker_ran_runs_once_now(queued):
    jobs.catch_up(now=at(2026, 2, 27, 12))
    _set(MONTHLY, started=at(2026, 2, 1, 4, 0, 1), finished=at(2026, 2, 1, 4, 0, 9))
    _set(DAILY, started=at(2026, 3, 2, 2, 30, 1), finished=at(2026, 3, 2, 2, 30, 5))
    # The worker was down from 28 February to 2 March 09:00: the 1 March report is owed.
    queued.clear()
    jobs.catch_up(now=at(2026, 3, 2, 9))
    assert "monthly_report_build_last_month" in queued
    assert "followups_generate_daily" not in queued  # its 02:30 run happened


def test_a_failed_run_is_left_to_its_next_schedule(queued):
    jobs.catch_up(now=at(2026, 3, 10, 2))
    _set(DAILY, started=at(2026, 3, 10, 2, 30, 1), failed=at(2026, 3, 10, 2, 30, 2))
    jobs.catch_up(now=at(2026, 3, 10, 3))
    assert "followups_generate_daily" not in queued
