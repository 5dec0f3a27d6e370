"""Every write of the call centre: imports, live events, hotlines, queues, extensions, links, plays,
shift templates, leave and forecast overrides.

Each function checks the actor's permission first (R-SEC-3), writes atomically and records
the write in the audit trail (R-SEC-2). Live PBX events are written to their own append-only
log (:class:`~kefu.callcenter.models.CtiEvent`) rather than the audit trail, one row each.

The modules of this package group the actions; callers use
``kefu.callcenter.services.<name>``.
"""

from __future__ import annotations

from kefu.callcenter.services.calls import call_link_ticket, call_recording_play, call_recording_set
from kefu.callcenter.services.cti import (
    cti_blocked_set,
    cti_event_receive,
    cti_settings,
    cti_token_rotate,
)
from kefu.callcenter.services.imports import call_import_run, call_import_start, calls_import
from kefu.callcenter.services.lookups import agents_by_label, phone_key
from kefu.callcenter.services.schedule import (
    forecast_override_remove,
    forecast_override_set,
    shift_template_create,
    shift_template_update,
    staff_leave_cancel,
    staff_leave_create,
)
from kefu.callcenter.services.setup import (
    UNCHANGED,
    agent_extension_set,
    hotline_create,
    hotline_update,
    queue_rename,
)

__all__ = [
    "agent_extension_set",
    "agents_by_label",
    "call_import_run",
    "call_import_start",
    "call_link_ticket",
    "call_recording_play",
    "call_recording_set",
    "calls_import",
    "cti_blocked_set",
    "cti_event_receive",
    "cti_settings",
    "cti_token_rotate",
    "forecast_override_remove",
    "forecast_override_set",
    "UNCHANGED",
    "hotline_create",
    "hotline_update",
    "phone_key",
    "queue_rename",
    "shift_template_create",
    "shift_template_update",
    "staff_leave_cancel",
    "staff_leave_create",
]
