"""R-FUP-1 callback plans from delivered contracts, R-FUP-5 relationship upkeep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext

from kefu.audit.models import AuditEntry
from kefu.core.models import PolicySetting
from kefu.customers.models import Customer
from kefu.followups.models import FollowUp, Kind, Status
from kefu.followups.plans import add_months, callback_due
from kefu.followups.services import followups_generate
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.followups.factories import cancel, delivered_contract, managed_customer, manager

pytestmark = pytest.mark.django_db
DELIVERED = dt.date(2025, 1, 31)


def _callbacks(contract):
    return FollowUp.objects.filter(contract=contract, kind=Kind.DELIVERY_CALLBACK)


def test_it_adds_months_keeping_the_end_of_month():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)
    assert add_months(dt.date(2025, 3, 15), -3) == dt.date(2024, 12, 15)


def test_r_fup_1_walks_a_contract_through_18_months_counting_12_monthly_then_2_quarterly():
    """R-FUP-1: a fake clock runs the daily job weekly for 18 months after delivery."""
    customer = managed_customer()
    contract = delivered_contract(customer, DELIVERED)
    end = add_months(DELIVERED, 18)
    today = DELIVERED
    while today <= end:
        followups_generate(actor=SYSTEM, today=today)
        today += dt.timedelta(days=7)
    followups_generate(actor=SYSTEM, today=end)
    dues = list(_callbacks(contract).order_by("sequence").values_list("due_on", flat=True))
    monthly = [add_months(DELIVERED, m) for m in range(1, 13)]
    quarterly = [add_months(DELIVERED, 15), add_months(DELIVERED, 18)]
    assert dues == monthly + quarterly
    assert all(t.owner == customer.manager for t in _callbacks(contract))


def test_r_fup_1_never_makes_duplicates_when_generating_twice():
    contract = delivered_contract(managed_customer(), DELIVERED)
    first = followups_generate(actor=SYSTEM, today=DELIVERED + dt.timedelta(days=20))
    again = followups_generate(actor=SYSTEM, today=DELIVERED + dt.timedelta(days=20))
    assert first["delivery_callback"]["created"] == 1
    assert again["delivery_callback"]["created"] == 0
    assert _callbacks(contract).count() == 1


def test_r_fup_1_reads_the_intervals_from_policy():
    PolicySetting.objects.create(key="followups.first_year_interval_months", value="3")
    assert callback_due(DELIVERED, 4, first_year=3, later=6) == add_months(DELIVERED, 12)
    assert callback_due(DELIVERED, 5, first_year=3, later=6) == add_months(DELIVERED, 18)
    contract = delivered_contract(managed_customer(), DELIVERED)
    followups_generate(actor=SYSTEM, today=add_months(DELIVERED, 3))
    assert list(_callbacks(contract).values_list("due_on", flat=True)) == [add_months(DELIVERED, 3)]


def test_r_fup_1_cancels_the_future_tasks_of_a_cancelled_contract():
    contract = delivered_contract(managed_customer(), DELIVERED)
    today = add_months(DELIVERED, 2)
    followups_generate(actor=SYSTEM, today=today)
    past = _callbacks(contract).filter(due_on__lt=today).get()
    cancel(contract)
    result = followups_generate(actor=SYSTEM, today=today)
    assert result["delivery_callback"]["cancelled"] == 2
    future = _callbacks(contract).filter(due_on__gte=today)
    assert {t.status for t in future} == {Status.CANCELLED}
    past.refresh_from_db()
    assert past.status == Status.PLANNED


def test_r_fup_1_re_dates_the_future_tasks_of_a_moved_delivery():
    contract = delivered_contract(managed_customer(), DELIVERED)
    followups_generate(actor=SYSTEM, today=DELIVERED)
    task = _callbacks(contract).get()
    moved = DELIVERED + dt.timedelta(days=10)
    type(contract).objects.filter(pk=contract.pk).update(delivered_on=moved)
    result = followups_generate(actor=SYSTEM, today=DELIVERED)
    task.refresh_from_db()
    assert result["delivery_callback"]["moved"] == 1
    assert (task.due_on, task.anchor_on) == (add_months(moved, 1), moved)
    assert AuditEntry.objects.filter(
        target_id=str(task.pk), summary=gettext("delivery date moved")
    ).exists()


def test_r_fup_1_gives_a_customer_without_manager_to_the_supervisor():
    dept = factories.department()
    supervisor = factories.user(Role.CS_SUPERVISOR, department=dept)
    customer = managed_customer(owner=manager(factories.department(parent=dept)))
    Customer.objects.filter(pk=customer.pk).update(manager=None)
    contract = delivered_contract(Customer.objects.get(pk=customer.pk), DELIVERED)
    followups_generate(actor=SYSTEM, today=DELIVERED)
    assert _callbacks(contract).get().owner == supervisor


def test_r_fup_1_generates_from_the_command_line(capsys):
    contract = delivered_contract(managed_customer(), DELIVERED)
    call_command("followups_generate", "--today", str(DELIVERED))
    assert "delivery_callback: created 1" in capsys.readouterr().out
    assert _callbacks(contract).count() == 1


def test_r_fup_1_refuses_generation_by_an_agent():
    from kefu.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        followups_generate(actor=factories.user(Role.AGENT), today=DELIVERED)


def test_r_fup_5_plans_upkeep_at_the_grade_cadence():
    """R-FUP-5: A monthly, B quarterly, C half-yearly, D yearly; one planned task at a time."""
    today = dt.date(2026, 3, 1)
    customers = {g: managed_customer(first_grade=g) for g in "ABCD"}
    for c in customers.values():
        Customer.objects.filter(pk=c.pk).update(created_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC))
    followups_generate(actor=SYSTEM, today=today)
    upkeep = FollowUp.objects.filter(kind=Kind.UPKEEP)
    assert {t.customer.first_grade: t.due_on for t in upkeep} == {"A": dt.date(2026, 3, 20)}
    later = dt.date(2027, 2, 1)
    followups_generate(actor=SYSTEM, today=later)
    months = {t.customer.first_grade: t.interval_months for t in upkeep.filter(status="planned")}
    assert months == {"A": 1, "B": 3, "C": 6, "D": 12}
    assert upkeep.filter(customer=customers["A"], status="planned").count() == 1


def test_r_fup_5_re_plans_upkeep_when_the_grade_changes():
    today = dt.date(2026, 3, 1)
    customer = managed_customer(first_grade="A")
    Customer.objects.filter(pk=customer.pk).update(
        created_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    )
    assert followups_generate(actor=SYSTEM, today=today)["upkeep"]["created"] == 1
    Customer.objects.filter(pk=customer.pk).update(first_grade="")
    result = followups_generate(actor=SYSTEM, today=today)
    assert result["upkeep"]["cancelled"] == 1
    assert not FollowUp.objects.filter(kind=Kind.UPKEEP, status=Status.PLANNED).exists()


def test_r_fup_1_hands_planned_callbacks_to_the_customers_new_manager():
    customer = managed_customer()
    contract = delivered_contract(customer, DELIVERED)
    followups_generate(actor=SYSTEM, today=DELIVERED)
    successor = manager(customer.department)
    Customer.objects.filter(pk=customer.pk).update(manager=successor)
    assert followups_generate(actor=SYSTEM, today=DELIVERED)["owners"]["reassigned"] == 1
    assert _callbacks(contract).get().owner == successor


def test_r_fup_1_runs_the_periodic_jobs_of_the_worker():
    from kefu.followups import tasks

    contract = delivered_contract(managed_customer(), timezone.localdate())
    tasks.followups_generate_daily.call_local()
    tasks.complaint_callbacks_plan.call_local()
    assert _callbacks(contract).count() == 1
