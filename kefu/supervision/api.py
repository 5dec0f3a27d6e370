"""/api/v1/supervision: duty log and sign-offs, monthly samples (R-SUP-1), weekly reports
(R-SUP-3), process walk-throughs and their fixes (R-SUP-5)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kefu.core.sheets import download
from kefu.errors import ValidationFailed, get_or_404
from kefu.org.models import User
from kefu.org.permissions import allowed, check
from kefu.supervision import selectors, services
from kefu.supervision.forms import parse_month
from kefu.supervision.models import (
    DutyLogEntry,
    DutyLogSample,
    Fix,
    FixStatus,
    Perspective,
    SampleItem,
    Walkthrough,
    WalkthroughKind,
    WeeklyReport,
)
from kefu.supervision.weekly_figures import parse_week, week_start_of
from kefu.tickets.models import Ticket

router = Router(tags=["supervision"])


# ---------------------------------------------------------------- schemas


class EntryIn(Schema):
    what: str = Field(..., min_length=1, max_length=4000)
    action: str = Field("", max_length=4000)
    occurred_at: dt.datetime | None = None
    ticket_id: int | None = None
    incident_ref: str = Field("", max_length=40)
    corrects_id: int | None = None


class EntryChangeIn(Schema):
    what: str = Field(..., min_length=1, max_length=4000)
    action: str = Field("", max_length=4000)
    ticket_id: int | None = None
    incident_ref: str = Field("", max_length=40)


class EntryOut(Schema):
    id: int
    day: dt.date
    occurred_at: dt.datetime
    what: str
    action: str
    ticket_id: int | None
    ticket_number: str | None
    incident_ref: str
    corrects_id: int | None
    corrected_by: list[int]
    author_id: int
    author_name: str

    @staticmethod
    def resolve_ticket_number(obj) -> str | None:
        return obj.ticket.number if obj.ticket_id else None

    @staticmethod
    def resolve_author_name(obj) -> str:
        return obj.author.display_name

    @staticmethod
    def resolve_corrected_by(obj) -> list[int]:
        return [c.pk for c in obj.corrections.all()]


class SignIn(Schema):
    note: str = Field("", max_length=4000)


class SignoffOut(Schema):
    day: dt.date
    signed_by_id: int
    signed_by_name: str
    signed_at: dt.datetime
    entry_count: int
    content_hash: str
    note: str

    @staticmethod
    def resolve_signed_by_name(obj) -> str:
        return obj.signed_by.display_name


class DayOut(Schema):
    day: dt.date
    signed: bool
    signature_valid: bool | None
    signoff: SignoffOut | None
    entries: list[EntryOut]


class UnsignedOut(Schema):
    day: dt.date
    entries: int


class SampleIn(Schema):
    month: str = Field(..., description="YYYY-MM")
    seed: int | None = Field(None, ge=1, le=2**62)


class ReviewIn(Schema):
    in_order: bool
    finding: str = Field("", max_length=4000)


class SampleItemOut(Schema):
    entry: EntryOut
    in_order: bool | None
    finding: str
    reviewed_at: dt.datetime | None


class SampleOut(Schema):
    id: int
    month: dt.date
    percent: float
    seed: int
    population: int
    sampled: int
    reviewed: int
    signed_by_id: int | None
    signed_at: dt.datetime | None
    content_hash: str
    signature_valid: bool | None
    items: list[SampleItemOut]


class DraftIn(Schema):
    week: str | None = Field(None, description="YYYY-Www; default: this week")


class WeeklyIn(Schema):
    comments: str = Field("", max_length=8000)


class SubmitIn(Schema):
    comments: str | None = Field(None, max_length=8000)


class WeeklyOut(Schema):
    id: int
    person_id: int
    person_name: str
    week: str
    week_start: dt.date
    due_at: dt.datetime
    status: str
    figures: dict
    comments: str
    submitted_at: dt.datetime | None
    late: bool

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.display_name

    @staticmethod
    def resolve_week(obj) -> str:
        return obj.week_label


class WeeklyRowOut(Schema):
    person_id: int
    person_name: str
    state: str
    report_id: int | None
    submitted_at: dt.datetime | None


class FixIn(Schema):
    action: str = Field(..., min_length=1, max_length=4000)
    assignee_id: int
    due_on: dt.date
    finding: int | None = Field(None, description="index of the finding (0-based) it answers")


class FixAddIn(Schema):
    action: str = Field(..., min_length=1, max_length=4000)
    assignee_id: int
    due_on: dt.date
    finding_id: int | None = None


class FixOut(Schema):
    id: int
    walkthrough_id: int
    finding_id: int | None
    action: str
    assignee_id: int
    assignee_name: str
    due_on: dt.date
    status: FixStatus
    done_note: str
    done_at: dt.datetime | None
    verified_at: dt.datetime | None

    @staticmethod
    def resolve_assignee_name(obj) -> str:
        return obj.assignee.display_name


class FindingOut(Schema):
    id: int
    text: str


class WalkthroughIn(Schema):
    process: str = Field(..., min_length=1, max_length=200)
    kind: WalkthroughKind
    perspective: Perspective
    walked_on: dt.date
    summary: str = Field("", max_length=4000)
    findings: list[str] = Field(..., min_length=1, max_length=100)
    fixes: list[FixIn] = Field([], max_length=100)


class WalkthroughOut(Schema):
    id: int
    process: str
    kind: WalkthroughKind
    perspective: Perspective
    walked_on: dt.date
    reviewer_id: int
    summary: str
    closed_at: dt.datetime | None
    findings: list[FindingOut]
    fixes: list[FixOut]

    @staticmethod
    def resolve_findings(obj) -> list:
        return list(obj.findings.all())

    @staticmethod
    def resolve_fixes(obj) -> list:
        # .all() so the callers' prefetch_related("fixes__assignee") is used: one query
        # for a whole list, not one per walk-through.
        return list(obj.fixes.all())


class TransitionIn(Schema):
    to: FixStatus
    note: str = Field("", max_length=4000)


# ---------------------------------------------------------------- helpers


def _entry(request, entry_id: int) -> DutyLogEntry:
    return get_or_404(selectors.entries_visible(request.user), pk=entry_id)


def _ticket(ticket_id: int | None) -> Ticket | None:
    return get_or_404(Ticket, pk=ticket_id) if ticket_id else None


def _user(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed.on(
            field, _("No active staff member has id %(id)s.") % {"id": user_id}
        )
    return user


def _sample_out(request, sample: DutyLogSample) -> dict:
    detail = selectors.sample_detail(sample, request.user)
    return {
        "id": sample.pk,
        "month": sample.month,
        "percent": float(sample.percent),
        "seed": sample.seed,
        "population": len(sample.population),
        "sampled": len(detail["items"]),
        "reviewed": detail["reviewed"],
        "signed_by_id": sample.signed_by_id,
        "signed_at": sample.signed_at,
        "content_hash": sample.content_hash,
        "signature_valid": detail["valid"],
        "items": [
            {
                "entry": i.entry,
                "in_order": i.in_order,
                "finding": i.finding,
                "reviewed_at": i.reviewed_at,
            }
            for i in detail["items"]
        ],
    }


def _month(text: str):
    month = parse_month(text)
    if month is None:
        raise ValidationFailed.on("month", _("Give the month as YYYY-MM."))
    return month


# ---------------------------------------------------------------- duty log (R-SUP-1)


@router.get("/duty-log", response=DayOut, summary="One day's duty log and its sign-off (R-SUP-1)")
def duty_day(request, day: dt.date):
    log = selectors.day_log(request.user, day)
    return {
        "day": log.day,
        "signed": log.signed,
        "signature_valid": log.valid,
        "signoff": log.signoff,
        "entries": log.entries,
    }


@router.post("/duty-log/entries", response={201: EntryOut}, summary="Write an entry (R-SUP-1)")
def duty_entry_create(request, payload: EntryIn):
    check(request.user, "dutylog.write")
    corrects = _entry(request, payload.corrects_id) if payload.corrects_id else None
    entry = services.duty_log_entry_create(
        actor=request.user,
        what=payload.what,
        action=payload.action,
        occurred_at=payload.occurred_at,
        ticket=_ticket(payload.ticket_id),
        incident_ref=payload.incident_ref,
        corrects=corrects,
    )
    return Status(201, entry)


@router.patch(
    "/duty-log/entries/{entry_id}", response=EntryOut, summary="Change an unsigned entry (R-SEC-4)"
)
def duty_entry_update(request, entry_id: int, payload: EntryChangeIn):
    entry = _entry(request, entry_id)
    return services.duty_log_entry_update(
        actor=request.user,
        entry=entry,
        what=payload.what,
        action=payload.action,
        incident_ref=payload.incident_ref,
        ticket=_ticket(payload.ticket_id),
    )


@router.post(
    "/duty-log/days/{day}/sign", response={201: SignoffOut}, summary="Sign a day's log (R-SUP-1)"
)
def duty_day_sign(request, day: dt.date, payload: SignIn):
    signoff = services.duty_day_sign(actor=request.user, day=day, note=payload.note)
    return Status(201, signoff)


@router.get("/duty-log/unsigned", response=list[UnsignedOut], summary="Days not yet signed")
def duty_unsigned(request):
    check(request.user, "dutylog.sign")
    return selectors.unsigned_days()


@router.get("/duty-log/months/{month}.xlsx", summary="A month's log with signatures (R-SUP-1)")
def duty_month_xlsx(request, month: str):
    first = _month(month)
    return download(selectors.month_xlsx(request.user, first), f"duty-log-{month}.xlsx")


@router.post("/samples", response={201: SampleOut}, summary="Draw the month's sample (R-SUP-1)")
def sample_draw(request, payload: SampleIn):
    sample = services.duty_sample_draw(
        actor=request.user, month=_month(payload.month), seed=payload.seed
    )
    return Status(201, _sample_out(request, sample))


@router.get("/samples/{sample_id}", response=SampleOut, summary="A monthly sample")
def sample_get(request, sample_id: int):
    check(request.user, "dutylog.view")
    return _sample_out(request, get_or_404(DutyLogSample, pk=sample_id))


@router.post(
    "/samples/{sample_id}/entries/{entry_id}/review",
    response=SampleOut,
    summary="Review one sampled entry (R-SUP-1)",
)
def sample_review(request, sample_id: int, entry_id: int, payload: ReviewIn):
    check(request.user, "dutylog.sample")
    item = get_or_404(SampleItem, sample_id=sample_id, entry_id=entry_id)
    services.sample_item_review(
        actor=request.user, item=item, in_order=payload.in_order, finding=payload.finding
    )
    return _sample_out(request, item.sample)


@router.post("/samples/{sample_id}/sign", response=SampleOut, summary="Sign the sample (R-SUP-1)")
def sample_sign(request, sample_id: int, payload: SignIn):
    check(request.user, "dutylog.sample")
    sample = get_or_404(DutyLogSample, pk=sample_id)
    return _sample_out(
        request, services.duty_sample_sign(actor=request.user, sample=sample, note=payload.note)
    )


# ---------------------------------------------------------------- weekly reports (R-SUP-3)


def _week(text: str | None) -> dt.date | None:
    if not text:
        return None
    week = parse_week(text)
    if week is None:
        raise ValidationFailed.on("week", _("Give the week as YYYY-Www, e.g. 2026-W10."))
    return week


def _report(request, report_id: int) -> WeeklyReport:
    report = get_or_404(WeeklyReport.objects.select_related("person"), pk=report_id)
    if report.person_id == request.user.pk:
        check(request.user, "weekly.own")
    else:
        check(request.user, "weekly.supervise")
    return report


@router.post("/weekly-reports/draft", summary="Draft the week's reports (R-SUP-3)")
def weekly_draft(request, payload: DraftIn):
    return services.weekly_reports_draft(actor=request.user, week_start=_week(payload.week))


@router.get(
    "/weekly-reports",
    response=list[WeeklyRowOut],
    summary="Each person's report of the week: on time, late, missing (R-SUP-3)",
)
def weekly_overview(request, week: str | None = None):
    check(request.user, "weekly.supervise")
    start = _week(week) or week_start_of(timezone.localdate())
    return [
        {
            "person_id": r["person"].pk,
            "person_name": r["person"].display_name,
            "state": r["state"],
            "report_id": r["report"].pk if r["report"] else None,
            "submitted_at": r["report"].submitted_at if r["report"] else None,
        }
        for r in selectors.weekly_overview(start)
    ]


@router.get("/weekly-reports/mine", response=list[WeeklyOut], summary="My weekly reports")
def weekly_mine(request):
    check(request.user, "weekly.own")
    return list(WeeklyReport.objects.filter(person=request.user).select_related("person")[:52])


@router.get("/weekly-reports/{report_id}", response=WeeklyOut, summary="One weekly report")
def weekly_get(request, report_id: int):
    return _report(request, report_id)


@router.patch("/weekly-reports/{report_id}", response=WeeklyOut, summary="Save my comments")
def weekly_update(request, report_id: int, payload: WeeklyIn):
    report = _report(request, report_id)
    return services.weekly_report_update(
        actor=request.user, report=report, comments=payload.comments
    )


@router.post("/weekly-reports/{report_id}/submit", response=WeeklyOut, summary="Submit (R-SUP-3)")
def weekly_submit(request, report_id: int, payload: SubmitIn):
    report = _report(request, report_id)
    return services.weekly_report_submit(
        actor=request.user, report=report, comments=payload.comments
    )


# ---------------------------------------------------------------- walk-throughs (R-SUP-5)


def _with_children():
    return Walkthrough.objects.prefetch_related("findings", "fixes__assignee")


def _walkthrough(request, walkthrough_id: int) -> Walkthrough:
    check(request.user, "walkthrough.view")
    return get_or_404(_with_children(), pk=walkthrough_id)


@router.get("/walkthroughs", response=list[WalkthroughOut], summary="Process walk-throughs")
def walkthrough_list(request, open_only: bool = False):
    check(request.user, "walkthrough.view")
    rows = _with_children()
    if open_only:
        rows = rows.filter(closed_at__isnull=True)
    return list(rows[:200])


@router.post(
    "/walkthroughs", response={201: WalkthroughOut}, summary="Record a walk-through (R-SUP-5)"
)
def walkthrough_create(request, payload: WalkthroughIn):
    check(request.user, "walkthrough.record")
    fixes = [
        {
            "action": f.action,
            "assignee": _user(f.assignee_id, "fixes"),
            "due_on": f.due_on,
            "finding": f.finding,
        }
        for f in payload.fixes
    ]
    walkthrough = services.walkthrough_create(
        actor=request.user,
        process=payload.process,
        kind=payload.kind,
        perspective=payload.perspective,
        walked_on=payload.walked_on,
        summary=payload.summary,
        findings=payload.findings,
        fixes=fixes,
    )
    return Status(201, _with_children().get(pk=walkthrough.pk))


@router.get("/walkthroughs/{walkthrough_id}", response=WalkthroughOut, summary="One walk-through")
def walkthrough_get(request, walkthrough_id: int):
    return _walkthrough(request, walkthrough_id)


@router.post("/walkthroughs/{walkthrough_id}/fixes", response={201: FixOut}, summary="Assign a fix")
def walkthrough_add_fix(request, walkthrough_id: int, payload: FixAddIn):
    walkthrough = _walkthrough(request, walkthrough_id)
    check(request.user, "walkthrough.record")
    finding = (
        get_or_404(walkthrough.findings.all(), pk=payload.finding_id)
        if payload.finding_id
        else None
    )
    fix = services.walkthrough_add_fix(
        actor=request.user,
        walkthrough=walkthrough,
        action=payload.action,
        assignee=_user(payload.assignee_id, "assignee_id"),
        due_on=payload.due_on,
        finding=finding,
    )
    return Status(201, fix)


@router.get("/fixes/mine", response=list[FixOut], summary="Fixes assigned to me that are open")
def fixes_mine(request):
    check(request.user, "walkthrough.view")
    return list(selectors.open_fixes_of(request.user).select_related("assignee"))


@router.post("/fixes/{fix_id}/transition", response=FixOut, summary="Move a fix (R-SUP-5)")
def fix_transition(request, fix_id: int, payload: TransitionIn):
    check(request.user, "walkthrough.view")
    fix = get_or_404(Fix, pk=fix_id)
    if fix.assignee_id != request.user.pk and not allowed(request.user, "walkthrough.record"):
        check(request.user, "walkthrough.record")
    return services.fix_transition(actor=request.user, fix=fix, to=payload.to, note=payload.note)
