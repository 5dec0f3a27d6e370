"""Ticket states and their allowed transitions, as data (R-TIC-7).

One function, :func:`allowed_next`, answers what may follow what; the service
layer refuses anything else with a 409 naming both states.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    # General flow: recorded by the first responder, handed on, worked, resolved, closed.
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    # Complaint loop (R-TIC-7): record → analyse → assign → supervise → track → callback → close.
    ANALYSING = "analysing", _("analysing")
    ASSIGNED = "assigned", _("assigned")
    SUPERVISING = "supervising", _("supervising")
    TRACKING = "tracking", _("tracking")
    CALLBACK = "callback", _("awaiting callback")
    # Waiting on the customer or a third party: the clock stops (paused time is recorded).
    WAITING = "waiting", _("waiting on customer or third party")
    ARBITRATION = "arbitration", _("in arbitration")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


S = State
OPEN_STATES = frozenset(s for s in State if s not in {S.RESOLVED, S.CLOSED})
# The same, as the sorted list the queues filter by and their partial indexes are built on.
OPEN_STATE_VALUES = sorted(s.value for s in OPEN_STATES)
PAUSED_STATES = frozenset({S.WAITING})

# What may follow each state. WAITING returns to the state it paused (checked in the service).
GENERAL: dict[State, frozenset[State]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.ARBITRATION}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.RESOLVED, S.ARBITRATION}),
    S.WAITING: frozenset({S.OPEN, S.IN_PROGRESS}),
    S.ARBITRATION: frozenset({S.IN_PROGRESS}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}
COMPLAINT: dict[State, frozenset[State]] = {
    S.OPEN: frozenset({S.ANALYSING, S.WAITING, S.ARBITRATION}),
    S.ANALYSING: frozenset({S.ASSIGNED, S.WAITING}),
    S.ASSIGNED: frozenset({S.SUPERVISING, S.TRACKING, S.WAITING, S.ARBITRATION, S.RESOLVED}),
    S.SUPERVISING: frozenset({S.TRACKING, S.WAITING, S.RESOLVED}),
    S.TRACKING: frozenset({S.RESOLVED, S.WAITING}),
    S.WAITING: frozenset({S.OPEN, S.ANALYSING, S.ASSIGNED, S.SUPERVISING, S.TRACKING}),
    S.ARBITRATION: frozenset({S.ASSIGNED}),
    S.RESOLVED: frozenset({S.CALLBACK, S.TRACKING}),
    S.CALLBACK: frozenset({S.CLOSED, S.TRACKING}),
    S.CLOSED: frozenset(),
}


def table_for(kind: str) -> dict[State, frozenset[State]]:
    return COMPLAINT if kind == "complaint" else GENERAL


def allowed_next(kind: str, state: str) -> frozenset[State]:
    return table_for(kind).get(State(state), frozenset())
