"""/api/v1/reports: KPIs, schemes, scorecards (R-SUP-4) and monthly reports (R-SUP-2)."""

from __future__ import annotations

import pytest
import time_machine

from kefu.org.roles import Role
from kefu.reports.models import Indicator, MonthlyReport, Scheme
from tests import factories
from tests.reports.factories import agent, at, ticket_on

pytestmark = pytest.mark.django_db


def _items(*lines):
    return [
        {"indicator": Indicator.objects.get(code=c).pk, "target": t, "weight": w}
        for c, t, w in lines
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "reports/indicators"),
        ("get", "reports/scorecards"),
        ("get", "reports/monthly"),
        ("post", "reports/monthly"),
    ],
)
def test_it_answers_401_to_anonymous_callers(anonymous_api, method, path):
    assert getattr(anonymous_api, method)(path).status_code == 401


def test_r_sup_4_a_director_defines_an_indicator_and_a_scheme(api):
    director = api(Role.DIRECTOR)
    r = director.post(
        "reports/indicators",
        {
            "code": "faults",
            "name": "故障工单数",
            "kind": "result",
            "variability": "variable",
            "formula": "count",
            "params": {"source": "tickets", "filter": {"kind": "fault"}},
        },
    )
    assert r.status_code == 201 and r.json()["unit"] == "count"
    r = director.post(
        "reports/schemes",
        {
            "name": "客服部",
            "items": _items(("answer_rate", "90", "70"))
            + [{"indicator": r.json()["id"], "target": "10", "weight": "30"}],
        },
    )
    assert r.status_code == 201 and len(r.json()["items"]) == 2


def test_r_sup_4_answers_400_for_an_unknown_field_and_for_weights_not_100(api):
    director = api(Role.DIRECTOR)
    r = director.post(
        "reports/indicators",
        {
            "code": "x",
            "name": "x",
            "kind": "result",
            "variability": "fixed",
            "formula": "count",
            "params": {"source": "tickets", "filter": {"password": "x"}},
        },
    )
    assert r.status_code == 400 and "password" in r.json()["detail"]
    r = director.post("reports/schemes", {"name": "半成品", "items": _items(("fcr", "80", "50"))})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "items"
    assert not Scheme.objects.exists()


def test_it_answers_403_to_roles_that_may_not_manage_kpis(api):
    assert api(Role.AGENT).get("reports/indicators").status_code == 403
    assert (
        api(Role.CS_SUPERVISOR).post("reports/schemes", {"name": "x", "items": []}).status_code
        == 403
    )
    assert api(Role.GM).patch("reports/indicators/1", {"name": "y"}).status_code == 403


def test_it_answers_404_for_an_unknown_indicator_scheme_unit_or_report(api):
    director = api(Role.DIRECTOR)
    assert director.patch("reports/indicators/99999", {"name": "y"}).status_code == 404
    body = {"name": "x", "items": _items(("fcr", "80", "100"))}
    assert director.put("reports/schemes/99999", body).status_code == 404
    assert director.get("reports/scorecards", unit="department", id=99999).status_code == 404
    assert director.get("reports/monthly/2026-01").status_code == 404


def test_r_sup_4_scorecards_through_the_api(api):
    dept = factories.department()
    ticket_on("2026-10-02", actor=agent(dept), resolved_at_first_contact=True)
    director = api(Role.DIRECTOR)
    director.post(
        "reports/schemes",
        {"name": "部门", "items": _items(("fcr", "80", "100")), "departments": [dept.pk]},
    )
    r = director.get("reports/scorecards", unit="department", id=dept.pk, month="2026-10", months=2)
    assert r.status_code == 200
    [card] = r.json()
    assert card["lines"][0]["display"] == "100.0%" and card["total_score"] == 120.0
    assert director.get("reports/scorecards", month="2026-13").status_code == 400


def test_r_sup_2_build_comment_issue_and_download_through_the_api(api):
    with time_machine.travel(at("2026-11-27"), tick=False):
        writer = api(Role.BUSINESS_SUPERVISOR)
        r = writer.post("reports/monthly", {"month": "2026-10"})
        assert r.status_code == 201 and r.json()["status"] == "draft"
        assert writer.post("reports/monthly", {"month": "2026-12"}).status_code == 400
        r = writer.put("reports/monthly/2026-10/commentary", {"commentary": "本月平稳。"})
        assert r.status_code == 200
        assert writer.post("reports/monthly/2026-10/issue", {}).status_code == 200
        assert (
            writer.put("reports/monthly/2026-10/commentary", {"commentary": "x"}).status_code == 409
        )
        assert writer.post("reports/monthly", {"month": "2026-10"}).status_code == 409
        gm = api(Role.GM)
        assert gm.get("reports/monthly/2026-10").json()["commentary"] == "本月平稳。"
        assert gm.post("reports/monthly", {"month": "2026-09"}).status_code == 403
        xlsx = gm.get("reports/monthly/2026-10/xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        assert api(Role.AGENT).get("reports/monthly").status_code == 403
    assert MonthlyReport.objects.get().is_issued


def test_r_sup_4_a_scorecard_of_a_missing_unit_is_a_404_that_names_it_in_chinese(api):
    response = api(Role.DIRECTOR).get("reports/scorecards", unit="department", id=999999)
    assert response.status_code == 404 and "没有这个部门" in response.json()["detail"]
