from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="8", minute="0"))
def weekly_reports_draft_daily() -> None:
    """R-SUP-3: from the meeting day on, draft the week's reports (idempotent: drafts once,
    then only refreshes the figures of drafts not yet submitted)."""
    from django.utils import timezone

    from kefu import policy
    from kefu.org.permissions import SYSTEM
    from kefu.supervision.services import weekly_reports_draft

    if timezone.localdate().isoweekday() >= policy.get("supervision.weekly_meeting_weekday"):
        weekly_reports_draft(actor=SYSTEM)
