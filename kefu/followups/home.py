"""The follow-ups panel of the home page: my callbacks due this week and those overdue."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.followups.models import FollowUp, Status
from kefu.org.permissions import allowed


def panel(request) -> dict | None:
    user = request.user
    if not allowed(user, "followup.view"):
        return None
    today = timezone.localdate()
    planned = FollowUp.objects.filter(owner=user, status=Status.PLANNED)
    due = planned.filter(due_on__lte=today + dt.timedelta(days=7))
    return {
        "due_week": due.count(),
        "overdue": planned.filter(due_on__lt=today).count(),
        "next": list(due.select_related("customer").order_by("due_on")[:5]),
    }
