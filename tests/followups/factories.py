"""Follow-up test data: a customer with a manager, delivered contracts, complaints in callback."""

from __future__ import annotations

import datetime as dt

from kefu.customers import services as customer_services
from kefu.customers.models import Customer
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.tickets import services as ticket_services
from tests import factories
from tests.customers import factories as customer_factories
from tests.tickets import factories as ticket_factories


def manager(department=None):
    return factories.user(Role.CUSTOMER_MANAGER, department=department or factories.department())


def managed_customer(*, owner=None, first_grade: str = "", **fields):
    """A customer served by ``owner`` (a new customer manager); the grade set as if approved."""
    owner = owner or manager()
    customer = customer_factories.customer(department=owner.department, manager=owner, **fields)
    if first_grade:
        Customer.objects.filter(pk=customer.pk).update(first_grade=first_grade)
        customer.first_grade = first_grade
    return customer


def delivered_contract(customer, delivered_on: dt.date):
    return customer_factories.contract(
        customer, signed_on=delivered_on - dt.timedelta(days=30), delivered_on=delivered_on
    )


def cancel(contract):
    return customer_services.contract_cancel(actor=SYSTEM, contract=contract, reason="客户退订")


def complaint_awaiting_callback(*, customer=None, phone: str = ""):
    """A complaint taken through the loop to "awaiting callback" (R-TIC-7).

    With ``phone`` it comes from a caller who is no customer on record."""
    agent = ticket_factories.agent()
    if phone:
        ticket = ticket_factories.ticket(actor=agent, phone=phone, kind="complaint")
    else:
        customer = customer or managed_customer()
        ticket = ticket_factories.ticket(actor=agent, customer=customer, kind="complaint")
    for state in ("analysing", "assigned"):
        ticket = ticket_services.ticket_transition(
            actor=agent, ticket=ticket, version=ticket.version, to_state=state
        )
    return ticket_services.ticket_resolve(
        actor=agent, ticket=ticket, version=ticket.version, resolution="已维修"
    )
