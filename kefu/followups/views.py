"""Follow-up pages: my tasks, recording a result, overdue callbacks, campaigns, surveys,
mystery customers, and the two public pages reached by a personal link (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service
from kefu.core.sheets import download
from kefu.customers.models import Customer
from kefu.errors import DomainError, NotFound, get_or_404
from kefu.followups import campaigns, mystery, selectors, services, surveys
from kefu.followups.forms import (
    CampaignForm,
    PhoneCustomerForm,
    ProgrammeForm,
    RecordForm,
    SendForm,
    SurveyForm,
    answers_from_post,
)
from kefu.followups.links import LinkRefused, RateLimited, rate_limited
from kefu.followups.models import Campaign, FollowUp, Kind, MysteryProgramme, Status, Survey
from kefu.org.permissions import allowed, check
from kefu.tickets.models import Ticket

# ---------------------------------------------------------------- tasks


@login_required
def task_list(request):
    check(request.user, "followup.view")
    params = request.GET.dict()
    params.setdefault("mine", "1")
    if params["mine"] == "1":
        params.setdefault("status", Status.PLANNED)  # one's to-do list, unless asked otherwise
    tasks = selectors.followup_list(request.user, params)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "followups/list.html",
        {
            "page": page,
            "filters": params,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "today": timezone.localdate(),
            "can_supervise": allowed(request.user, "followup.supervise"),
            # The surveys page answers only survey builders and phone surveyors (no 403 link).
            "can_surveys": allowed(request.user, "followup.survey_manage")
            or allowed(request.user, "followup.survey_phone"),
        },
    )


@login_required
def task_detail(request, followup_id: int):
    task = get_or_404(
        FollowUp.objects.select_related(
            "customer", "owner", "contract", "ticket", "campaign", "issue_ticket", "done_by"
        ),
        pk=followup_id,
    )
    check(request.user, "followup.view", department=task.department)
    form = RecordForm(request.POST or None, campaign=task.kind == Kind.CAMPAIGN)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["issue_kind"] = data.get("issue_kind") or "service_request"
        done = apply_service(
            form, lambda: services.followup_record(actor=request.user, followup=task, **data)
        )
        if done is not None:
            messages.success(request, _("The result is recorded."))
            return redirect("followups:detail", task.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "followups/detail.html",
        {
            "task": task,
            "form": form,
            # R-FUP-2: a complaint callback already recorded on the ticket is not offered again.
            "can_record": task.status == Status.PLANNED
            and not (task.ticket_id and task.ticket.callback_at)
            and allowed(request.user, "followup.record"),
            "history": FollowUp.objects.filter(
                kind=task.kind,
                customer=task.customer,
                contract=task.contract,
                ticket=task.ticket,
                sequence=task.sequence,
            ).exclude(pk=task.pk),
        },
        status=status,
    )


@login_required
def overdue(request):
    """R-FUP-2: the supervisor's list of overdue callbacks, with owner and days overdue."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    tasks = selectors.followups_overdue(request.user, kind=kind or None)
    if request.GET.get("format") == "xlsx":
        return download(selectors.overdue_xlsx(tasks), "overdue-callbacks.xlsx")
    return render(
        request, "followups/overdue.html", {"tasks": tasks, "kind": kind, "kinds": Kind.choices}
    )


@login_required
@require_POST
def generate(request):
    result = services.followups_generate(actor=request.user)
    created = sum(counts.get("created", 0) for counts in result.values())
    messages.success(request, _("%(n)d follow-up tasks planned.") % {"n": created})
    return redirect("followups:overdue")


# ---------------------------------------------------------------- campaigns (R-FUP-6)


