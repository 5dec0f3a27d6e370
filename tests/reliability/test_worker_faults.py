"""Faults: a worker killed with SIGKILL in the middle of a periodic job (issue 10).

Huey never acknowledges a task: a run killed half-way is lost (coleifer/huey#571, #844).
Kefu's answer (kefu/core/jobs.py): each periodic job writes its effect in one transaction
and is idempotent; a job ledger in the queue's storage records each run's start and end,
and `kefu worker` enqueues, when it starts, every job killed mid-run.

Each test is a real installation: `kefu worker` in a subprocess, stopped at a known point
of the job by a receiver this file injects into the worker process (no hook in Kefu's code),
killed there with SIGKILL, restarted as a plain `kefu worker`, and the rows are counted.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from kefu.core.jobs import interrupted
from tests.reliability.installation import Installation, wait_for

# `kefu worker`, with one extra receiver: the first time the job saves a row of PAUSE_MODEL
# (inside its transaction, more rows to come) or the queue reports the job complete
# (its transaction committed, the ledger not yet told), write the marker file and stop.
PAUSED_WORKER = textwrap.dedent(
    """
    import os, pathlib, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django
    django.setup()
    from django.db.models.signals import post_save
    from django.utils.module_loading import autodiscover_modules
    from huey import signals
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    marker = pathlib.Path(os.environ["PAUSE_MARKER"])
    model, job = os.environ.get("PAUSE_MODEL", ""), os.environ.get("PAUSE_AFTER_COMMIT", "")

    def pause():
        marker.write_text(str(os.getpid()))
        time.sleep(600)  # SIGKILL arrives here

    def on_save(sender, **kwargs):
        if sender._meta.label == model and not marker.exists():
            pause()

    def on_complete(signal, task, *args, **kwargs):
        if type(task).__name__ == job and not marker.exists():
            pause()

    post_save.connect(on_save, weak=False)
    HUEY._signal.receivers.setdefault(signals.SIGNAL_COMPLETE, []).insert(0, on_complete)
    from django.core.management import call_command
    call_command("worker")
    """
)

JOBS = {
    "followups": "kefu.followups.tasks.followups_generate_daily",
    "breach": "kefu.tickets.tasks.check_time_limits",
    "report": "kefu.reports.tasks.monthly_report_build_last_month",
}

SETUP = {
    # Five graded customers, known for two years: each gets one upkeep contact (R-FUP-5).
    "followups": """
        import datetime as dt
        from kefu.customers.models import Customer
        from tests.followups.factories import managed_customer
        for _ in range(5):
            c = managed_customer(first_grade="A")
            Customer.objects.filter(pk=c.pk).update(
                created_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    """,
    # Three tickets whose response time limit has passed: each escalates once (R-TIC-6).
    "breach": """
        import datetime as dt
        from django.utils import timezone
        from kefu.tickets.models import Ticket
        from tests.tickets.factories import ticket
        for _ in range(3):
            t = ticket()
            Ticket.objects.filter(pk=t.pk).update(
                response_due=timezone.now() - dt.timedelta(hours=1))
    """,
    "report": "",
}


def _enqueue(site: Installation, job: str) -> None:
    module, name = JOBS[job].rsplit(".", 1)
    site.python(f"from {module} import {name}; {name}()")  # called, not immediate: queued


def _prepared(installations, job: str) -> Installation:
    site = installations.new(f"worker-{job}")
    if SETUP[job]:
        site.python(textwrap.dedent(SETUP[job]))
    return site


def _kill_paused_worker(site: Installation, job: str, **pause: str) -> None:
    """Start the worker with the pause, run the job, wait for the pause, SIGKILL the worker."""
    marker = site.folder / "paused"
    worker = site.start([sys.executable, "-c", PAUSED_WORKER], PAUSE_MARKER=str(marker), **pause)
    _enqueue(site, job)
    try:
        wait_for(f"{job} to reach its pause point", marker.exists, timeout=120)
    except AssertionError as exc:
        said = worker.log_path.read_text()[-3000:]
        raise AssertionError(f"{exc}; the worker said:\n{said}") from None
    entry = site.ledger(JOBS[job])  # the ledger knows the run started and did not end
    assert interrupted(entry)
    site.kill(worker)


def _restart_and_finish(site: Installation, job: str) -> dict:
    """A plain `kefu worker`: it must run the killed job again by itself, to the end."""
    killed = site.ledger(JOBS[job])["started"]
    site.start([sys.executable, "-m", "kefu.cli", "worker"])
    entry = wait_for(
        f"{job} to run again and finish",
        lambda: (e := site.ledger(JOBS[job])).get("finished", killed) > killed and e,
        timeout=90,
    )
    assert entry["started"] > killed  # a new run, started by the catch-up
    return entry


@pytest.fixture
def installations_cleanup(installations):
    made_before = len(installations.all)
    yield installations
    for site in installations.all[made_before:]:
        site.stop_all()


def test_callback_generation_killed_mid_transaction_runs_again_once(installations_cleanup):
    """R-FUP-5 upkeep planning: killed after its first row, before commit: nothing is left;
    the restarted worker runs it again; each customer has exactly one planned contact."""
    site = _prepared(installations_cleanup, "followups")
    _kill_paused_worker(site, "followups", PAUSE_MODEL="followups.FollowUp")
    assert site.value("SELECT count(*) FROM followups_followup") == 0
    _restart_and_finish(site, "followups")
    per_customer = site.rows(
        "SELECT customer_id, count(*) FROM followups_followup WHERE kind = 'upkeep' "
        "GROUP BY customer_id"
    )
    assert len(per_customer) == 5 and {n for _, n in per_customer} == {1}


def test_callback_generation_killed_after_commit_adds_nothing_twice(installations_cleanup):
    """Killed after the job committed but before the ledger heard: the job runs again on
    restart (the ledger says interrupted) and, being idempotent, adds nothing."""
    site = _prepared(installations_cleanup, "followups")
    _kill_paused_worker(site, "followups", PAUSE_AFTER_COMMIT="followups_generate_daily")
    assert site.value("SELECT count(*) FROM followups_followup") == 5
    _restart_and_finish(site, "followups")
    assert site.value("SELECT count(*) FROM followups_followup") == 5


def test_breach_scan_killed_mid_transaction_escalates_each_ticket_once(installations_cleanup):
    """R-TIC-6: killed after the first ticket's breach event, before commit: no ticket is
    escalated; after the restart each of the three is escalated exactly one level, once."""
    site = _prepared(installations_cleanup, "breach")
    _kill_paused_worker(site, "breach", PAUSE_MODEL="tickets.TicketEvent")
    assert site.value("SELECT count(*) FROM tickets_ticket WHERE escalation_level > 0") == 0
    assert site.value("SELECT count(*) FROM tickets_ticketevent WHERE kind = 'breach'") == 0
    _restart_and_finish(site, "breach")
    levels = site.rows("SELECT escalation_level, response_breached FROM tickets_ticket")
    assert sorted(levels) == [(1, True)] * 3
    breaches = site.rows(
        "SELECT ticket_id, count(*) FROM tickets_ticketevent WHERE kind = 'breach' "
        "GROUP BY ticket_id"
    )
    assert len(breaches) == 3 and {n for _, n in breaches} == {1}


def test_monthly_report_build_killed_mid_transaction_builds_one_report(installations_cleanup):
    """R-SUP-2: killed after the report row was written, before commit: no report; the
    restarted worker builds last month's report once (one row, one audit entry)."""
    site = _prepared(installations_cleanup, "report")
    _kill_paused_worker(site, "report", PAUSE_MODEL="reports.MonthlyReport")
    assert site.value("SELECT count(*) FROM reports_monthlyreport") == 0
    _restart_and_finish(site, "report")
    assert site.rows("SELECT version, status FROM reports_monthlyreport") == [(1, "draft")]
    audited = "SELECT count(*) FROM audit_auditentry WHERE target_type = 'reports.monthlyreport'"
    assert site.value(audited) == 1
