"""Pages of service supervision, grouped by rule: duty log (R-SUP-1), weekly reports
(R-SUP-3), process walk-throughs (R-SUP-5)."""

from __future__ import annotations

from kefu.supervision.views.dutylog import (
    duty_day,
    duty_entry_new,
    duty_month,
    sample_detail,
    sample_list,
    sample_review,
    sample_sign,
)
from kefu.supervision.views.walkthroughs import (
    fix_move,
    walkthrough_detail,
    walkthrough_list,
    walkthrough_new,
)
from kefu.supervision.views.weekly import weekly_detail, weekly_draft, weekly_list

__all__ = [
    "duty_day",
    "duty_entry_new",
    "duty_month",
    "fix_move",
    "sample_detail",
    "sample_list",
    "sample_review",
    "sample_sign",
    "walkthrough_detail",
    "walkthrough_list",
    "walkthrough_new",
    "weekly_detail",
    "weekly_draft",
    "weekly_list",
]
