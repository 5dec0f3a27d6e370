"""R-SUP-4: KPI definitions, schemes with weights totalling 100%, and scorecards."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.errors import PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.reports import services
from kefu.reports.formulas import Unit
from kefu.reports.models import Indicator, Scheme
from kefu.reports.selectors import schemes_for, scorecard, unit_for
from tests import factories
from tests.reports.factories import agent, at, call, scheme, ticket_on

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_r_sup_4_the_standard_set_is_there_from_the_start():
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {
        "answer_rate",
        "service_level",
        "fcr",
        "repeat_contact_rate",
        "complaints_per_10k",
        "time_limit_compliance",
        "callback_completion",
        "satisfaction",
    } <= codes


def test_r_sup_4_an_administrator_defines_a_custom_indicator():
    director = factories.user(Role.DIRECTOR)
    indicator = services.indicator_create(
        actor=director,
        code="major-faults",
        name="重大故障数",
        kind="result",
        variability="variable",
        formula="count",
        params={"source": "tickets", "filter": {"kind": "fault", "is_major": True}},
        higher_is_better=False,
    )
    assert indicator.params == {"source": "tickets", "filter": {"kind": "fault", "is_major": True}}


def test_r_sup_4_an_indicator_over_an_unknown_field_is_refused_and_nothing_written():
    with pytest.raises(ValidationFailed, match="salary"):
        services.indicator_create(
            actor=factories.user(Role.DIRECTOR),
            code="x",
            name="x",
            kind="result",
            variability="fixed",
            formula="count",
            params={"source": "tickets", "filter": {"salary": 3}},
        )
    assert not Indicator.objects.filter(code="x").exists()


def test_it_refuses_an_agent_defining_indicators():
    with pytest.raises(PermissionDenied):
        services.indicator_create(
            actor=agent(), code="x", name="x", kind="result", variability="fixed", formula="fcr"
        )


def test_r_sup_4_a_scheme_whose_weights_do_not_total_100_is_refused_and_nothing_written():
    with pytest.raises(ValidationFailed, match="90"):
        scheme(lines=[("answer_rate", "90", "60"), ("fcr", "70", "30")])
    assert not Scheme.objects.exists()


def test_r_sup_4_a_scheme_cannot_name_an_indicator_twice():
    with pytest.raises(ValidationFailed, match="两次"):
        scheme(lines=[("fcr", "90", "50"), ("fcr", "70", "50")])


def test_r_sup_4_a_target_no_figure_can_reach_is_refused_and_nothing_written():
    """A rate cannot go above 100% nor a satisfaction score above 5: such a target is never
    met, so the scheme naming it is refused; 100% itself is a target a rate can meet."""
    with pytest.raises(ValidationFailed, match="150"):
        scheme(lines=[("answer_rate", "150", "50"), ("fcr", "70", "50")])
    with pytest.raises(ValidationFailed, match="6"):
        scheme(lines=[("satisfaction", "6", "50"), ("fcr", "70", "50")])
    assert not Scheme.objects.exists()
    scheme(lines=[("answer_rate", "100", "50"), ("satisfaction", "5", "50")])
    assert Scheme.objects.count() == 1


def test_r_sup_4_the_scorecard_shows_value_target_and_weighted_score():
    dept = factories.department(name="呼叫中心")
    a = agent(dept)
    for wait in (5, 5, 5, 5, 5, 5, 5, 5, 5):
        call(enter_at=at("2026-10-05"), wait=wait, agent=a)
    call(enter_at=at("2026-10-05"), answered=False, agent=None)  # offered to the company
    ticket_on("2026-10-06", actor=a, resolved_at_first_contact=True)
    ticket_on("2026-10-06", actor=a)
    s = scheme(lines=[("answer_rate", "90", "60"), ("fcr", "80", "40")], departments=[dept])
    card = scorecard(s, Unit("department", department=dept), OCT, trend_months=3)
    rate, fcr = card["lines"]
    # The unanswered call has no agent, so the department's answer rate is 9/9.
    assert rate["display"] == "100.0%" and rate["target_display"] == "90.0%"
    assert rate["achievement_percent"] == pytest.approx(111.1, abs=0.1)
    assert rate["score"] == pytest.approx(60 * 10 / 9, abs=0.01)
    assert fcr["display"] == "50.0%" and fcr["met"] is False
    assert fcr["score"] == pytest.approx(40 * 0.5 / 0.8)
    assert card["total_score"] == pytest.approx(rate["score"] + fcr["score"], abs=0.01)
    assert [p["month"] for p in rate["trend"]] == ["2026-08", "2026-09", "2026-10"]


def test_r_sup_4_achievement_is_capped_by_the_policy():
    a = agent()
    ticket_on("2026-10-06", actor=a, resolved_at_first_contact=True)
    s = scheme(lines=[("fcr", "10", "100")])
    card = scorecard(s, Unit("company"), OCT)
    assert card["lines"][0]["achievement_percent"] == 120.0
    assert card["total_score"] == 120.0


def test_r_sup_4_a_lower_is_better_indicator_scores_below_target_as_met():
    a = agent()
    for _ in range(4):
        ticket_on("2026-10-06", actor=a)
    from kefu.tickets.models import Ticket

    first = Ticket.objects.first()
    Ticket.objects.filter(pk=Ticket.objects.last().pk).update(repeat_of=first)
    s = scheme(lines=[("repeat_contact_rate", "50", "100")])
    line = scorecard(s, Unit("company"), OCT)["lines"][0]
    assert line["display"] == "25.0%" and line["met"] is True
    assert line["achievement_percent"] == 120.0


def test_r_sup_4_schemes_apply_to_sub_departments_and_to_their_positions():
    top = factories.department(name="客服中心")
    sub = factories.department(name="一组", parent=top)
    other = factories.department(name="工程部")
    lead = factories.position(department=sub, title="班长")
    everyone = scheme("全员", lines=[("fcr", "80", "100")])
    centre = scheme("客服中心考核", lines=[("answer_rate", "90", "100")], departments=[top])
    leads = scheme("班长考核", lines=[("fcr", "85", "100")], departments=[top], positions=[lead])
    assert set(schemes_for(Unit("department", department=sub))) == {everyone, centre}
    assert set(schemes_for(Unit("department", department=other))) == {everyone}
    assert set(schemes_for(Unit("position", position=lead, department=sub))) == {
        everyone,
        centre,
        leads,
    }


def test_r_sup_4_a_department_scoped_viewer_sees_only_their_own_departments_cards():
    top = factories.department(name="客服中心")
    other = factories.department(name="工程部")
    supervisor = factories.user(Role.CS_SUPERVISOR, department=top)
    assert unit_for(supervisor, kind="department", pk=top.pk).department == top
    with pytest.raises(PermissionDenied):
        unit_for(supervisor, kind="department", pk=other.pk)
    with pytest.raises(ValidationFailed):
        unit_for(supervisor, kind="company", pk=None)


def test_r_sup_4_the_kpi_page_defines_a_ratio_with_a_list_and_a_comparison(web):
    client = web(Role.DIRECTOR)
    form = {
        "code": "quick-answer",
        "name": "20秒内接起的投诉和报修来电",
        "kind": "result",
        "variability": "variable",
        "formula": "ratio",
        "source": "calls",
        "filter": "wait_seconds<=20\ndirection=in",
        "denominator": "disposition=answered,abandoned",
    }
    assert client.post("/reports/kpis/", form).status_code == 302
    assert Indicator.objects.get(code="quick-answer").params == {
        "source": "calls",
        "filter": {"wait_seconds__lte": 20, "direction": "in"},
        "denominator": {"disposition__in": ["answered", "abandoned"]},
    }
    bad = client.post("/reports/kpis/", {**form, "code": "bad", "filter": "direction>=in"})
    assert bad.status_code == 400
    assert "direction" in bad.content.decode() and not Indicator.objects.filter(code="bad")


def _closing_setup():
    dept = factories.department(name="技术服务部")
    position = factories.position(department=dept)
    a = agent(dept)
    ticket_on("2026-10-06", actor=a, resolved_at_first_contact=True)
    ticket_on("2026-10-07", actor=a)
    s = scheme(lines=[("fcr", "80", "100")], departments=[dept])
    return dept, a, s, position


def test_r_sup_4_a_closed_month_keeps_its_scorecards_whatever_is_entered_later():
    from kefu.reports.models import KpiClose

    dept, a, _s, _p = _closing_setup()
    unit = Unit("department", department=dept)
    before = selectors_scorecards(unit)
    assert before[0]["lines"][0]["display"] == "50.0%" and "closed_at" not in before[0]
    close = services.kpi_month_close(actor=factories.user(Role.DIRECTOR), month=OCT)
    ticket_on("2026-10-08", actor=a, resolved_at_first_contact=True)  # entered after the close
    kept = selectors_scorecards(unit)
    assert kept[0]["lines"][0]["display"] == "50.0%" and kept[0]["closed_at"] is not None
    assert selectors_scorecards(COMPANY_UNIT)[0]["lines"][0]["display"] == "50.0%"
    live = scorecard(Scheme.objects.get(), unit, OCT)
    assert live["lines"][0]["display"] == "66.7%"  # the data moved; the appraisal did not
    assert services.kpi_close_intact(close)
    kept_row = close.cards.first()
    kept_row.card["total_score"] = 100
    kept_row.save()
    assert not services.kpi_close_intact(KpiClose.objects.get())


def test_r_sup_4_only_a_month_that_is_over_is_closed_and_only_once():
    director = factories.user(Role.DIRECTOR)
    with pytest.raises(ValidationFailed, match="2026-11"):
        services.kpi_month_close(actor=director, month=dt.date(2026, 11, 1))
    services.kpi_month_close(actor=director, month=OCT)
    from kefu.errors import Conflict

    with pytest.raises(Conflict):
        services.kpi_month_close(actor=director, month=OCT)
    with pytest.raises(PermissionDenied):
        services.kpi_month_close(actor=agent(), month=dt.date(2026, 9, 1))


def test_r_sup_4_the_scorecard_page_closes_the_month_and_shows_it_closed(web):
    dept, _a, _s, _p = _closing_setup()
    client = web(Role.DIRECTOR)
    page = f"/reports/scorecard/?target=department:{dept.pk}&month=2026-10"
    assert 'id="kpi-close-form"' in client.get(page).content.decode()
    done = client.post(
        "/reports/scorecard/close/", {"month": "2026-10", "target": f"department:{dept.pk}"}
    )
    assert done.status_code == 302 and done["Location"].startswith("/reports/scorecard/?")
    html = client.get(page).content.decode()
    assert 'id="kpi-closed"' in html and 'id="kpi-close-form"' not in html
    again = client.post("/reports/scorecard/close/", {"month": "2026-10"}, follow=True)
    assert "2026-10 的考核已结账" in again.content.decode()  # the refusal, in Chinese


def test_r_sup_4_the_api_closes_a_month_and_lists_it(api):
    _closing_setup()
    client = api(Role.DIRECTOR)
    made = client.post("reports/kpi-closes", {"month": "2026-10"})
    assert made.status_code == 201 and made.json()["intact"] is True
    assert made.json()["cards"] >= 2  # the company overview and the department at least
    assert client.post("reports/kpi-closes", {"month": "2026-10"}).status_code == 409
    assert client.post("reports/kpi-closes", {"month": "2099-01"}).status_code == 400
    assert [c["month"] for c in client.get("reports/kpi-closes").json()] == ["2026-10"]
    assert api(Role.AGENT).post("reports/kpi-closes", {"month": "2026-09"}).status_code == 403


def selectors_scorecards(unit):
    from kefu.reports.selectors import scorecards

    return scorecards(None, unit, OCT)


COMPANY_UNIT = Unit("company")


def test_r_sup_4_a_live_scorecard_is_computed_once_a_minute_and_again_on_asking(
    web, django_capture_on_commit_callbacks
):
    dept, a, s, _p = _closing_setup()
    client = web(Role.DIRECTOR)
    page = f"/reports/scorecard/?target=department:{dept.pk}&month=2026-10"
    first = client.get(page).content.decode()
    assert "50.0%" in first and 'id="kpi-computed"' in first and "最多每 60 秒重算" in first
    ticket_on("2026-10-08", actor=a, resolved_at_first_contact=True)
    # Within the policy's seconds every viewer reads the same computation …
    assert "50.0%" in client.get(page).content.decode()
    # … until someone asks for it now (立即重算), which every later view then reads.
    assert "66.7%" in client.get(page + "&fresh=1").content.decode()
    assert "66.7%" in client.get(page).content.decode()
    # A changed scheme is shown at once, not after the seconds run out (when it commits).
    with django_capture_on_commit_callbacks(execute=True):
        services.scheme_save(
            actor=factories.user(Role.DIRECTOR),
            scheme=s,
            name=s.name,
            items=[
                {"indicator": Indicator.objects.get(code="fcr").pk, "target": "60", "weight": 100}
            ],
            departments=[dept.pk],
        )
    assert "≥ 60.0%" in client.get(page).content.decode()


def test_r_sup_4_with_the_policy_at_zero_every_view_computes_the_scorecard(api):
    from kefu.core.models import PolicySetting

    PolicySetting.objects.create(key="reports.scorecard_cache_seconds", value="0")
    dept, a, _s, _p = _closing_setup()
    client = api(Role.DIRECTOR)
    query = {"unit": "department", "id": dept.pk, "month": "2026-10"}
    before = client.get("reports/scorecards", **query).json()
    assert before[0]["lines"][0]["display"] == "50.0%" and before[0]["computed_at"]
    ticket_on("2026-10-08", actor=a, resolved_at_first_contact=True)
    after = client.get("reports/scorecards", **query).json()
    assert after[0]["lines"][0]["display"] == "66.7%"