@login_required
def campaign_list(request):
    check(request.user, "followup.campaign")
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None, initial={"year": today.year + 1, "grades": list("ABCD")}
    )
    if request.method == "POST" and form.is_valid():
        campaign = apply_service(
            form,
            lambda: campaigns.campaign_open(
                actor=request.user,
                year=form.cleaned_data["year"],
                grades=form.cleaned_data["grades"],
            ),
        )
        if campaign is not None:
            messages.success(request, _("The campaign is open."))
            return redirect("followups:campaign", campaign.pk)
    return render(
        request,
        "followups/campaigns.html",
        {"campaigns": Campaign.objects.all(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def campaign_detail(request, campaign_id: int):
    check(request.user, "followup.campaign")
    campaign = get_or_404(Campaign, pk=campaign_id)
    if request.GET.get("format") == "xlsx":
        return download(selectors.campaign_xlsx(campaign), f"campaign-{campaign.year}.xlsx")
    tasks = campaign.tasks.select_related("customer", "owner").order_by("status", "customer__name")
    page = Paginator(tasks, 100).get_page(request.GET.get("page"))
    return render(request, "followups/campaign.html", {"campaign": campaign, "page": page})


# ---------------------------------------------------------------- surveys (R-FUP-3)


@login_required
def survey_list(request):
    # Those who build surveys (followup.survey_manage) see the list too, not only callers.
    if not allowed(request.user, "followup.survey_manage"):
        check(request.user, "followup.survey_phone")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = apply_service(
            form,
            lambda: surveys.survey_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
                questions=form.cleaned_data["questions"],
            ),
        )
        if survey is not None:
            messages.success(request, _("The survey is saved."))
            return redirect("followups:survey", survey.pk)
    return render(
        request,
        "followups/surveys.html",
        {
            "surveys": Survey.objects.all(),
            "form": form,
            "can_manage": allowed(request.user, "followup.survey_manage"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _customers_for_send(numbers: list[int]) -> list[Customer]:
    found = {c.pk: c for c in Customer.objects.filter(pk__in=numbers).select_related("department")}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(message=_("No customer #%(n)s.") % {"n": missing[0]})
    return [found[n] for n in numbers]


@login_required
def survey_detail(request, survey_id: int):
    """Send the survey's links, or fill it in with a customer on the phone (R-FUP-3)."""
    check(request.user, "followup.survey_phone")
    survey = get_or_404(Survey.objects.prefetch_related("questions"), pk=survey_id)
    send_form = SendForm(request.POST if request.POST.get("action") == "send" else None)
    phone_form = PhoneCustomerForm(request.POST if request.POST.get("action") == "phone" else None)
    links, error, status = [], "", 200
    if request.method == "POST":
        status = 400
        try:
            if send_form.is_bound and send_form.is_valid():
                customers = _customers_for_send(send_form.cleaned_data["customers"])
                sent = surveys.survey_send(actor=request.user, survey=survey, customers=customers)
                links = [(i.customer, request.build_absolute_uri(path)) for i, path in sent]
                status = 200
            elif phone_form.is_bound and phone_form.is_valid():
                customer = get_or_404(Customer, pk=phone_form.cleaned_data["customer"])
                number = phone_form.cleaned_data["ticket"].strip()
                surveys.survey_answer_by_phone(
                    actor=request.user,
                    survey=survey,
                    customer=customer,
                    answers=answers_from_post(survey, request.POST),
                    ticket=get_or_404(Ticket, number=number) if number else None,
                )
                messages.success(request, _("The answers are recorded."))
                return redirect("followups:survey", survey.pk)
        except DomainError as exc:
            error, status = exc.message, exc.status
    return render(
        request,
        "followups/survey.html",
        {
            "survey": survey,
            "send_form": send_form,
            "phone_form": phone_form,
            "links": links,
            "error": error,
            "questions": _question_rows(survey, request.POST),
            "can_send": allowed(request.user, "followup.survey_send"),
            "can_results": allowed(request.user, "followup.survey_results"),
            "can_manage": allowed(request.user, "followup.survey_manage"),
        },
        status=status,
    )


@login_required
@require_POST
def survey_close(request, survey_id: int):
    check(request.user, "followup.survey_manage")
    survey = get_or_404(Survey, pk=survey_id)
    try:
        surveys.survey_close(actor=request.user, survey=survey)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The survey no longer takes answers."))
    return redirect("followups:survey", survey.pk)


@login_required
def survey_results(request, survey_id: int):
    check(request.user, "followup.survey_results")
    survey = get_or_404(Survey, pk=survey_id)
    if request.GET.get("format") == "xlsx":
        return download(
            selectors.survey_results_xlsx(request.user, survey), f"survey-{survey.pk}.xlsx"
        )
    by = request.GET.get("by", "month")
    by = by if by in selectors.DIMENSIONS else "month"
    trend = selectors.survey_trend(request.user, survey)
    return render(
        request,
        "followups/results.html",
        {
            "survey": survey,
            "by": by,
            "dimensions": [
                ("month", _("month")),
                ("department", _("department")),
                ("agent", pgettext("staff", "agent")),
                ("channel", _("channel")),
                ("ticket_kind", _("ticket kind")),
            ],
            "rows": selectors.survey_results(request.user, survey, by=by),
            "chart": selectors.trend_svg(trend),
            "responses": survey.responses.select_related("customer", "agent")[:50],
        },
    )


def _question_rows(survey: Survey, data) -> list[dict]:
    rows = []
    for q in survey.questions.all():
        name = f"q{q.pk}"
        low, high = (0, 10) if q.kind == "nps" else (1, 5)
        rows.append(
            {
                "q": q,
                "name": name,
                "choices": [str(n) for n in range(low, high + 1)],
                "value": data.get(name, ""),
                "expected": data.get(f"{name}_expected", ""),
                "perceived": data.get(f"{name}_perceived", ""),
            }
        )
    return rows


def _refused(request, exc: DomainError):
    return render(
        request,
        "followups/public_refused.html",
        {"error": exc, "title": exc.title()},
        status=exc.status,
    )


def survey_public(request, token: str):
    """R-FUP-3: the customer's own survey page; no login; refused plainly when not valid."""
    if rate_limited(request):
        return _refused(request, RateLimited(message=_("Too many requests; try again later.")))
    try:
        invitation = surveys.invitation_open(token)
    except LinkRefused as exc:
        return _refused(request, exc)
    survey, error, status = invitation.survey, "", 200
    if request.method == "POST":
        try:
            surveys.survey_answer_by_link(
                token=token, answers=answers_from_post(survey, request.POST)
            )
        except LinkRefused as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return render(request, "followups/public_thanks.html", {"title": survey.title})
    return render(
        request,
        "followups/public_survey.html",
        {
            "survey": survey,
            "customer": invitation.customer,
            "error": error,
            "questions": _question_rows(survey, request.POST),
        },
        status=status,
    )


# ---------------------------------------------------------------- mystery customers (R-FUP-4)


@login_required
def mystery_list(request):
    check(request.user, "followup.mystery")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = apply_service(
            form, lambda: mystery.programme_create(actor=request.user, **form.cleaned_data)
        )
        if programme is not None:
            messages.success(request, _("The volunteers are drawn."))
            return redirect("followups:mystery", programme.pk)
    return render(
        request,
        "followups/mystery_list.html",
        {"programmes": MysteryProgramme.objects.all(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mystery_detail(request, programme_id: int):
    check(request.user, "followup.mystery")
    programme = get_or_404(MysteryProgramme, pk=programme_id)
    if request.GET.get("format") == "xlsx":
        return download(
            selectors.programme_xlsx(request.user, programme), f"mystery-{programme.pk}.xlsx"
        )
    report = selectors.programme_report(request.user, programme)
    links = [
        (v, request.build_absolute_uri(mystery.volunteer_url(v))) for v in report["volunteers"]
    ]
    return render(
        request,
        "followups/mystery.html",
        {
            "programme": programme,
            "report": report,
            "links": links,
            "means": [(label, report["means"][key]) for key, label in _rating_labels()],
        },
    )


def mystery_public(request, token: str):
    """R-FUP-4: the volunteer's observation form; no login."""
    if rate_limited(request):
        return _refused(request, RateLimited(message=_("Too many requests; try again later.")))
    try:
        volunteer = mystery.volunteer_open(token)
    except LinkRefused as exc:
        return _refused(request, exc)
    error, status = "", 200
    if request.method == "POST":
        data = request.POST
        try:
            mystery.observation_submit(
                token=token,
                visited_on=data.get("visited_on", ""),
                findings=data.get("findings", ""),
                **{r: data.get(r, "") for r in mystery.RATINGS},
            )
        except LinkRefused as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return render(
                request, "followups/public_thanks.html", {"title": volunteer.programme.name}
            )
    return render(
        request,
        "followups/public_mystery.html",
        {
            "volunteer": volunteer,
            "error": error,
            "values": request.POST,
            "ratings": _rating_labels(),
        },
        status=status,
    )


def _rating_labels() -> list[tuple[str, str]]:
    return [
        ("greeting", _("Greeting")),
        ("responsiveness", _("Responsiveness")),
        ("knowledge", _("Knowledge")),
        ("environment", _("Environment")),
    ]
