"""Every write to incidents, investigations, sanctions and inspections.

One business action, one function, named ``<entity>_<verb>``; see each module.
"""

from __future__ import annotations

from kefu.incidents.services.inspections import (
    hazard_assign,
    hazard_rectify,
    inspection_record,
    site_create,
)
from kefu.incidents.services.investigations import (
    attendance_record,
    attendee_add,
    injury_filing_create,
    investigation_attach_report,
    investigation_close,
    investigation_hold,
    investigation_schedule,
)
from kefu.incidents.services.reports import (
    chain_step_done,
    incident_close,
    incident_correct,
    incident_flag_concealed,
    incident_progress,
    incident_report,
    party_add,
)
from kefu.incidents.services.sanctions import (
    sanction_add,
    sanction_confirm,
    sanction_drop,
    sanction_rule_create,
    sanction_rule_delete,
    sanction_rule_update,
)

__all__ = [
    "attendance_record",
    "attendee_add",
    "chain_step_done",
    "hazard_assign",
    "hazard_rectify",
    "incident_close",
    "incident_correct",
    "incident_flag_concealed",
    "incident_progress",
    "incident_report",
    "injury_filing_create",
    "inspection_record",
    "investigation_attach_report",
    "investigation_close",
    "investigation_hold",
    "investigation_schedule",
    "party_add",
    "sanction_add",
    "sanction_confirm",
    "sanction_drop",
    "sanction_rule_create",
    "sanction_rule_delete",
    "sanction_rule_update",
    "site_create",
]
