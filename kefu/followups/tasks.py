from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="2", minute="30"))
def followups_generate_daily() -> None:
    """R-FUP-1, R-FUP-2, R-FUP-5: plan the callbacks and upkeep contacts due within the horizon."""
    from kefu.followups.services import followups_generate
    from kefu.org.permissions import SYSTEM

    followups_generate(actor=SYSTEM)


@db_periodic_task(crontab(minute="*/10"))
def complaint_callbacks_plan() -> None:
    """R-FUP-2: a complaint that reached "awaiting callback" gets its task within minutes."""
    from kefu.followups.services import complaint_callbacks_sync

    complaint_callbacks_sync()


@db_periodic_task(crontab(month="12", day="1", hour="3", minute="0"))
def demand_campaign_open() -> None:
    """R-FUP-6: on 1 December, open the campaign for next year's demand plans."""
    from kefu.followups.campaigns import campaign_open_yearly

    campaign_open_yearly()
