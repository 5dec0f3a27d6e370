"""R-FUP-4 mystery customers: criteria, reproducible draw, observation by link, report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from kefu.errors import ValidationFailed
from kefu.followups import mystery
from kefu.followups.links import LinkGone
from kefu.followups.models import MysteryProgramme, Volunteer
from kefu.org.roles import Role
from tests import factories
from tests.followups.factories import managed_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def supervisor():
    return factories.user(Role.CS_SUPERVISOR)


def _pool(n=6, grade="A", address="杭州市西湖区文三路1号"):
    return [managed_customer(first_grade=grade, address=address) for _ in range(n)]


def test_r_fup_4_draws_reproducibly_from_the_stored_seed():
    ids = list(range(1, 101))
    assert mystery.draw(ids, 5, 42) == mystery.draw(list(reversed(ids)), 5, 42)
    assert mystery.draw(ids, 5, 42) != mystery.draw(ids, 5, 43)


def test_r_fup_4_draws_volunteers_by_grade_class_and_district(supervisor):
    wanted = _pool(4)
    _pool(2, grade="B")
    _pool(2, address="上海市浦东新区世纪大道1号")
    programme = mystery.programme_create(
        actor=supervisor,
        name="第一季度暗访",
        requested=3,
        grades=["A"],
        classes=["potential"],
        district="西湖区",
        seed=7,
    )
    drawn = {v.customer_id for v in programme.volunteers.all()}
    assert len(drawn) == 3 and drawn <= {c.pk for c in wanted}
    assert (programme.seed, programme.candidates) == (7, 4)
    again = mystery.programme_create(
        actor=supervisor,
        name="重抽",
        requested=3,
        grades=["A"],
        classes=["potential"],
        district="西湖区",
        seed=7,
    )
    assert {v.customer_id for v in again.volunteers.all()} == drawn


def test_r_fup_4_refuses_a_draw_asking_for_more_volunteers_than_exist(supervisor):
    _pool(2)
    with pytest.raises(ValidationFailed) as refused:
        mystery.programme_create(actor=supervisor, name="暗访", requested=3, grades=["A"])
    assert "2" in refused.value.message
    assert not MysteryProgramme.objects.exists()


def test_r_fup_4_collects_observations_once_and_reports_them(supervisor, web, client):
    _pool(2)
    programme = mystery.programme_create(actor=supervisor, name="暗访", requested=2, seed=1)
    first, second = programme.volunteers.all()
    url = mystery.volunteer_url(first)
    assert client.get(url).status_code == 200
    form = {
        "visited_on": "2026-01-05",
        "greeting": "5",
        "responsiveness": "4",
        "knowledge": "3",
        "environment": "4",
        "findings": "前台接待热情，但等候时间较长",
    }
    assert client.post(url, form | {"greeting": "9"}).status_code == 400
    assert client.post(url, form).status_code == 200
    assert client.get(url).status_code == 410
    token = url.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(LinkGone):
        mystery.observation_submit(
            token=token,
            visited_on=dt.date(2026, 1, 5),
            findings="x",
            greeting=1,
            responsiveness=1,
            knowledge=1,
            environment=1,
        )
    page = web(user=supervisor).get(f"/followups/mystery/{programme.pk}/").content.decode()
    assert "前台接待热情" in page and "5.0" in page
    assert Volunteer.objects.get(pk=second.pk).submitted_at is None
    xlsx = web(user=supervisor).get(f"/followups/mystery/{programme.pk}/?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_r_fup_4_pages_draw_and_refuse_the_wrong_role(web, supervisor):
    _pool(3)
    client = web(user=supervisor)
    response = client.post(
        "/followups/mystery/", {"name": "暗访", "requested": "2", "grades": ["A"]}
    )
    assert response.status_code == 302
    too_many = client.post("/followups/mystery/", {"name": "暗访", "requested": "9"})
    assert too_many.status_code == 400 and "9" in too_many.content.decode()
    assert web(Role.AGENT).get("/followups/mystery/").status_code == 403


def test_r_fup_4_api_draws_shows_reports_and_takes_observations(api, anonymous_api, supervisor):
    _pool(3)
    client = api(user=supervisor)
    created = client.post("followups/mystery", {"name": "暗访", "requested": 2, "seed": 5})
    assert created.status_code == 201
    body = created.json()
    assert body["seed"] == 5 and len(body["volunteers"]) == 2
    assert client.post("followups/mystery", {"name": "暗访", "requested": 9}).status_code == 400
    assert (
        api(Role.AGENT).post("followups/mystery", {"name": "x", "requested": 1}).status_code == 403
    )
    assert anonymous_api.post("followups/mystery", {}).status_code == 401
    assert client.get(f"followups/mystery/{body['id']}").json()["candidates"] == 3
    assert client.get("followups/mystery/999999").status_code == 404
    assert api(Role.AGENT).get(f"followups/mystery/{body['id']}").status_code == 403
    token = body["volunteers"][0]["url"].rstrip("/").rsplit("/", 1)[-1]
    form = {
        "visited_on": "2026-01-05",
        "greeting": 5,
        "responsiveness": 4,
        "knowledge": 3,
        "environment": 4,
        "findings": "好",
    }
    public = f"followups/public/mystery/{token}"
    assert anonymous_api.post(public, form | {"knowledge": 0}).status_code == 400
    assert anonymous_api.post(public, form).status_code == 201
    assert anonymous_api.post(public, form).status_code == 410
    xlsx = client.get(f"followups/mystery/{body['id']}/report.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get("followups/mystery/999999/report.xlsx").status_code == 404
    assert api(Role.AGENT).get(f"followups/mystery/{body['id']}/report.xlsx").status_code == 403
