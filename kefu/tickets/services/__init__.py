"""Every write to a ticket. One business action, one function; each checks, locks, audits.

Rules enforced here: R-TIC-2 (first responder), R-TIC-3 (solve first, file after),
R-TIC-4 (repeat contacts), R-TIC-5 (major matters), R-TIC-6 (time limits),
R-TIC-7 (complaint loop), R-TIC-8 (appointments, fees), R-TIC-9 (shirking → arbitration),
R-TIC-10 (versions). Callers use ``kefu.tickets.services.<name>``; the modules of this
package group the actions by stage.
"""

from __future__ import annotations

from kefu.tickets.services._common import _check_work
from kefu.tickets.services.flow import (
    ticket_close,
    ticket_record_callback,
    ticket_resolve,
    ticket_transition,
)
from kefu.tickets.services.handoffs import (
    _check_receiver,
    handoff_accept,
    handoff_reject,
    ticket_arbitrate,
    ticket_handoff,
)
from kefu.tickets.services.links import ticket_merge, ticket_split
from kefu.tickets.services.paid import ticket_charge, ticket_payment, ticket_visit_done
from kefu.tickets.services.records import ticket_add_contact, ticket_comment, ticket_create
from kefu.tickets.services.timekeeping import (
    tickets_check_time_limits,
    tickets_flag_missed_appointments,
)

__all__ = [
    "_check_receiver",
    "_check_work",
    "handoff_accept",
    "handoff_reject",
    "ticket_add_contact",
    "ticket_arbitrate",
    "ticket_charge",
    "ticket_close",
    "ticket_comment",
    "ticket_create",
    "ticket_handoff",
    "ticket_merge",
    "ticket_payment",
    "ticket_record_callback",
    "ticket_resolve",
    "ticket_split",
    "ticket_transition",
    "ticket_visit_done",
    "tickets_check_time_limits",
    "tickets_flag_missed_appointments",
]
