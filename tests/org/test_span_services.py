"""R-ORG-2: rating positions on the four spans; R-ORG-4: the department report, API and page."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from kefu import policy
from kefu.audit.models import AuditEntry
from kefu.core.services import policy_set
from kefu.errors import PermissionDenied, ValidationFailed
from kefu.org.models import Position
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.org.selectors import department_spans
from kefu.org.services import position_spans_set
from tests import factories

pytestmark = pytest.mark.django_db


def _rated(department, title, c, r, i, s):
    position = factories.position(department=department, title=title)
    return position_spans_set(
        actor=SYSTEM, position=position, control=c, responsibility=r, influence=i, support=s
    )


def test_r_org_2_rates_a_position_on_four_spans_and_records_it():
    dept = factories.department()
    position = _rated(dept, "客服主管", 3, 4, 3, 2)
    position.refresh_from_db()
    assert (position.span_control, position.span_responsibility) == (3, 4)
    assert (position.span_influence, position.span_support) == (3, 2)
    assert position.spans_rated_at is not None
    entry = AuditEntry.objects.get(target_type="org.position", target_id=str(position.pk))
    assert entry.after["span_responsibility"] == 4


@pytest.mark.parametrize("bad", [0, 6, "7", "很多", None])
def test_r_org_2_refuses_a_span_outside_one_to_five_naming_it_and_writes_nothing(bad):
    dept = factories.department()
    position = _rated(dept, "坐席", 3, 3, 3, 3)
    with pytest.raises(ValidationFailed) as refused:
        position_spans_set(
            actor=SYSTEM, position=position, control=4, responsibility=4, influence=bad, support=4
        )
    assert refused.value.errors[0].field == "influence"
    position.refresh_from_db()
    assert (position.span_control, position.span_influence) == (3, 3)


def test_r_org_2_the_database_refuses_a_span_outside_one_to_five_too():
    position = factories.position(department=factories.department())
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(span_support=9)


def test_r_org_2_only_those_who_design_posts_may_rate_them():
    position = factories.position(department=factories.department())
    with pytest.raises(PermissionDenied) as refused:
        position_spans_set(
            actor=factories.user(Role.AGENT),
            position=position,
            control=3,
            responsibility=3,
            influence=3,
            support=3,
        )
    assert refused.value.permission == "org.span_rate"


def test_r_org_4_lists_a_departments_positions_by_crisis_worst_first_with_the_adjustments():
    root = factories.department(name="公司")
    team = factories.department(name="呼叫中心", parent=root)
    _rated(root, "客服主管", 2, 4, 5, 2)  # bureaucracy
    _rated(team, "坐席", 1, 3, 3, 1)  # resource
    _rated(team, "客服班长", 5, 2, 2, 3)  # control
    _rated(root, "业务内勤", 3, 3, 3, 3)  # balanced
    factories.position(department=team, title="质检员")  # unrated
    report = department_spans(factories.user(Role.GM), root)
    assert [g["diagnosis"] for g in report["groups"]] == [
        "resource_crisis",
        "bureaucracy_crisis",
        "control_crisis",
        "balanced",
    ]
    resource = report["groups"][0]["rows"][0]
    assert resource.position.title == "坐席"
    assert resource.advice[0].startswith("widen") or "控制幅度" in resource.advice[0]
    assert [p.title for p in report["unrated"]] == ["质检员"]


def test_r_org_4_reads_the_far_below_gap_from_policy(sysadmin):
    dept = factories.department()
    _rated(dept, "坐席", 2, 2, 3, 2)  # short by one
    gm = factories.user(Role.GM)
    assert policy.get("org.span_far_below_gap") == 2
    assert department_spans(gm, dept)["groups"][0]["diagnosis"] == "short"
    policy_set(actor=sysadmin, key="org.span_far_below_gap", value="1")
    assert department_spans(gm, dept)["groups"][0]["diagnosis"] == "resource_crisis"


def test_r_org_4_a_department_scoped_supervisor_sees_only_their_department():
    root = factories.department()
    mine = factories.department(parent=root)
    supervisor = factories.user(Role.CS_SUPERVISOR, department=mine)
    assert department_spans(supervisor, mine)["department"] == mine
    with pytest.raises(PermissionDenied):
        department_spans(supervisor, root)


def test_r_org_4_the_api_rates_and_reports(api):
    dept = factories.department()
    position = factories.position(department=dept, title="坐席")
    admin = api(Role.SYSADMIN)
    body = {"control": 1, "responsibility": 4, "influence": 5, "support": 1}
    rated = admin.put(f"org/positions/{position.pk}/spans", body)
    assert rated.status_code == 200
    data = rated.json()
    assert (data["supply"], data["demand"], data["diagnosis"]) == (2, 9, "bureaucracy_crisis")
    assert [s["span"] for s in data["adjustment"]] == ["control", "influence"]
    assert admin.put(f"org/positions/{position.pk}/spans", body | {"support": 6}).status_code == 400
    assert admin.put(f"org/positions/{position.pk}/spans", {"control": 1}).status_code == 400
    assert admin.put("org/positions/999999/spans", body).status_code == 404
    assert api(Role.AGENT).put(f"org/positions/{position.pk}/spans", body).status_code == 403
    assert api(Role.AGENT).get(f"org/departments/{dept.pk}/spans").status_code == 403
    report = api(Role.GM).get(f"org/departments/{dept.pk}/spans").json()
    assert report["groups"][0]["diagnosis"] == "bureaucracy_crisis"
    assert api(Role.GM).get(f"org/positions/{position.pk}/spans").json()["gap"] == -7
    assert api(Role.GM).get("org/departments/999999/spans").status_code == 404


def test_r_org_4_the_api_answers_401_to_anonymous_callers(anonymous_api):
    assert anonymous_api.get("org/departments/1/spans").status_code == 401
    assert anonymous_api.put("org/positions/1/spans", {}).status_code == 401


def test_r_org_4_the_page_draws_the_chart_and_lists_crises(web):
    dept = factories.department(name="客户服务部")
    _rated(dept, "坐席", 1, 3, 3, 1)
    _rated(dept, "客服班长", 3, 3, 3, 3)
    client = web(Role.GM)
    page = client.get(f"/org/departments/{dept.pk}/spans/").content.decode()
    chart = page.split('id="span-chart"')[1].split("</section>")[0]
    assert "<svg" in chart and "<script" not in chart
    assert 'data-position="' in page and "坐席" in page
    assert client.get("/org/spans/").status_code == 200
    assert web(Role.AGENT).get(f"/org/departments/{dept.pk}/spans/").status_code == 403


def test_r_org_2_the_rating_form_refuses_bad_input_and_saves_good(web):
    dept = factories.department()
    position = factories.position(department=dept, title="坐席")
    client = web(Role.SYSADMIN)
    url = f"/org/positions/{position.pk}/spans/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"control": "9", "responsibility": "3", "influence": "3", "support": "3"}
    )
    assert bad.status_code == 400
    good = client.post(
        url, {"control": "2", "responsibility": "3", "influence": "3", "support": "4"}
    )
    assert good.status_code == 302
    position.refresh_from_db()
    assert position.span_support == 4
