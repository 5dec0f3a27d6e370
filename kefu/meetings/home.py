"""The meetings panel of the home page: today's tasks for meeting staff, approvals waiting."""

from __future__ import annotations

from django.utils import timezone

from kefu.meetings import selectors
from kefu.org.permissions import allowed


def panel(request) -> dict | None:
    user = request.user
    staff = allowed(user, "meeting.task")
    approver = allowed(user, "meeting.approve")
    if not staff and not approver:
        return None
    context: dict = {"today": timezone.localdate(), "tasks": None, "pending": None}
    if staff:
        tasks = selectors.tasks_due_today(user)
        context["tasks"] = list(tasks[:8])
        context["tasks_count"] = tasks.count()
        context["now"] = timezone.now()
    if approver:
        pending = selectors.bookings_awaiting_approval(user)
        context["pending"] = list(pending[:5])
        context["pending_count"] = pending.count()
    return context
