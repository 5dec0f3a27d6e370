"""Reports test data: a month of tickets, calls, callbacks and survey answers, built per test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from kefu.followups.models import FollowUp, Survey, SurveyResponse
from kefu.org.permissions import SYSTEM
from kefu.reports.models import Indicator
from kefu.reports.services import scheme_save
from kefu.tickets.models import Ticket
from tests.callcenter.factories import at, call
from tests.customers import factories as customer_factories
from tests.tickets.factories import agent, ticket

__all__ = ["at", "call", "agent", "ticket", "ticket_on", "followup", "survey_answer", "scheme"]


def ticket_on(day: str, *, actor=None, time: str = "10:00", **fields) -> Ticket:
    """A ticket recorded on ``day`` (local time) through the service, flags set afterwards."""
    flags = {
        k: fields.pop(k)
        for k in list(fields)
        if k
        in {
            "resolved_at_first_contact",
            "response_breached",
            "resolution_breached",
            "resolved_at",
        }
    }
    with time_machine.travel(at(day, time), tick=False):
        t = ticket(actor=actor, **fields)
    if flags:
        Ticket.objects.filter(pk=t.pk).update(**flags)
        t.refresh_from_db()
    return t


def followup(
    *, department, due_on: dt.date, status: str = "planned", kind="delivery_callback", **fields
) -> FollowUp:
    customer = fields.pop("customer", None) or customer_factories.customer(department=department)
    return FollowUp.objects.create(
        kind=kind,
        customer=customer,
        department=department,
        due_on=due_on,
        status=status,
        **fields,
    )


def survey_answer(*, answered_at: dt.datetime, score: str, department=None, agent=None):
    survey = Survey.objects.first() or Survey.objects.create(title="满意度调查")
    customer = customer_factories.customer(department=department)
    return SurveyResponse.objects.create(
        survey=survey,
        customer=customer,
        way="link",
        answered_at=answered_at,
        scale_mean=Decimal(score),
        department=department,
        agent=agent,
    )


def scheme(name="客服部考核", *, lines: list[tuple[str, str, str]], departments=(), positions=()):
    """``lines`` of (indicator code, target, weight)."""
    items = [
        {"indicator": Indicator.objects.get(code=code).pk, "target": target, "weight": weight}
        for code, target, weight in lines
    ]
    return scheme_save(
        actor=SYSTEM,
        name=name,
        items=items,
        departments=[d.pk for d in departments],
        positions=[p.pk for p in positions],
    )
