from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def incident_reminders() -> None:
    """R-INC-4, R-INC-7: investigation meetings coming due, hazards past their deadline."""
    from kefu.incidents.services.reminders import incident_reminders_send

    incident_reminders_send()
