"""R-FUP-3 satisfaction surveys: build, personal links, phone answers, perceived − expected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from kefu.customers.models import TimelineEvent
from kefu.errors import ValidationFailed
from kefu.followups import surveys
from kefu.followups.models import Invitation, SurveyResponse
from kefu.followups.selectors import survey_results, survey_trend, trend_svg
from kefu.org.roles import Role
from kefu.tickets.models import Channel, Kind
from tests import factories
from tests.followups.factories import complaint_awaiting_callback, managed_customer

pytestmark = pytest.mark.django_db
QUESTIONS = [
    {"kind": "pair", "text": "维修速度"},
    {"kind": "pair", "text": "服务态度"},
    {"kind": "scale", "text": "总体满意度"},
    {"kind": "nps", "text": "您会向朋友推荐我们吗？"},
    {"kind": "text", "text": "其他建议", "required": False},
]


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def supervisor():
    return factories.user(Role.CS_SUPERVISOR, department=factories.department())


@pytest.fixture
def survey(supervisor):
    return surveys.survey_create(actor=supervisor, title="2026年服务满意度", questions=QUESTIONS)


def _answers(survey, *, expected=(4, 5), perceived=(5, 3), scale=4, nps=9, text="无"):
    q = list(survey.questions.all())
    return {
        q[0].pk: {"expected": expected[0], "perceived": perceived[0]},
        q[1].pk: {"expected": expected[1], "perceived": perceived[1]},
        q[2].pk: scale,
        q[3].pk: nps,
        q[4].pk: text,
    }


def _link(supervisor, survey, customer):
    [(invitation, path)] = surveys.survey_send(
        actor=supervisor, survey=survey, customers=[customer]
    )
    return invitation, path.rstrip("/").rsplit("/", 1)[-1]


def test_r_fup_3_scores_perceived_minus_expected_per_question(supervisor, survey):
    customer = managed_customer()
    _inv, token = _link(supervisor, survey, customer)
    response = surveys.survey_answer_by_link(token=token, answers=_answers(survey))
    assert response.gap == Decimal("-0.50")  # (5−4 + 3−5) / 2
    assert (response.scale_mean, response.nps, response.way) == (Decimal("4.00"), 9, "link")
    assert response.agent == supervisor and response.department == customer.department
    assert TimelineEvent.objects.filter(customer=customer, kind="survey").exists()


def test_r_fup_3_refuses_a_used_a_tampered_and_an_expired_link(supervisor, survey):
    from kefu.followups.links import LinkGone, LinkRefused

    customer = managed_customer()
    invitation, token = _link(supervisor, survey, customer)
    surveys.survey_answer_by_link(token=token, answers=_answers(survey))
    with pytest.raises(LinkGone):
        surveys.survey_answer_by_link(token=token, answers=_answers(survey))
    with pytest.raises(LinkRefused):
        surveys.invitation_open(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    _inv2, token2 = _link(supervisor, survey, customer)
    later = timezone.now() + dt.timedelta(days=15)
    with pytest.raises(LinkGone):
        surveys.invitation_open(token2, now=later)
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"scale": 6}, {"nps": 11}, {"expected": (0, 5)}, {"perceived": (5, "很好")}, {"scale": None}],
)
def test_r_fup_3_refuses_answers_outside_the_scale_writing_nothing(supervisor, survey, change):
    _inv, token = _link(supervisor, survey, managed_customer())
    with pytest.raises(ValidationFailed):
        surveys.survey_answer_by_link(token=token, answers=_answers(survey, **change))
    assert not SurveyResponse.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_r_fup_3_takes_a_survey_by_phone_and_refuses_another_customers_ticket(survey):
    customer = managed_customer()
    agent = factories.user(Role.AGENT, department=customer.department)
    ticket = complaint_awaiting_callback()
    with pytest.raises(ValidationFailed):
        surveys.survey_answer_by_phone(
            actor=agent, survey=survey, customer=customer, answers=_answers(survey), ticket=ticket
        )
    response = surveys.survey_answer_by_phone(
        actor=agent, survey=survey, customer=customer, answers=_answers(survey)
    )
    assert (response.way, response.channel, response.agent) == ("phone", "phone", agent)


def test_r_fup_3_analyses_by_month_department_agent_channel_and_ticket_kind(supervisor, survey):
    ticket = complaint_awaiting_callback()
    agent = factories.user(Role.AGENT, department=ticket.customer.department)
    surveys.survey_answer_by_phone(
        actor=agent,
        survey=survey,
        customer=ticket.customer,
        answers=_answers(survey, nps=3),
        ticket=ticket,
    )
    surveys.survey_answer_by_phone(
        actor=agent,
        survey=survey,
        customer=ticket.customer,
        answers=_answers(survey, perceived=(5, 5), nps=10),
    )
    [by_agent] = survey_results(supervisor, survey, by="agent")
    assert (by_agent.key, by_agent.responses, by_agent.nps) == (agent.full_name, 2, 0.0)
    kinds = {r.key: r.responses for r in survey_results(supervisor, survey, by="ticket_kind")}
    assert kinds == {"—": 1, str(Kind.COMPLAINT.label): 1}
    channels = {r.key for r in survey_results(supervisor, survey, by="channel")}
    assert channels == {str(Channel.PHONE.label)}
    [month] = survey_results(supervisor, survey, by="month")
    assert month.key == f"{timezone.localdate():%Y-%m}" and month.gap == 0.0
    trend = survey_trend(supervisor, survey)
    assert len(trend) == 12 and trend[-1].responses == 2 and trend[0].responses == 0
    svg = trend_svg(trend)
    assert svg.startswith("<svg") and "<script" not in svg


def test_r_fup_3_refuses_results_to_an_agent(survey):
    from kefu.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        survey_results(factories.user(Role.AGENT), survey)


def test_r_fup_3_refuses_a_survey_without_questions_or_with_an_unknown_kind(supervisor):
    with pytest.raises(ValidationFailed):
        surveys.survey_create(actor=supervisor, title="空", questions=[])
    with pytest.raises(ValidationFailed):
        surveys.survey_create(actor=supervisor, title="错", questions=[{"kind": "x", "text": "?"}])


# ---------------------------------------------------------------- pages


def test_r_fup_3_a_customer_answers_through_the_public_link_and_the_supervisor_sees_it(
    client, web, supervisor, survey
):
    customer = managed_customer()
    _inv, token = _link(supervisor, survey, customer)
    url = f"/followups/s/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and customer.name in page.content.decode()
    q = list(survey.questions.all())
    form = {
        f"q{q[0].pk}_expected": "3",
        f"q{q[0].pk}_perceived": "5",
        f"q{q[1].pk}_expected": "3",
        f"q{q[1].pk}_perceived": "4",
        f"q{q[2].pk}": "5",
        f"q{q[3].pk}": "10",
    }
    bad = client.post(url, form | {f"q{q[2].pk}": "7"})
    assert bad.status_code == 400 and "1" in bad.content.decode()
    assert client.post(url, form).status_code == 200
    assert client.get(url).status_code == 410
    results = web(user=supervisor).get(f"/followups/surveys/{survey.pk}/results/")
    html = results.content.decode()
    assert customer.name in html and "1.50" in html and "<svg" in html
    xlsx = web(user=supervisor).get(f"/followups/surveys/{survey.pk}/results/?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_r_fup_3_shows_a_plain_page_for_a_tampered_link_and_rate_limits(client):
    response = client.get("/followups/s/not-a-real-token/")
    assert response.status_code == 400 and 'id="survey-form"' not in response.content.decode()
    for _ in range(30):
        client.get("/followups/s/not-a-real-token/")
    assert client.get("/followups/s/not-a-real-token/").status_code == 429


def test_r_fup_3_builds_sends_and_fills_in_a_survey_on_the_pages(web, supervisor):
    client = web(user=supervisor)
    response = client.post(
        "/followups/surveys/",
        {"title": "回访问卷", "questions": "pair: 响应速度\nscale: 总体满意度\ntext: 建议 *"},
    )
    assert response.status_code == 302
    survey_url = response["Location"]
    customer = managed_customer()
    sent = client.post(survey_url, {"action": "send", "customers": f"{customer.pk}"})
    assert sent.status_code == 200 and "/followups/s/" in sent.content.decode()
    assert client.post(survey_url, {"action": "send", "customers": "999999"}).status_code == 404
    q = list(Invitation.objects.get().survey.questions.all())
    phone = client.post(
        survey_url,
        {
            "action": "phone",
            "customer": customer.pk,
            f"q{q[0].pk}_expected": "4",
            f"q{q[0].pk}_perceived": "4",
            f"q{q[1].pk}": "5",
        },
    )
    assert phone.status_code == 302
    assert SurveyResponse.objects.get().way == "phone"
    bad = client.post("/followups/surveys/", {"title": "x", "questions": "rating: 好吗"})
    assert bad.status_code == 400


# ---------------------------------------------------------------- API


def test_r_fup_3_api_builds_sends_answers_and_reports(api, anonymous_api, supervisor):
    client = api(user=supervisor)
    created = client.post("followups/surveys", {"title": "API问卷", "questions": QUESTIONS})
    assert created.status_code == 201
    survey_id = created.json()["id"]
    assert client.post("followups/surveys", {"title": "x", "questions": []}).status_code == 400
    assert (
        api(Role.AGENT)
        .post("followups/surveys", {"title": "x", "questions": QUESTIONS})
        .status_code
        == 403
    )
    assert anonymous_api.post("followups/surveys", {}).status_code == 401
    assert client.get(f"followups/surveys/{survey_id}").json()["title"] == "API问卷"
    assert client.get("followups/surveys/999999").status_code == 404
    assert len(client.get("followups/surveys").json()) == 1

    customer = managed_customer()
    sent = client.post(f"followups/surveys/{survey_id}/send", {"customer_ids": [customer.pk]})
    assert sent.status_code == 201
    token = sent.json()[0]["url"].rstrip("/").rsplit("/", 1)[-1]
    assert (
        client.post(f"followups/surveys/{survey_id}/send", {"customer_ids": []}).status_code == 400
    )
    assert (
        client.post(f"followups/surveys/{survey_id}/send", {"customer_ids": [999999]}).status_code
        == 404
    )
    assert (
        api(Role.AGENT)
        .post(f"followups/surveys/{survey_id}/send", {"customer_ids": [customer.pk]})
        .status_code
        == 403
    )

    from kefu.followups.models import Survey

    answers = {str(k): v for k, v in _answers(Survey.objects.get(pk=survey_id)).items()}
    public = f"followups/public/surveys/{token}"
    assert anonymous_api.post(public, {"answers": answers | {"999999": 1}}).status_code == 400
    assert anonymous_api.post(public, {"answers": answers}).status_code == 201
    assert anonymous_api.post(public, {"answers": answers}).status_code == 410
    assert anonymous_api.post("followups/public/surveys/bad", {"answers": {}}).status_code == 400

    agent = api(Role.AGENT, department=customer.department)
    phone = agent.post(
        f"followups/surveys/{survey_id}/phone", {"customer_id": customer.pk, "answers": answers}
    )
    assert phone.status_code == 201 and phone.json()["way"] == "phone"
    assert (
        agent.post(
            f"followups/surveys/{survey_id}/phone", {"customer_id": 999999, "answers": answers}
        ).status_code
        == 404
    )
    assert (
        api(Role.AGENT)
        .post(
            f"followups/surveys/{survey_id}/phone", {"customer_id": customer.pk, "answers": answers}
        )
        .status_code
        == 403
    )

    results = client.get(f"followups/surveys/{survey_id}/results", by="department")
    assert results.json()[0]["responses"] == 2
    assert client.get(f"followups/surveys/{survey_id}/results", by="colour").status_code == 400
    assert agent.get(f"followups/surveys/{survey_id}/results").status_code == 403
    assert len(client.get(f"followups/surveys/{survey_id}/trend").json()) == 12
    xlsx = client.get(f"followups/surveys/{survey_id}/results.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get("followups/surveys/999999/results.xlsx").status_code == 404
    assert anonymous_api.get(f"followups/surveys/{survey_id}/trend").status_code == 401


def test_r_fup_3_closes_a_survey_so_its_links_stop_working(api, web, supervisor, survey):
    _inv, token = _link(supervisor, survey, managed_customer())
    assert api(Role.AGENT).post(f"followups/surveys/{survey.pk}/close").status_code == 403
    assert api(user=supervisor).post("followups/surveys/999999/close").status_code == 404
    closed = api(user=supervisor).post(f"followups/surveys/{survey.pk}/close")
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    assert api(user=supervisor).post(f"followups/surveys/{survey.pk}/close").status_code == 409
    assert web(user=supervisor).post(f"/followups/surveys/{survey.pk}/close/").status_code == 302
    from django.test import Client

    assert Client().get(f"/followups/s/{token}/").status_code == 410


def test_r_fup_3_takes_a_phone_survey_about_a_ticket_on_the_page(web, supervisor, survey):
    ticket = complaint_awaiting_callback()
    other = managed_customer()
    client = web(user=supervisor)
    q = list(survey.questions.all())
    form = {
        "action": "phone",
        f"q{q[0].pk}_expected": "4",
        f"q{q[0].pk}_perceived": "5",
        f"q{q[1].pk}_expected": "4",
        f"q{q[1].pk}_perceived": "4",
        f"q{q[2].pk}": "4",
        f"q{q[3].pk}": "8",
    }
    url = f"/followups/surveys/{survey.pk}/"
    refused = client.post(url, form | {"customer": other.pk, "ticket": ticket.number})
    assert refused.status_code == 400 and ticket.number in refused.content.decode()
    assert client.post(url, form | {"customer": other.pk, "ticket": "T-NONE"}).status_code == 404
    assert (
        client.post(
            url, form | {"customer": ticket.customer_id, "ticket": ticket.number}
        ).status_code
        == 302
    )
    response = SurveyResponse.objects.get()
    assert (response.ticket, response.ticket_kind, response.channel) == (
        ticket,
        "complaint",
        "phone",
    )
