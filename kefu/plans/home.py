"""The plans panel of the home page: plans awaiting my review, my checkpoints, overdue ones."""

from __future__ import annotations

from django.utils import timezone

from kefu.org.permissions import allowed
from kefu.plans import selectors


def panel(request) -> dict | None:
    user = request.user
    if not allowed(user, "plan.view"):
        return None
    today = timezone.localdate()
    review = selectors.awaiting_review(user) if allowed(user, "plan.approve") else []
    mine = list(selectors.my_checkpoints(user, today=today)[:5])
    overdue = selectors.checkpoints_overdue(user, today=today)
    if not review and not mine and not allowed(user, "plan.draft"):
        return None
    return {
        "review": review[:5],
        "review_count": len(review),
        "checkpoints": mine,
        "overdue_count": overdue.count(),
        "today": today,
    }
