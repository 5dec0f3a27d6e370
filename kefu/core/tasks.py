from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kefu.core import jobs  # noqa: F401 - records each periodic run in the job ledger
from kefu.core.services import worker_heartbeat_beat


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    worker_heartbeat_beat()


@db_task(retries=3, retry_delay=120)
def notification_email(subject: str, body: str, emails: list[str]) -> None:
    """The email beside an in-app notification, sent by the worker after the commit; a mail
    server that is down is tried again three times, two minutes apart."""
    from kefu.core.notify import email_send

    email_send(subject, body, emails)
