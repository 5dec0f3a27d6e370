"""Every write to business operation plans: one function per business action.

Each checks the actor's permission first (R-SEC-3), runs in one transaction and
writes the audit trail (R-SEC-2). Callers use ``kefu.plans.services.<name>``.
"""

from __future__ import annotations

from kefu.plans.services.drafting import (
    plan_change_request,
    plan_create,
    plan_submit,
    plan_version_update,
)
from kefu.plans.services.execution import (
    checkpoint_add,
    checkpoint_done,
    checkpoints_remind_overdue,
    plan_assign_team,
)
from kefu.plans.services.review import plan_approve, plan_return
from kefu.plans.services.thresholds import (
    chain_for,
    committee_member_add,
    committee_member_remove,
    threshold_create,
    threshold_delete,
    threshold_update,
)

__all__ = [
    "chain_for",
    "checkpoint_add",
    "checkpoint_done",
    "checkpoints_remind_overdue",
    "committee_member_add",
    "committee_member_remove",
    "plan_approve",
    "plan_assign_team",
    "plan_change_request",
    "plan_create",
    "plan_return",
    "plan_submit",
    "plan_version_update",
    "threshold_create",
    "threshold_delete",
    "threshold_update",
]
