"""Satisfaction surveys (满意度调查, R-FUP-3): build, send by personal link, answer, score.

Satisfaction is perceived minus expected (感知 − 期望) on each pair question; a
response keeps the mean gap, the mean of its 1–5 ratings and its NPS answer, and
the dimensions it is analysed by (month, department, agent, channel, ticket kind).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.errors import Conflict, ValidationFailed
from kefu.followups import events
from kefu.followups.links import LinkGone, LinkRefused, make_token, new_nonce, read_token
from kefu.followups.models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    ResponseChannel,
    Survey,
    SurveyResponse,
)
from kefu.org.permissions import check

SCALES = {QuestionKind.SCALE: (1, 5), QuestionKind.NPS: (0, 10), QuestionKind.PAIR: (1, 5)}


@transaction.atomic
def survey_create(*, actor, title: str, questions: list[dict], intro: str = "") -> Survey:
    """R-FUP-3: a survey template with its questions (1–5 scales, NPS, pairs, free text)."""
    check(actor, "followup.survey_manage")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.on("title", _("Give the survey a title."))
    if len(title) > 200:
        raise ValidationFailed.on("title", _("The title is longer than 200 characters."))
    if not questions:
        raise ValidationFailed.on("questions", _("A survey needs at least one question."))
    rows = []
    for n, q in enumerate(questions, start=1):
        kind, text = str(q.get("kind", "")), str(q.get("text", "")).strip()
        if kind not in QuestionKind.values:
            raise ValidationFailed.on(
                f"questions.{n}.kind",
                _("Question %(n)d: the kind must be one of %(k)s.")
                % {"n": n, "k": ", ".join(QuestionKind.values)},
            )
        if not text or len(text) > 300:
            raise ValidationFailed.on(
                f"questions.{n}.text",
                _("Question %(n)d: write it (at most 300 characters).") % {"n": n},
            )
        rows.append(
            Question(position=n, kind=kind, text=text, required=bool(q.get("required", True)))
        )
    survey = Survey.objects.create(
        title=title,
        intro=(intro or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for row in rows:
        row.survey = survey
    Question.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=survey,
        after=snapshot(survey) | {"questions": [[q.kind, q.text] for q in rows]},
    )
    return survey


@transaction.atomic
def survey_close(*, actor, survey: Survey) -> Survey:
    check(actor, "followup.survey_manage")
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise Conflict(message=_("The survey is already closed."))
    survey.is_open = False
    survey.save(update_fields=["is_open"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=survey,
        summary=_("survey closed"),
        before={"is_open": True},
        after={"is_open": False},
    )
    return survey


def invitation_url(invitation: Invitation) -> str:
    token = make_token("survey", invitation.pk, invitation.nonce)
    return reverse("followups:survey_public", args=[token])


@transaction.atomic
def survey_send(
    *, actor, survey: Survey, customers: list, ticket=None, now: dt.datetime | None = None
) -> list[tuple[Invitation, str]]:
    """R-FUP-3: a personal, signed, expiring, single-use link for each customer.

    Returns (invitation, path) pairs; customers with an email address are mailed the
    link after the transaction commits.
    """
    check(actor, "followup.survey_send")
    if not survey.is_open:
        raise Conflict(message=_("The survey is closed; it can no longer be sent."))
    if not customers:
        raise ValidationFailed.on("customer_ids", _("Choose at least one customer."))
    now = now or timezone.now()
    expires = now + dt.timedelta(days=policy.get("followups.survey_link_days"))
    sent = []
    for customer in customers:
        check(actor, "followup.survey_send", department=customer.department)
        if customer.merged_into_id:
            raise ValidationFailed.on(
                "customer_ids", _("%(n)s was merged into another record.") % {"n": customer.name}
            )
        if ticket is not None and ticket.customer_id != customer.pk:
            raise ValidationFailed.on(
                "ticket_id",
                _("Ticket %(t)s is not %(n)s's.") % {"t": ticket.number, "n": customer.name},
            )
        invitation = Invitation.objects.create(
            survey=survey,
            customer=customer,
            ticket=ticket,
            nonce=new_nonce(),
            sent_by=actor if getattr(actor, "pk", None) else None,
            sent_at=now,
            expires_at=expires,
        )
        path = invitation_url(invitation)
        sent.append((invitation, path))
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=invitation,
            summary=_("survey link sent"),
            after=snapshot(invitation, ["survey", "customer", "expires_at"]),
        )
        if customer.email:
            _mail_link(customer.email, survey.title, path)
    return sent


def _mail_link(address: str, title: str, path: str) -> None:
    base = getattr(settings, "KEFU_BASE_URL", "").rstrip("/")
    body = _("Please tell us how we did: %(url)s") % {"url": f"{base}{path}"}
    transaction.on_commit(
        lambda: send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    )


def invitation_open(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link names, or LinkRefused (tampered) / LinkGone (expired, used)."""
    pk, nonce = read_token("survey", token, max_age_days=policy.get("followups.survey_link_days"))
    invitation = (
        Invitation.objects.select_related("survey", "customer").filter(pk=pk, nonce=nonce).first()
    )
    if invitation is None:
        raise LinkRefused(message=_("This link is not valid. Check that it was copied whole."))
    if invitation.used_at is not None:
        raise LinkGone(message=_("This survey was already answered. Thank you!"))
    if invitation.expires_at <= (now or timezone.now()):
        raise LinkGone(message=_("This link has expired."))
    if not invitation.survey.is_open:
        raise LinkGone(message=_("This survey is closed."))
    return invitation


