"""The supervision panel of the home page, by what each person does here:
the supervisor's unsigned duty days and late or missing weekly reports (R-SUP-1, R-SUP-3),
the director's samples waiting, a technical service person's weekly report draft, and
anyone's open walk-through fixes (R-SUP-5)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.org.permissions import allowed
from kefu.supervision import selectors
from kefu.supervision.models import WeeklyReport, WeeklyStatus
from kefu.supervision.weekly_figures import week_start_of


def panel(request) -> dict | None:
    user = request.user
    today = timezone.localdate()
    context: dict = {}
    if allowed(user, "dutylog.sign"):
        context["unsigned"] = selectors.unsigned_days(today=today, limit=10)
    if allowed(user, "weekly.supervise"):
        this_week = week_start_of(today)
        context["weekly_problems"] = [
            {"week": f"{week:%G-W%V}", "rows": rows}
            for week in (this_week, this_week - dt.timedelta(days=7))
            if (rows := selectors.late_or_missing(week))
        ]
    if allowed(user, "dutylog.sample"):
        context["samples"] = selectors.samples_waiting(today=today)
    if allowed(user, "weekly.own"):
        context["my_drafts"] = list(
            WeeklyReport.objects.filter(person=user, status=WeeklyStatus.DRAFT).order_by(
                "-week_start"
            )[:3]
        )
    fixes = list(selectors.open_fixes_of(user)[:10]) if user.is_authenticated else []
    if fixes:
        context["fixes"] = fixes
        context["today"] = today
    return {"supervision": context} if context else None
