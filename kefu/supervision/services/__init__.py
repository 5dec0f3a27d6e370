"""Every write of service supervision. One business action, one function; each checks, audits.

R-SUP-1 (duty log, daily sign-off, monthly sample) in ``dutylog``; R-SUP-3 (weekly
reports) in ``weekly``; R-SUP-5 (process walk-throughs) in ``walkthroughs``.
Callers use ``kefu.supervision.services.<name>``.
"""

from __future__ import annotations

from kefu.supervision.services.dutylog import (
    duty_day_sign,
    duty_log_entry_create,
    duty_log_entry_update,
    duty_sample_draw,
    duty_sample_sign,
    sample_item_review,
)
from kefu.supervision.services.walkthroughs import (
    fix_transition,
    walkthrough_add_fix,
    walkthrough_create,
)
from kefu.supervision.services.weekly import (
    weekly_report_submit,
    weekly_report_update,
    weekly_reports_draft,
)

__all__ = [
    "duty_day_sign",
    "duty_log_entry_create",
    "duty_log_entry_update",
    "duty_sample_draw",
    "duty_sample_sign",
    "fix_transition",
    "sample_item_review",
    "walkthrough_add_fix",
    "walkthrough_create",
    "weekly_report_submit",
    "weekly_report_update",
    "weekly_reports_draft",
]
