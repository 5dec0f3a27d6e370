"""/api/v1/followups: callback tasks, overdue callbacks, campaigns, surveys, mystery customers."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kefu.core.pagination import PageNumberPagination
from kefu.core.sheets import download
from kefu.customers.models import Customer
from kefu.errors import ValidationFailed, get_or_404
from kefu.followups import campaigns, mystery, selectors, services, surveys
from kefu.followups.links import RateLimited, rate_limited
from kefu.followups.models import (
    Campaign,
    FollowUp,
    Kind,
    MysteryProgramme,
    QuestionKind,
    Survey,
)
from kefu.followups.models import (
    Status as TaskStatus,
)
from kefu.org.permissions import check
from kefu.tickets.models import Kind as TicketKind
from kefu.tickets.models import Ticket

router = Router(tags=["followups"])


class FollowUpOut(Schema):
    id: int
    kind: Kind
    status: TaskStatus
    customer_id: int | None
    customer_name: str | None
    contract_id: int | None
    ticket_id: int | None
    campaign_id: int | None
    department_id: int
    owner_id: int | None
    owner_name: str | None
    due_on: dt.date
    sequence: int
    attempt: int
    retry_of_id: int | None
    reached: bool | None
    satisfaction: int | None
    notes: str
    issue_ticket_id: int | None
    demand_plan: str
    gift: str
    cancel_reason: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_customer_name(obj) -> str | None:
        return obj.customer.name if obj.customer_id else None

    @staticmethod
    def resolve_owner_name(obj) -> str | None:
        return obj.owner.display_name if obj.owner_id else None


class OverdueOut(FollowUpOut):
    days_overdue: int


class RecordIn(Schema):
    reached: bool
    notes: str = Field(..., min_length=1)
    satisfaction: int | None = None
    issue: str = ""
    issue_kind: TicketKind = TicketKind.SERVICE_REQUEST
    demand_plan: str = ""
    gift: str = ""


class GenerateIn(Schema):
    today: dt.date | None = None


class CampaignIn(Schema):
    year: int | None = None
    grades: list[str] | None = None


class CampaignOut(Schema):
    id: int
    year: int
    name: str
    grades: list[str]
    opened_on: dt.date
    tasks: int

    @staticmethod
    def resolve_tasks(obj) -> int:
        return obj.tasks.count()


class QuestionIn(Schema):
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=300)
    required: bool = True


class QuestionOut(QuestionIn):
    id: int
    position: int


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    intro: str = ""
    questions: list[QuestionIn] = Field(..., min_length=1)


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    is_open: bool
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())


class SendIn(Schema):
    customer_ids: list[int] = Field(..., min_length=1, max_length=500)
    ticket_id: int | None = None


class LinkOut(Schema):
    customer_id: int
    invitation_id: int
    url: str
    expires_at: dt.datetime


class PhoneAnswerIn(Schema):
    customer_id: int
    ticket_id: int | None = None
    answers: dict[str, int | str | dict[str, int | None] | None]


class LinkAnswerIn(Schema):
    answers: dict[str, int | str | dict[str, int | None] | None]


class ResponseOut(Schema):
    id: int
    survey_id: int
    customer_id: int
    way: str
    channel: str
    gap: float | None
    scale_mean: float | None
    nps: int | None
    answered_at: dt.datetime


class ResultOut(Schema):
    key: str
    responses: int
    gap: float | None
    scale: float | None
    nps: float | None


class ProgrammeIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    requested: int = Field(..., ge=1, le=1000)
    grades: list[str] = []
    classes: list[str] = []
    district: str = Field("", max_length=100)
    seed: int | None = Field(None, ge=0, le=2**62)


class VolunteerOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    url: str
    submitted: bool

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_url(obj) -> str:
        return mystery.volunteer_url(obj)

    @staticmethod
    def resolve_submitted(obj) -> bool:
        return obj.submitted_at is not None


class ProgrammeOut(Schema):
    id: int
    name: str
    grades: list[str]
    classes: list[str]
    district: str
    requested: int
    seed: int
    candidates: int
    volunteers: list[VolunteerOut]

    @staticmethod
    def resolve_volunteers(obj) -> list:
        return list(obj.volunteers.select_related("customer"))


class ObservationIn(Schema):
    visited_on: dt.date
    greeting: int
    responsiveness: int
    knowledge: int
    environment: int
    findings: str = Field(..., min_length=1)


def _task(request, followup_id: int) -> FollowUp:
    task = get_or_404(FollowUp.objects.select_related("customer", "owner"), pk=followup_id)
    check(request.user, "followup.view", department=task.department)
    return task


def _customer(request, customer_id: int, code: str) -> Customer:
    customer = get_or_404(Customer.objects.select_related("department"), pk=customer_id)
    check(request.user, code, department=customer.department)
    return customer


# ---------------------------------------------------------------- tasks (R-FUP-1, -2, -5)


@router.get("/tasks", response=list[FollowUpOut], summary="Follow-up tasks one may see")
@paginate(PageNumberPagination)
def followup_list(
    request,
    kind: Kind | None = None,
    status: TaskStatus | None = None,
    mine: bool = False,
    customer_id: int | None = None,
):
    params = {"kind": kind, "status": status, "mine": mine, "customer": customer_id or ""}
    return selectors.followup_list(request.user, params)


@router.get("/tasks/overdue", response=list[OverdueOut], summary="Overdue callbacks (R-FUP-2)")
def followup_overdue(request, kind: Kind | None = None):
    return selectors.followups_overdue(request.user, kind=kind)


@router.get("/tasks/overdue.xlsx", summary="Overdue callbacks as Excel (R-FUP-2)")
def followup_overdue_xlsx(request, kind: Kind | None = None):
    tasks = selectors.followups_overdue(request.user, kind=kind)
    return download(selectors.overdue_xlsx(tasks), "overdue-callbacks.xlsx")


@router.get("/tasks/{followup_id}", response=FollowUpOut, summary="One follow-up task")
def followup_get(request, followup_id: int):
    return _task(request, followup_id)


@router.post(
    "/tasks/{followup_id}/result", response=FollowUpOut, summary="Record the result (R-FUP-1)"
)
def followup_record(request, followup_id: int, payload: RecordIn):
    task = _task(request, followup_id)
    return services.followup_record(actor=request.user, followup=task, **payload.dict())


@router.post("/generate", summary="Plan the follow-ups due within the horizon (R-FUP-1, -2, -5)")
def followup_generate(request, payload: GenerateIn):
    return services.followups_generate(actor=request.user, today=payload.today)


# ---------------------------------------------------------------- campaigns (R-FUP-6)


@router.get("/campaigns", response=list[CampaignOut], summary="Demand campaigns (R-FUP-6)")
def campaign_list(request):
    check(request.user, "followup.campaign")
    return list(Campaign.objects.all())


@router.post("/campaigns", response={201: CampaignOut}, summary="Open a demand campaign (R-FUP-6)")
def campaign_open(request, payload: CampaignIn):
    campaign = campaigns.campaign_open(actor=request.user, year=payload.year, grades=payload.grades)
    return Status(201, campaign)


@router.get("/campaigns/{campaign_id}.xlsx", summary="A campaign's contacts as Excel (R-FUP-6)")
def campaign_export(request, campaign_id: int):
    check(request.user, "followup.campaign")
    campaign = get_or_404(Campaign, pk=campaign_id)
    return download(selectors.campaign_xlsx(campaign), f"campaign-{campaign.year}.xlsx")


# ---------------------------------------------------------------- surveys (R-FUP-3)


def _survey(request, survey_id: int, code: str) -> Survey:
    check(request.user, code)
    return get_or_404(Survey, pk=survey_id)


@router.get("/surveys", response=list[SurveyOut], summary="Satisfaction surveys (R-FUP-3)")
def survey_list(request):
    check(request.user, "followup.survey_phone")
    return list(Survey.objects.prefetch_related("questions"))


@router.post("/surveys", response={201: SurveyOut}, summary="Build a survey (R-FUP-3)")
def survey_create(request, payload: SurveyIn):
    survey = surveys.survey_create(
        actor=request.user,
        title=payload.title,
        intro=payload.intro,
        questions=[q.dict() for q in payload.questions],
    )
    return Status(201, survey)


@router.get("/surveys/{survey_id}", response=SurveyOut, summary="One survey")
def survey_get(request, survey_id: int):
    return _survey(request, survey_id, "followup.survey_phone")


@router.post("/surveys/{survey_id}/close", response=SurveyOut, summary="Stop taking answers")
def survey_close(request, survey_id: int):
    survey = _survey(request, survey_id, "followup.survey_manage")
    return surveys.survey_close(actor=request.user, survey=survey)


@router.post(
    "/surveys/{survey_id}/send",
    response={201: list[LinkOut]},
    summary="Send personal, single-use links (R-FUP-3)",
)
def survey_send(request, survey_id: int, payload: SendIn):
    survey = _survey(request, survey_id, "followup.survey_send")
    customers = [_customer(request, pk, "followup.survey_send") for pk in payload.customer_ids]
    ticket = get_or_404(Ticket, pk=payload.ticket_id) if payload.ticket_id else None
    sent = surveys.survey_send(
        actor=request.user, survey=survey, customers=customers, ticket=ticket
    )
    return Status(
        201,
        [
            {
                "customer_id": i.customer_id,
                "invitation_id": i.pk,
                "url": request.build_absolute_uri(path),
                "expires_at": i.expires_at,
            }
            for i, path in sent
        ],
    )


@router.post(
    "/surveys/{survey_id}/phone",
    response={201: ResponseOut},
    summary="Fill in a survey on the phone (R-FUP-3)",
)
def survey_phone(request, survey_id: int, payload: PhoneAnswerIn):
    survey = _survey(request, survey_id, "followup.survey_phone")
    customer = _customer(request, payload.customer_id, "followup.survey_phone")
    ticket = get_or_404(Ticket, pk=payload.ticket_id) if payload.ticket_id else None
    response = surveys.survey_answer_by_phone(
        actor=request.user, survey=survey, customer=customer, answers=payload.answers, ticket=ticket
    )
    return Status(201, response)


@router.get(
    "/surveys/{survey_id}/results", response=list[ResultOut], summary="Results by a dimension"
)
def survey_results(request, survey_id: int, by: str = "month"):
    survey = _survey(request, survey_id, "followup.survey_results")
    if by not in selectors.DIMENSIONS:
        raise ValidationFailed.on(
            "by", _("by must be one of %(d)s") % {"d": ", ".join(selectors.DIMENSIONS)}
        )
    return selectors.survey_results(request.user, survey, by=by)


@router.get("/surveys/{survey_id}/trend", response=list[ResultOut], summary="Last 12 months")
def survey_trend(request, survey_id: int):
    survey = _survey(request, survey_id, "followup.survey_results")
    return selectors.survey_trend(request.user, survey)


@router.get("/surveys/{survey_id}/results.xlsx", summary="Results as Excel (R-FUP-3)")
def survey_results_xlsx(request, survey_id: int):
    survey = _survey(request, survey_id, "followup.survey_results")
    return download(selectors.survey_results_xlsx(request.user, survey), f"survey-{survey.pk}.xlsx")


@router.post(
    "/public/surveys/{token}",
    auth=None,
    response={201: ResponseOut},
    summary="A customer answers through their personal link (no login)",
)
def survey_public_answer(request, token: str, payload: LinkAnswerIn):
    if rate_limited(request):
        raise RateLimited(message=_("Too many requests; try again in a few minutes."))
    response = surveys.survey_answer_by_link(token=token, answers=payload.answers)
    return Status(201, response)


# ---------------------------------------------------------------- mystery customers (R-FUP-4)


@router.post("/mystery", response={201: ProgrammeOut}, summary="Draw mystery customers (R-FUP-4)")
def programme_create(request, payload: ProgrammeIn):
    programme = mystery.programme_create(actor=request.user, **payload.dict())
    return Status(201, programme)


@router.get("/mystery/{programme_id}", response=ProgrammeOut, summary="A programme and its links")
def programme_get(request, programme_id: int):
    check(request.user, "followup.mystery")
    return get_or_404(MysteryProgramme, pk=programme_id)


@router.get("/mystery/{programme_id}/report.xlsx", summary="The programme report (R-FUP-4)")
def programme_report_xlsx(request, programme_id: int):
    check(request.user, "followup.mystery")
    programme = get_or_404(MysteryProgramme, pk=programme_id)
    return download(
        selectors.programme_xlsx(request.user, programme), f"mystery-{programme.pk}.xlsx"
    )


@router.post(
    "/public/mystery/{token}",
    auth=None,
    response={201: dict},
    summary="A volunteer records observations through their link (no login)",
)
def observation_submit(request, token: str, payload: ObservationIn):
    if rate_limited(request):
        raise RateLimited(message=_("Too many requests; try again in a few minutes."))
    volunteer = mystery.observation_submit(token=token, **payload.dict())
    return Status(
        201, {"id": volunteer.pk, "submitted_at": timezone.localtime(volunteer.submitted_at)}
    )
