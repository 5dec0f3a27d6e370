from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core import jobs  # noqa: F401 - records each periodic run in the job ledger
from kefu.core.services import worker_heartbeat_beat


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    worker_heartbeat_beat()
