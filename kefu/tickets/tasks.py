from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.tickets.services import tickets_check_time_limits, tickets_flag_missed_appointments


@db_periodic_task(crontab(minute="*/2"))
def check_time_limits() -> None:
    """R-TIC-6: breached time limits escalate one level."""
    tickets_check_time_limits()


@db_periodic_task(crontab(minute="*/5"))
def flag_missed_appointments() -> None:
    """R-TIC-8: visits not recorded by their agreed time are flagged."""
    tickets_flag_missed_appointments()