def _whole(field: str, value, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed.on(
            field, _("Choose a whole number from %(a)d to %(b)d.") % {"a": low, "b": high}
        )
    return value


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_answers(survey: Survey, answers: dict) -> list[Answer]:
    """Check every answer against its question; unanswered required questions are refused.

    ``answers`` maps question id (int or str) to: an int for scale and NPS, a dict
    ``{"expected", "perceived"}`` for a pair, a string for free text.
    """
    if not isinstance(answers, dict):
        raise ValidationFailed.on("answers", _("Answers are a mapping of question to answer."))
    questions = {str(q.pk): q for q in survey.questions.all()}
    unknown = [k for k in answers if str(k) not in questions]
    if unknown:
        raise ValidationFailed.on(
            "answers",
            _("No such question in this survey: %(q)s") % {"q": ", ".join(map(str, unknown))},
        )
    given = {str(k): v for k, v in answers.items()}
    rows = []
    for key, q in questions.items():
        value, field = given.get(key), f"q{key}"
        if q.kind == QuestionKind.PAIR:
            pair = value if isinstance(value, dict) else {}
            if all(_blank(pair.get(p)) for p in ("expected", "perceived")):
                if q.required:
                    raise ValidationFailed.on(field, _("Please answer: %(q)s") % {"q": q.text})
                continue
            rows.append(
                Answer(
                    question=q,
                    expected=_whole(f"{field}_expected", pair.get("expected"), 1, 5),
                    perceived=_whole(f"{field}_perceived", pair.get("perceived"), 1, 5),
                )
            )
        elif _blank(value):
            if q.required:
                raise ValidationFailed.on(field, _("Please answer: %(q)s") % {"q": q.text})
        elif q.kind == QuestionKind.TEXT:
            rows.append(Answer(question=q, text=str(value).strip()[:5000]))
        else:
            low, high = SCALES[QuestionKind(q.kind)]
            rows.append(Answer(question=q, value=_whole(field, value, low, high)))
    if not rows:
        raise ValidationFailed.on("answers", _("Answer at least one question."))
    return rows


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _store(
    survey, customer, rows, *, way, agent, invitation=None, ticket=None, actor=None, now=None
):
    kinds = {a.question_id: a.question.kind for a in rows}
    gaps = [a.perceived - a.expected for a in rows if kinds[a.question_id] == QuestionKind.PAIR]
    scales = [a.value for a in rows if kinds[a.question_id] == QuestionKind.SCALE]
    nps = [a.value for a in rows if kinds[a.question_id] == QuestionKind.NPS]
    if ticket is not None:
        channel, ticket_kind = ticket.channel, ticket.kind
    else:
        channel, ticket_kind = ("phone" if way == ResponseChannel.PHONE else "web"), ""
    response = SurveyResponse.objects.create(
        survey=survey,
        customer=customer,
        invitation=invitation,
        ticket=ticket,
        way=way,
        channel=channel,
        ticket_kind=ticket_kind,
        department=customer.department,
        agent=agent if getattr(agent, "pk", None) else None,
        gap=_mean(gaps),
        scale_mean=_mean(scales),
        nps=nps[0] if nps else None,
        answered_at=now or timezone.now(),
    )
    for a in rows:
        a.response = response
    Answer.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=response,
        summary=_("survey answered"),
        after=snapshot(response, ["survey", "customer", "way", "gap", "scale_mean", "nps"]),
    )
    events.survey_answered(response, actor=actor)
    return response


@transaction.atomic
def survey_answer_by_link(*, token: str, answers: dict, now: dt.datetime | None = None):
    """R-FUP-3: the customer answers through their personal link; the link is then used up."""
    now = now or timezone.now()
    invitation = invitation_open(token, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise LinkGone(message=_("This survey was already answered. Thank you!"))
    rows = clean_answers(invitation.survey, answers)
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    return _store(
        invitation.survey,
        invitation.customer,
        rows,
        way=ResponseChannel.LINK,
        agent=invitation.sent_by,
        invitation=invitation,
        ticket=invitation.ticket,
        now=now,
    )


@transaction.atomic
def survey_answer_by_phone(
    *, actor, survey: Survey, customer, answers: dict, ticket=None, now: dt.datetime | None = None
):
    """R-FUP-3: an agent fills the survey in with the customer on the phone."""
    check(actor, "followup.survey_phone", department=customer.department)
    if not survey.is_open:
        raise Conflict(message=_("The survey is closed."))
    if customer.merged_into_id:
        raise ValidationFailed.on("customer_id", _("This customer was merged into another record."))
    if ticket is not None and ticket.customer_id != customer.pk:
        raise ValidationFailed.on(
            "ticket_id",
            _("Ticket %(t)s is not %(n)s's.") % {"t": ticket.number, "n": customer.name},
        )
    rows = clean_answers(survey, answers)
    return _store(
        survey,
        customer,
        rows,
        way=ResponseChannel.PHONE,
        agent=actor,
        ticket=ticket,
        actor=actor,
        now=now,
    )
