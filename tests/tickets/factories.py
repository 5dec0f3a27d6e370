"""Ticket test data: a call-centre department with an agent, and tickets recorded by them."""

from __future__ import annotations

from kefu.org.roles import Role
from kefu.tickets import services
from tests import factories
from tests.customers import factories as customer_factories


def agent(department=None, **kw):
    return factories.user(Role.AGENT, department=department or factories.department(), **kw)


def ticket(*, actor=None, customer=None, kind="inquiry", channel="phone", **fields):
    actor = actor or agent()
    if customer is None and "phone" not in fields:
        customer = customer_factories.customer(department=actor.department)
    return services.ticket_create(
        actor=actor,
        kind=kind,
        channel=channel,
        description=fields.pop("description", "客户来电反映问题"),
        customer=customer,
        **fields,
    )
