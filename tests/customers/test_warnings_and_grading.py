"""R-CUS-6 early warnings, R-CUS-3 grading, R-CUS-4 quality lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.models import PolicySetting
from kefu.customers import selectors, services
from kefu.customers.models import Customer, GradeChange
from kefu.errors import Conflict, PermissionDenied
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def _claims(contract, n, *, paid="0", days_ago=10):
    for _i in range(n):
        services.claim_create(
            actor=SYSTEM,
            contract=contract,
            amount_claimed="100",
            amount_paid=paid,
            claimed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        )


def test_it_flags_frequent_claims_within_twelve_months():
    """R-CUS-6: 3 or more claims within 12 months (policy defaults)."""
    customer = cf.customer()
    contract = cf.contract(customer, amount="100000")
    _claims(contract, 2)
    _claims(contract, 1, days_ago=500)
    assert selectors.customer_warnings(customer) == []
    _claims(contract, 1)
    assert [w.code for w in selectors.customer_warnings(customer)] == ["frequent_claims"]


def test_it_flags_a_high_loss_ratio_above_seventy_percent():
    """R-CUS-6: paid claims ÷ contract value above 70%."""
    customer = cf.customer()
    contract = cf.contract(customer, amount="10000")
    _claims(contract, 1, paid="7000")
    assert selectors.customer_warnings(customer) == []
    _claims(contract, 1, paid="1")
    assert [w.code for w in selectors.customer_warnings(customer)] == ["high_loss_ratio"]


def test_r_cus_6_every_way_of_reading_the_figures_agrees():
    """R-CUS-6: a customer page (its own two aggregates), a list (subqueries in the list's
    query) and the grouped read for many customers give the same figures, counting only
    claims of the last 12 months as recent and leaving cancelled contracts out of the value."""
    busy = cf.customer()
    live = cf.contract(busy, amount="1000.50")
    _claims(live, 2, paid="300.25")
    _claims(live, 1, paid="10", days_ago=500)
    cancelled = cf.contract(busy, amount="5000")
    services.contract_cancel(actor=SYSTEM, contract=cancelled, reason="客户撤单")
    quiet = cf.customer()
    figures = {busy.pk: (2, Decimal("610.50"), Decimal("1000.50")), quiet.pk: (0, 0, 0)}
    user = factories.user(Role.CS_SUPERVISOR, department=busy.department)

    listed = selectors.with_warning_figures(Customer.objects.filter(pk__in=[busy.pk, quiet.pk]))
    grouped = selectors.warning_figures([busy.pk, quiet.pk])
    for pk, expected in figures.items():
        page = selectors.customer_get(user, pk, warning_figures=True)
        row = next(c for c in listed if c.pk == pk)
        assert (page.recent_claims, page.claims_paid, page.contract_value) == expected
        assert (row.recent_claims, row.claims_paid, row.contract_value) == expected
        assert selectors.warning_figures_of(pk) == expected
        assert grouped.get(pk, (0, 0, 0)) == expected


def test_it_reads_the_warning_thresholds_from_policy():
    """R-CUS-6: thresholds are policy settings an administrator can change."""
    PolicySetting.objects.create(key="customers.frequent_claims_count", value="1")
    customer = cf.customer()
    _claims(cf.contract(customer), 1)
    assert [w.code for w in selectors.customer_warnings(customer)] == ["frequent_claims"]


def test_it_shows_warnings_in_lists_and_the_api(api):
    """R-CUS-6: the flag shows wherever the customer appears."""
    customer = cf.customer()
    _claims(cf.contract(customer, amount="100"), 3, paid="50")
    client = api(Role.CS_SUPERVISOR)
    listed = client.get("customers").json()["items"][0]
    assert {w["code"] for w in listed["warnings"]} == {"frequent_claims", "high_loss_ratio"}
    detail = client.get(f"customers/{customer.pk}").json()
    assert {w["code"] for w in detail["warnings"]} == {"frequent_claims", "high_loss_ratio"}


def _graded_population(n=10):
    dept = factories.department()
    customers = []
    for i in range(n):
        c = cf.customer(department=dept)
        cf.contract(c, amount=str((i + 1) * 1000))
        customers.append(c)
    return customers


def test_it_proposes_grade_a_for_the_top_twenty_percent_by_value():
    """R-CUS-3: the top 20% of customers by value are key customers (A)."""
    customers = _graded_population(10)
    run = services.grading_propose(actor=factories.user(Role.CS_SUPERVISOR))
    grades = {p.customer_id: p.first_grade for p in run.proposals.all()}
    assert [grades[c.pk] for c in reversed(customers)] == list("AABBBCCCDD")
    customers[0].refresh_from_db()
    assert customers[0].first_grade == ""  # nothing changes before approval


def test_it_grades_customers_without_business_d():
    """R-CUS-3: no live contract, no value: grade D whatever the rank."""
    idle = cf.customer()
    run = services.grading_propose(actor=SYSTEM)
    assert run.proposals.get(customer=idle).first_grade == "D"


def test_it_applies_grades_on_approval_with_overrides_and_keeps_history():
    """R-CUS-3: a supervisor approves or overrides; the grade history is kept."""
    customers = _graded_population(5)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    run = services.grading_propose(actor=supervisor)
    top, low = customers[-1], customers[0]
    changed = services.grading_approve(
        actor=supervisor, run=run, overrides={low.pk: {"first_grade": "B"}}
    )
    assert changed == 5
    top.refresh_from_db()
    low.refresh_from_db()
    assert top.first_grade == "A"
    assert low.first_grade == "B"
    history = GradeChange.objects.get(customer=low, field="first_grade")
    assert (history.from_grade, history.to_grade, history.actor) == ("", "B", supervisor)
    with pytest.raises(Conflict):
        services.grading_approve(actor=supervisor, run=run)


def test_it_proposes_a_risk_grade_for_blacklisted_customers():
    customer = cf.customer()
    cf.contract(customer)
    services.customer_blacklist(actor=SYSTEM, customer=customer, reason="欠费")
    run = services.grading_propose(actor=SYSTEM)
    assert run.proposals.get(customer=customer).second_grade == "risk"


def test_it_refuses_grading_to_an_agent():
    with pytest.raises(PermissionDenied):
        services.grading_propose(actor=factories.user(Role.AGENT))


def test_it_runs_grading_through_the_api(api):
    customers = _graded_population(5)
    client = api(Role.CS_SUPERVISOR)
    r = client.post("customers/grading")
    assert r.status_code == 201
    run_id = r.json()["id"]
    assert client.get(f"customers/grading/{run_id}/proposals").json()["count"] == 5
    r = client.post(
        f"customers/grading/{run_id}/approve",
        {"overrides": {str(customers[0].pk): {"first_grade": "Z"}}},
    )
    assert r.status_code == 400
    r = client.post(
        f"customers/grading/{run_id}/approve", {"overrides": {"999999": {"first_grade": "A"}}}
    )
    assert r.status_code == 400
    r = client.post(f"customers/grading/{run_id}/approve", {})
    assert r.status_code == 200 and r.json()["changed"] == 5
    assert client.post(f"customers/grading/{run_id}/approve", {}).status_code == 409
    assert client.post("customers/grading/999999/approve", {}).status_code == 404
    assert api(Role.AGENT).post("customers/grading").status_code == 403


def test_it_lists_high_and_poor_quality_customers_with_reasons():
    """R-CUS-4: high-quality and poor-quality lists, each line with its reason."""
    good = cf.customer(name="优质客户", credit="good")
    cf.contract(good, amount="900000")
    bad = cf.customer(name="劣质客户")
    _claims(cf.contract(bad, amount="1000"), 3, paid="1000")
    poor_credit = cf.customer(name="信用差客户", credit="poor")
    run = services.grading_propose(actor=SYSTEM)
    services.grading_approve(actor=SYSTEM, run=run)
    high, poor = selectors.quality_lists(factories.user(Role.CS_SUPERVISOR))
    assert [line.customer for line in high] == [good]
    assert "good credit" in " ".join(high[0].reasons) or "信用" in " ".join(high[0].reasons)
    by_customer = {line.customer: line.reasons for line in poor}
    assert set(by_customer) == {bad, poor_credit}
    assert len(by_customer[bad]) >= 3  # unprofitable, frequent claims, high loss ratio


def test_it_serves_the_quality_lists_through_the_api(api):
    bad = cf.customer(credit="poor")
    r = api(Role.CS_SUPERVISOR).get("customers/quality")
    assert r.status_code == 200
    assert [line["customer_id"] for line in r.json()["poor"]] == [bad.pk]
    assert api(Role.AGENT).get("customers/quality").status_code == 403


def test_it_keeps_the_monthly_quality_lists(web):
    """R-CUS-4: the lists are produced monthly and kept; readers see their departments only."""
    import datetime as dt

    from kefu.customers.models import QualityList
    from kefu.customers.tasks import quality_lists_monthly

    own, other = factories.department(), factories.department()
    mine = cf.customer(department=own, name="本部差信用", credit="poor")
    cf.customer(department=other, name="外部差信用", credit="poor")
    quality_lists_monthly.call_local()
    stored = QualityList.objects.get()
    assert stored.month == timezone.localdate().replace(day=1)
    assert {line["id"] for line in stored.poor} >= {mine.pk}
    again = services.quality_list_store(actor=SYSTEM, month=timezone.localdate())
    assert again.pk == stored.pk
    month = f"{stored.month:%Y-%m}"
    html = web(Role.MARKETING, department=own).get("/customers/quality/", {"month": month})
    assert "本部差信用" in html.content.decode() and "外部差信用" not in html.content.decode()
    r = web(Role.CS_SUPERVISOR).get("/customers/quality/", {"month": month, "format": "xlsx"})
    assert r.content[:2] == b"PK"
    assert (
        web(Role.CS_SUPERVISOR).get("/customers/quality/", {"month": "2001-01"}).status_code == 404
    )
    assert web(Role.CS_SUPERVISOR).get("/customers/quality/", {"month": "abc"}).status_code == 404
    assert isinstance(stored.month, dt.date)
