from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from kefu.audit.models import Action
from kefu.audit.selectors import audit_entries
from kefu.core.forms import date_param


def _day(value: str) -> dt.datetime | None:
    day = date_param(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def audit_list(request):
    """The audit trail for auditors: filter by record, user, action and day (R-SEC-2)."""
    g = request.GET
    since = _day(g.get("since", ""))
    until = _day(g.get("until", ""))
    entries = audit_entries(
        user=request.user,
        target_type=g.get("target_type") or None,
        target_id=g.get("target_id") or None,
        actor=g.get("actor") or None,
        action=g.get("action") or None,
        since=since,
        until=until + dt.timedelta(days=1) if until else None,
    )
    page = Paginator(entries, 50).get_page(g.get("page"))
    # Field lists for the template: a recorded field may itself be called "items" or
    # "keys", which a template's ``before.items`` would look up instead of the method.
    for entry in page:
        entry.before_fields = list((entry.before or {}).items())
        entry.after_fields = list((entry.after or {}).items())
    return render(
        request,
        "audit/list.html",
        {"page": page, "filters": g, "actions": Action.choices},
    )
