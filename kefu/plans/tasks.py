from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="7", minute="0"))
def plan_checkpoints_remind() -> None:
    """R-PLN-4: each morning, tell owners and team leads of checkpoints that became overdue."""
    from kefu.plans.services import checkpoints_remind_overdue

    checkpoints_remind_overdue()
