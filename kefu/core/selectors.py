from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from kefu import __version__
from kefu.core.models import WorkerHeartbeat


def system_status() -> dict:
    """What the status card and /api/v1/health show: database, worker, version."""
    beat = WorkerHeartbeat.objects.filter(name="worker").first()
    worker_ok = bool(beat and timezone.now() - beat.last_seen < dt.timedelta(minutes=3))
    return {
        "version": __version__,
        "database": connection.vendor,
        "worker_running": worker_ok,
        "worker_last_seen": beat.last_seen if beat else None,
    }
