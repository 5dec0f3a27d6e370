"""Demo follow-ups: callback plans for the demo contracts, a satisfaction survey with a
year of answers, a mystery customer programme and this year's demand campaign."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.customers.models import Customer
from kefu.errors import DomainError
from kefu.followups import campaigns, mystery, surveys
from kefu.followups.models import FollowUp, Status
from kefu.followups.services import followup_record, followups_generate
from kefu.org.models import User
from kefu.org.permissions import SYSTEM, check

QUESTIONS = [
    {"kind": "pair", "text": "报修后维修人员上门的速度"},
    {"kind": "pair", "text": "客服人员的服务态度"},
    {"kind": "pair", "text": "小区公共区域的清洁程度"},
    {"kind": "scale", "text": "您对我们服务的总体满意度"},
    {"kind": "nps", "text": "您有多大可能向亲友推荐我们的物业服务？"},
    {"kind": "text", "text": "您还有什么意见或建议？", "required": False},
]
NOTES = [
    "客户对服务表示满意",
    "反映电梯偶有异响",
    "希望加强夜间巡逻",
    "对维修速度满意",
    "无其他意见",
]


def _may_record(task: FollowUp):
    """The task's owner when their role and department allow it, else the system."""
    try:
        check(task.owner, "followup.record", department=task.department)
    except DomainError:
        return SYSTEM
    return task.owner


def load_followups(rng: random.Random) -> None:
    today = timezone.localdate()
    followups_generate(actor=SYSTEM, today=today)
    # About half of the past callbacks were made; a few customers were not reached.
    for task in FollowUp.objects.filter(status=Status.PLANNED, due_on__lt=today).select_related(
        "owner"
    ):
        if rng.random() < 0.5:
            continue
        reached = rng.random() < 0.85
        followup_record(
            actor=_may_record(task),
            followup=task,
            reached=reached,
            satisfaction=rng.choice((3, 4, 4, 5, 5)) if reached else None,
            notes=rng.choice(NOTES) if reached else "电话无人接听",
            today=today,
        )
    supervisor = User.objects.filter(username="cs_supervisor").first() or SYSTEM
    survey = surveys.survey_create(
        actor=SYSTEM,
        title="年度客户满意度调查",
        questions=QUESTIONS,
        intro="感谢您抽出宝贵时间，您的意见是我们改进服务的动力。",
    )
    customers = list(Customer.objects.filter(merged_into__isnull=True).order_by("pk")[:60])
    questions = list(survey.questions.all())
    for n, customer in enumerate(customers[:48]):
        answered = timezone.now() - dt.timedelta(days=rng.randint(0, 360))
        answers = {}
        for q in questions:
            if q.kind == "pair":
                expected = rng.randint(3, 5)
                answers[q.pk] = {"expected": expected, "perceived": rng.randint(expected - 2, 5)}
            elif q.kind == "scale":
                answers[q.pk] = rng.randint(2, 5)
            elif q.kind == "nps":
                answers[q.pk] = rng.randint(4, 10)
        if n % 2:
            surveys.survey_answer_by_phone(
                actor=SYSTEM, survey=survey, customer=customer, answers=answers, now=answered
            )
        else:
            [(invitation, _path)] = surveys.survey_send(
                actor=supervisor, survey=survey, customers=[customer], now=answered
            )
            from kefu.followups.links import make_token

            token = make_token("survey", invitation.pk, invitation.nonce)
            surveys.survey_answer_by_link(token=token, answers=answers, now=answered)
    surveys.survey_send(actor=supervisor, survey=survey, customers=customers[48:52])
    if Customer.objects.filter(first_grade__in=["A", "B"]).count() >= 3:
        mystery.programme_create(
            actor=supervisor,
            name="本季度神秘客户暗访",
            requested=3,
            grades=["A", "B"],
            seed=rng.randint(1, 10**9),
        )
    campaigns.campaign_open(actor=SYSTEM, year=today.year + 1, today=today)
