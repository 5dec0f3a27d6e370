"""Reads of follow-ups: task lists, overdue callbacks, survey results, reports, exports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.core.sheets import xlsx_bytes
from kefu.followups.models import FollowUp, MysteryProgramme, Status, Survey, SurveyResponse
from kefu.followups.mystery import RATINGS
from kefu.followups.plans import add_months
from kefu.org.permissions import check, scope_filter
from kefu.tickets.models import Channel as TicketChannel
from kefu.tickets.models import Kind as TicketKind


def followups_visible(user):
    """R-SEC-3: the follow-up tasks ``user`` may see (their departments, or all)."""
    queryset = FollowUp.objects.select_related(
        "customer", "owner", "contract", "ticket", "department", "campaign", "issue_ticket"
    )
    return scope_filter(user, "followup.view", queryset)


def followup_list(user, params) -> object:
    tasks = followups_visible(user)
    kind, status = params.get("kind"), params.get("status")
    if kind:
        tasks = tasks.filter(kind=kind)
    if status:
        tasks = tasks.filter(status=status)
    if params.get("mine") in {"1", "true", True}:
        tasks = tasks.filter(owner=user)
    customer = str(params.get("customer") or "")
    if customer.isdigit():
        tasks = tasks.filter(customer_id=int(customer))
    return tasks.order_by("due_on", "id")


def followups_overdue(
    user, *, today: dt.date | None = None, kind: str | None = None
) -> list[FollowUp]:
    """R-FUP-2: planned callbacks past their due date, for the supervisor, with days overdue."""
    check(user, "followup.supervise")
    today = today or timezone.localdate()
    tasks = followups_visible(user).filter(status=Status.PLANNED, due_on__lt=today)
    if kind:
        tasks = tasks.filter(kind=kind)
    tasks = list(tasks.order_by("due_on", "id"))
    for task in tasks:
        task.days_overdue = (today - task.due_on).days
    return tasks


def overdue_xlsx(tasks: list[FollowUp]) -> bytes:
    header = [
        _("Kind"),
        _("Customer"),
        pgettext("person responsible", "Owner"),
        _("Due on"),
        _("Days overdue"),
        _("Attempt"),
    ]
    rows = (
        [
            t.get_kind_display(),
            t.contact_label,
            t.owner.display_name if t.owner_id else "",
            t.due_on,
            t.days_overdue,
            t.attempt,
        ]
        for t in tasks
    )
    return xlsx_bytes([(_("Overdue callbacks"), header, rows)])


def campaign_xlsx(campaign) -> bytes:
    header = [
        _("Customer"),
        _("Grade"),
        pgettext("person responsible", "Owner"),
        _("Status"),
        _("Reached"),
        _("Next year's demand plan"),
        _("Gift sent"),
        _("Notes"),
    ]
    tasks = campaign.tasks.select_related("customer", "owner").order_by("customer__name", "attempt")
    rows = (
        [
            t.customer.name,
            t.customer.first_grade,
            t.owner.display_name if t.owner_id else "",
            t.get_status_display(),
            "" if t.reached is None else (_("yes") if t.reached else _("no")),
            t.demand_plan,
            t.gift,
            t.notes,
        ]
        for t in tasks
    )
    return xlsx_bytes([(campaign.name, header, rows)])


# ---------------------------------------------------------------- survey results (R-FUP-3)

DIMENSIONS = {
    "month": "month",
    "department": "department__name",
    "agent": "agent__full_name",
    "channel": "channel",
    "ticket_kind": "ticket_kind",
}


LABELS = {"channel": TicketChannel, "ticket_kind": TicketKind}


@dataclass
class ResultRow:
    key: str
    responses: int
    gap: float | None
    scale: float | None
    nps: float | None


def _nps(promoters: int, detractors: int, answered: int) -> float | None:
    return round((promoters - detractors) * 100 / answered, 1) if answered else None


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _rows(responses, field: str) -> list[ResultRow]:
    if field == "month":
        responses = responses.annotate(month=TruncMonth("answered_at"))
    grouped = (
        responses.values(field)
        .annotate(
            n=Count("id"),
            gap=Avg("gap"),
            scale=Avg("scale_mean"),
            prom=Count("id", filter=Q(nps__gte=9)),
            det=Count("id", filter=Q(nps__lte=6)),
            nps_n=Count("nps"),
        )
        .order_by(field)
    )
    out = []
    for row in grouped:
        key = row[field]
        if field in LABELS and key in LABELS[field].values:
            key = LABELS[field](key).label
        if field == "month" and key is not None:
            key = f"{timezone.localtime(key) if timezone.is_aware(key) else key:%Y-%m}"
        out.append(
            ResultRow(
                str(key or "—"),
                row["n"],
                _round(row["gap"]),
                _round(row["scale"]),
                _nps(row["prom"], row["det"], row["nps_n"]),
            )
        )
    return out


def survey_results(user, survey: Survey, *, by: str = "month") -> list[ResultRow]:
    """R-FUP-3: responses, mean perceived − expected, mean rating and NPS per group."""
    check(user, "followup.survey_results")
    return _rows(SurveyResponse.objects.filter(survey=survey), DIMENSIONS.get(by, "month"))


def survey_trend(user, survey: Survey | None, *, today: dt.date | None = None) -> list[ResultRow]:
    """R-FUP-3: the last 12 months, one row per month (empty months included)."""
    check(user, "followup.survey_results")
    today = today or timezone.localdate()
    first = add_months(today.replace(day=1), -11)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    responses = SurveyResponse.objects.filter(answered_at__gte=start)
    if survey is not None:
        responses = responses.filter(survey=survey)
    found = {r.key: r for r in _rows(responses, "month")}
    months = [f"{add_months(first, i):%Y-%m}" for i in range(12)]
    return [found.get(m, ResultRow(m, 0, None, None, None)) for m in months]


def trend_svg(rows: list[ResultRow]) -> str:
    """The 12-month trend as an SVG drawn on the server (pygal, no script)."""
    import pygal
    from pygal.style import LightStyle

    chart = pygal.Line(
        js=[],
        width=760,
        height=300,
        style=LightStyle,
        show_legend=True,
        legend_at_bottom=True,
        explicit_size=True,
        disable_xml_declaration=True,
        title=_("Satisfaction over the last 12 months"),
    )
    chart.x_labels = [r.key for r in rows]
    chart.add(_("perceived − expected"), [r.gap for r in rows])
    chart.add(_("mean rating (1–5)"), [r.scale for r in rows])
    # pygal writes its tooltip configuration as an inline script even with js=[]; the
    # page ships no chart JavaScript, so it goes.
    return re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.DOTALL)


def survey_results_xlsx(user, survey: Survey) -> bytes:
    header = [_("Group"), _("Responses"), _("Perceived − expected"), _("Mean rating"), "NPS"]
    sheets = []
    labels = {
        "month": _("By month"),
        "department": _("By department"),
        "agent": _("By agent"),
        "channel": _("By channel"),
        "ticket_kind": _("By ticket kind"),
    }
    for by, label in labels.items():
        rows = [
            [r.key, r.responses, r.gap, r.scale, r.nps] for r in survey_results(user, survey, by=by)
        ]
        sheets.append((label, header, rows))
    trend = [[r.key, r.responses, r.gap, r.scale, r.nps] for r in survey_trend(user, survey)]
    sheets.append((_("Last 12 months"), header, trend))
    return xlsx_bytes(sheets)


# ---------------------------------------------------------------- mystery customers (R-FUP-4)


def programme_report(user, programme: MysteryProgramme) -> dict:
    """R-FUP-4: what the volunteers found: mean ratings and every observation."""
    check(user, "followup.mystery")
    volunteers = list(programme.volunteers.select_related("customer").order_by("id"))
    done = [v for v in volunteers if v.submitted_at]
    means = {
        r: (round(sum(getattr(v, r) for v in done) / len(done), 2) if done else None)
        for r in RATINGS
    }
    return {"volunteers": volunteers, "submitted": done, "means": means}


def programme_xlsx(user, programme: MysteryProgramme) -> bytes:
    report = programme_report(user, programme)
    header = [
        _("Customer"),
        _("Visited on"),
        _("Greeting"),
        _("Responsiveness"),
        _("Knowledge"),
        _("Environment"),
        _("Findings"),
    ]
    rows = [
        [v.customer.name, v.visited_on, *[getattr(v, r) for r in RATINGS], v.findings]
        for v in report["submitted"]
    ]
    return xlsx_bytes([(programme.name, header, rows)])
