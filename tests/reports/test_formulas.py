"""R-SUP-4: KPI values are computed from the data, never typed in."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.errors import ValidationFailed
from kefu.reports import formulas
from kefu.reports.formulas import COMPANY, Unit
from tests import factories
from tests.reports.factories import agent, at, call, followup, survey_answer, ticket_on

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 10, 1)


def value(formula: str, unit=COMPANY, params=None, month=NOV):
    return formulas.evaluate_months(formula, params or {}, unit, [month])[month]


def test_r_sup_4_answer_rate_and_service_level_come_from_the_call_records():
    for wait in (5, 10, 30):
        call(enter_at=at("2026-10-05"), wait=wait)
    call(enter_at=at("2026-10-05"), answered=False, wait=40)
    call(enter_at=at("2026-10-05"), answered=False, blocked=True)  # not offered
    call(enter_at=at("2026-11-05"))  # another month
    rate = value("answer_rate")
    assert (rate.value, rate.numerator, rate.denominator) == (0.75, 3, 4)
    assert value("service_level").value == pytest.approx(2 / 4)  # within 20 s of offered


def test_r_sup_4_ticket_indicators_count_the_months_tickets():
    a = agent()
    ticket_on("2026-10-02", actor=a, resolved_at_first_contact=True)
    first = ticket_on("2026-10-03", actor=a, phone="13800001111")
    ticket_on(
        "2026-10-04",
        actor=a,
        kind="complaint",
        response_breached=True,
        resolved_at=at("2026-10-05"),
    )
    ticket_on("2026-10-06", actor=a, resolved_at=at("2026-10-07"))
    from kefu.tickets.models import Ticket

    Ticket.objects.filter(pk=ticket_on("2026-10-08", actor=a).pk).update(repeat_of=first)
    assert value("fcr").value == pytest.approx(1 / 5)
    assert value("repeat_contact_rate").value == pytest.approx(1 / 5)
    assert value("time_limit_compliance").value == pytest.approx(1 / 2)


def test_r_sup_4_r_tic_6_an_open_ticket_past_its_limit_counts_against_time_limit_compliance():
    """A month whose overdue tickets are all still open must not show 100%: an open ticket
    past a limit counts as a breach; an open ticket still within its limits is not counted."""
    a = agent()
    ticket_on("2026-10-02", actor=a, resolved_at=at("2026-10-03"))  # kept its limits
    ticket_on("2026-10-04", actor=a, resolution_breached=True)  # open, past its limit
    ticket_on("2026-10-05", actor=a, response_breached=True)  # open, answered late
    ticket_on("2026-10-06", actor=a)  # open, still within its limits: not counted yet
    rate = value("time_limit_compliance")
    assert (rate.value, rate.numerator, rate.denominator) == (pytest.approx(1 / 3), 1, 3)
    ticket_on("2026-10-07", actor=a, resolution_breached=True, resolved_at=at("2026-10-20"))
    rate = value("time_limit_compliance")
    assert (rate.numerator, rate.denominator) == (1, 4)  # resolved late: still a breach


def test_r_sup_4_complaints_per_10000_customers_divides_by_the_archive():
    a = agent()
    for _ in range(2):
        ticket_on("2026-10-02", actor=a, kind="complaint")
    ticket_on("2026-10-02", actor=a)
    from kefu.customers.models import Customer

    customers = Customer.objects.count()
    assert value("complaints_per_10k").value == pytest.approx(2 / customers * 10000)


def test_r_sup_4_callback_completion_and_satisfaction():
    dept = factories.department()
    followup(department=dept, due_on=dt.date(2026, 10, 3), status="done")
    followup(department=dept, due_on=dt.date(2026, 10, 4), status="unreached")
    followup(department=dept, due_on=dt.date(2026, 10, 5))
    followup(department=dept, due_on=dt.date(2026, 10, 6), status="cancelled")
    survey_answer(answered_at=at("2026-10-09"), score="4.00", department=dept)
    survey_answer(answered_at=at("2026-10-10"), score="3.00", department=dept)
    assert value("callback_completion").value == pytest.approx(2 / 3)
    assert value("satisfaction").value == pytest.approx(3.5)


def test_r_sup_4_a_department_unit_counts_its_own_and_its_sub_departments_rows():
    top = factories.department(name="客服中心")
    sub = factories.department(name="一组", parent=top)
    other = factories.department(name="工程部")
    for dept in (top, sub, other):
        ticket_on("2026-10-02", actor=agent(dept), resolved_at_first_contact=dept is other)
    assert value("fcr", Unit("department", department=top)).denominator == 2
    assert value("fcr", Unit("department", department=other)).value == 1.0


def test_r_sup_4_a_custom_count_and_ratio_filter_by_the_fields_given():
    a = agent()
    ticket_on("2026-10-02", actor=a, kind="complaint")
    ticket_on("2026-10-02", actor=a, kind="fault")
    ticket_on("2026-10-02", actor=a, kind="fault", channel="web")
    params = formulas.clean_params("count", {"source": "tickets", "filter": {"kind": "fault"}})
    assert value("count", params=params).value == 2
    ratio = formulas.clean_params(
        "ratio",
        {"source": "tickets", "filter": {"channel": "web"}, "denominator": {"kind": "fault"}},
    )
    assert value("ratio", params=ratio).value == pytest.approx(1 / 2)


def test_r_sup_4_a_custom_filter_takes_any_of_several_values_and_numeric_comparisons():
    a = agent()
    ticket_on("2026-10-02", actor=a, kind="complaint")
    ticket_on("2026-10-02", actor=a, kind="fault")
    ticket_on("2026-10-02", actor=a, kind="inquiry")
    either = formulas.clean_params(
        "count", {"source": "tickets", "filter": {"kind__in": ["complaint", "fault"]}}
    )
    assert value("count", params=either).value == 2
    for wait in (5, 20, 21, 60):
        call(enter_at=at("2026-10-05"), wait=wait)
    quick = formulas.clean_params(
        "ratio",
        {"source": "calls", "filter": {"wait_seconds__lte": 20}, "denominator": {}},
    )
    answered = value("ratio", params=quick)
    assert (answered.numerator, answered.denominator) == (2, 4)
    slow = formulas.clean_params("count", {"source": "calls", "filter": {"wait_seconds__gt": 20}})
    assert value("count", params=slow).value == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"source": "tickets", "filter": {"kind__lte": "fault"}}, "kind"),  # not a number
        ({"source": "tickets", "filter": {"kind__in": ["fault", "gossip"]}}, "gossip"),
        ({"source": "tickets", "filter": {"kind__in": []}}, "kind__in"),
        ({"source": "tickets", "filter": {"is_major__in": [True]}}, "is_major__in"),
        ({"source": "calls", "filter": {"wait_seconds__lte": "soon"}}, "soon"),
        ({"source": "calls", "filter": {"wait_seconds__regex": ".*"}}, "wait_seconds__regex"),
        ({"source": "tickets", "filter": {"salary": 1}}, "salary"),
        ({"source": "payroll", "filter": {}}, "payroll"),
        ({"source": "tickets", "filter": {"kind": "gossip"}}, "gossip"),
        ({"source": "tickets", "filter": {"is_major": "yes"}}, "is_major"),
    ],
)
def test_r_sup_4_a_formula_over_an_unknown_field_or_value_is_refused(params, message):
    with pytest.raises(ValidationFailed) as err:
        formulas.clean_params("count", params)
    assert message in str(err.value.message)


def test_r_sup_4_months_without_data_have_no_value_rather_than_zero():
    assert value("answer_rate").value is None
    assert value("satisfaction").value is None


def test_r_sup_4_a_departments_answer_rate_counts_the_calls_its_hotlines_missed():
    """R-SUP-4: a missed call has no agent; it counts against the department answering the
    hotline, not nowhere (which made every department's answer rate 100%)."""
    from kefu.callcenter.models import Hotline

    centre = factories.department(name="呼叫中心")
    other = factories.department(name="工程部")
    ours = Hotline.objects.create(number="4008001234", name="客服热线", department=centre)
    a = agent(centre)
    for _n in range(3):
        call(enter_at=at("2026-10-05"), wait=5, agent=a, hotline=ours)
    call(enter_at=at("2026-10-05"), answered=False, wait=40, hotline=ours)
    call(enter_at=at("2026-10-05"), answered=False, wait=40)  # no hotline: the company's only
    rate = value("answer_rate", Unit("department", department=centre))
    assert (rate.numerator, rate.denominator) == (3, 4)
    assert value("answer_rate", Unit("department", department=other)).value is None
    assert value("answer_rate").denominator == 5
