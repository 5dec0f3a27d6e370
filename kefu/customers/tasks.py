from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kefu.customers.imports import customer_import_run


@db_task()
def customer_import(job_id: int) -> None:
    """A page import (R-CUS-10) runs here so a large file does not hold the web request."""
    customer_import_run(job_id)


@db_periodic_task(crontab(day="1", hour="3", minute="0"))
def quality_lists_monthly() -> None:
    """R-CUS-4: on the first of each month, keep the month's quality lists."""
    from django.utils import timezone

    from kefu.customers.services import quality_list_store
    from kefu.org.permissions import SYSTEM

    quality_list_store(actor=SYSTEM, month=timezone.localdate())
