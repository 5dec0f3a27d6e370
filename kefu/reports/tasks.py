from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(day="1", hour="4", minute="0"), retries=2, retry_delay=300)
def monthly_report_build_last_month() -> None:
    """R-SUP-2: on the first day of each month, build last month's supervision report.

    Idempotent: a draft is rebuilt in place, and an issued report is left as it is.
    """
    from kefu.errors import Conflict
    from kefu.org.permissions import SYSTEM
    from kefu.reports.services import monthly_report_build

    try:
        monthly_report_build(actor=SYSTEM)
    except Conflict:
        pass  # already issued: frozen, nothing to do


@db_periodic_task(crontab(hour="1", minute="30"))
def call_facts_nightly() -> None:
    """R-SUP-2, R-SUP-4: keep this month's daily call facts current (and last month's on the
    1st), so the month-end report and the scorecards read facts, not ten million calls."""
    from kefu.core.periods import previous_month, this_month
    from kefu.reports.facts import call_facts_ensure

    call_facts_ensure(previous_month())
    call_facts_ensure(this_month())
