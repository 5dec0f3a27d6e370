"""/api/v1/callcenter (calls, imports, statistics, staffing) and /api/v1/cti/{token} (the PBX)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
import json
from typing import Literal
from urllib.parse import unquote, unquote_plus

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kefu.callcenter import planning, selectors, services, stats
from kefu.callcenter.api_schedule import router as schedule_router
from kefu.callcenter.models import CallRecord, Hotline, ImportJob, Queue
from kefu.core.input_errors import body_not_json, body_not_object
from kefu.core.pagination import PageNumberPagination
from kefu.core.sheets import download, xlsx_bytes
from kefu.core.uploads import check_upload
from kefu.customers.masking import mask
from kefu.errors import ValidationFailed, get_or_404
from kefu.org.models import User
from kefu.org.permissions import check

router = Router(tags=["callcenter"])
cti_router = Router(tags=["cti"])


# ---------------------------------------------------------------------------- CTI (R-CC-3)

_PHONE_FIELDS = {"from", "to", "answeringNumber"}


def _form_body(text: str) -> dict:
    """Form fields, also from bridges that do not URL-encode: a literal ``+`` in a number is
    kept as the international prefix, repeated fields and ``user[]`` become lists."""
    data: dict[str, object] = {}
    for part in text.split("&"):
        if not part:
            continue
        name, _sep, value = part.partition("=")
        name = unquote_plus(name).strip()
        if name in _PHONE_FIELDS:
            raw = unquote(value)
            value = raw[:1] + raw[1:].replace("+", " ") if raw.startswith("+") else raw
        else:
            value = unquote_plus(value)
        if name.endswith("[]"):
            name = name[:-2]
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def cti_payload(request: HttpRequest) -> dict:
    """JSON or form-encoded, whatever the Content-Type header says (or does not say)."""
    text = request.body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.on("body", body_not_json(exc)) from None
        if not isinstance(data, dict):
            raise ValidationFailed.on("body", body_not_object())
        return data
    data = _form_body(text)
    for key, value in request.GET.lists():
        data.setdefault(key.removesuffix("[]"), value if len(value) > 1 else value[0])
    return data


@cti_router.post(
    "/{token}",
    auth=None,
    response=dict,
    summary="Live call events of the generic CTI API (newCall, answer, hangup) — R-CC-3",
)
def cti_event(request, token: str):
    """Authenticated by the installation's path token only; answers ``{}`` or
    ``{"action": "reject", "reason": "busy"}`` for a blocked number."""
    return services.cti_event_receive(token=token, data=cti_payload(request))


# ---------------------------------------------------------------------------- schemas


class CallOut(Schema):
    id: int
    key: str
    source: str
    direction: str
    caller: str
    callee: str
    hotline_id: int | None
    queue: str | None = Field(..., description="the queue's name as the PBX sends it")
    queue_label: str | None = Field(
        ..., description="what people read: the queue's display name, else its PBX name"
    )
    agent_id: int | None
    agent_label: str
    enter_at: dt.datetime
    answer_at: dt.datetime | None
    end_at: dt.datetime | None
    wait_seconds: int
    talk_seconds: int | None
    disposition: str
    abandoned: bool
    blocked: bool
    customer_id: int | None
    ticket_id: int | None
    has_recording: bool

    @staticmethod
    def resolve_caller(obj: CallRecord) -> str:
        return mask("phone", obj.caller)  # R-SEC-1

    @staticmethod
    def resolve_callee(obj: CallRecord) -> str:
        return mask("phone", obj.callee)

    @staticmethod
    def resolve_queue(obj: CallRecord) -> str | None:
        return obj.queue.name if obj.queue_id else None

    @staticmethod
    def resolve_queue_label(obj: CallRecord) -> str | None:
        return obj.queue.label if obj.queue_id else None

    @staticmethod
    def resolve_has_recording(obj: CallRecord) -> bool:
        return bool(obj.recording)


class BadLineOut(Schema):
    line: int
    reason: str


class ImportOut(Schema):
    id: int
    file_name: str
    format: str
    status: str
    lines: int
    calls_found: int
    added: int
    already_known: int
    incomplete: int
    duplicate_lines: int
    bad_lines: list[BadLineOut]
    other_events: dict[str, int]
    message: str


class LinkIn(Schema):
    ticket_id: int


class RecordingIn(Schema):
    recording: str = Field(..., max_length=500)


class PlayOut(Schema):
    url: str


class StaffingIn(Schema):
    calls: float
    aht_seconds: float
    interval_minutes: int = 30
    target_sl: float | None = None
    target_seconds: float = 20.0
    agents: int | None = None
    patience_seconds: float | None = None
    max_occupancy: float | None = None
    shrinkage: float = 0.0
    lines: int | None = None


class HotlineOut(Schema):
    id: int
    number: str
    name: str
    ivr_menu: str
    is_active: bool
    department_id: int | None


class HotlineIn(Schema):
    number: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    ivr_menu: str = ""
    department_id: int | None = Field(None, description="the department that answers it")


class HotlinePatch(Schema):
    name: str | None = Field(None, max_length=100)
    ivr_menu: str | None = None
    is_active: bool | None = None
    department_id: int | None = Field(None, description="0 clears it")


class QueueOut(Schema):
    """R-CC-5: a PBX queue and the name people read."""

    id: int
    name: str = Field(..., description="the name the PBX sends (the key of imports and events)")
    display_name: str = Field(..., description="empty: the PBX name is shown")
    label: str = Field(..., description="what people read: display_name, else name")
    hotline_id: int | None


class QueuePatch(Schema):
    display_name: str = Field(..., max_length=100, description="blank: show the PBX name")


class CtiOut(Schema):
    token: str
    url_path: str
    blocked_numbers: list[str]
    rotated_at: dt.datetime


class BlockedIn(Schema):
    numbers: list[str]
    reason: str = ""


class ExtensionIn(Schema):
    extension: str = Field("", max_length=64)


# ---------------------------------------------------------------------------- imports (R-CC-2)


@router.post("/imports", response={201: ImportOut}, summary="Import a call-record file (R-CC-2)")
def import_create(
    request,
    file: File[UploadedFile],
    format: Form[Literal["asterisk-cdr", "queue-log", "csv"]],
    mapping: Form[str] = "",
):
    check(request.user, "callcenter.import")
    check_upload(file, "call_import")
    job = services.call_import_start(
        actor=request.user,
        file_name=file.name or "upload",
        content=file.read(),
        fmt=format,
        mapping=mapping,
    )
    job.refresh_from_db()
    return Status(201, job)


@router.get("/imports/{job_id}", response=ImportOut)
def import_detail(request, job_id: int):
    check(request.user, "callcenter.import")
    return get_or_404(ImportJob, pk=job_id)


# ---------------------------------------------------------------------------- calls


@router.get("/calls", response=list[CallOut], summary="Calls, newest first")
@paginate(PageNumberPagination)
def call_list(
    request,
    since: dt.date | None = None,
    until: dt.date | None = None,
    disposition: str | None = None,
    agent_id: int | None = None,
    caller: str | None = None,
):
    calls = selectors.calls_visible(request.user)
    if since is not None or until is not None:
        first, last = stats.day_bounds(since or dt.date(2000, 1, 1), until or timezone.localdate())
        calls = calls.filter(enter_at__gte=first, enter_at__lt=last)
    if disposition:
        calls = calls.filter(disposition=disposition)
    if agent_id is not None:
        calls = calls.filter(agent_id=agent_id)
    if caller:
        calls = calls.filter(caller__contains=caller)
    return calls.order_by("-enter_at", "-pk")


@router.get("/calls/{call_id}", response=CallOut)
def call_detail(request, call_id: int):
    return selectors.call_get(request.user, call_id)


@router.post("/calls/{call_id}/ticket", response=CallOut, summary="Link a call to a ticket")
def call_link_ticket(request, call_id: int, payload: LinkIn):
    from kefu.tickets.models import Ticket

    check(request.user, "callcenter.desk")
    call = get_or_404(CallRecord, pk=call_id)
    ticket = get_or_404(Ticket, pk=payload.ticket_id)
    return services.call_link_ticket(actor=request.user, call=call, ticket=ticket)


@router.put("/calls/{call_id}/recording", response=CallOut, summary="Attach a recording (R-CC-4)")
def call_recording_set(request, call_id: int, payload: RecordingIn):
    check(request.user, "callcenter.manage")
    call = get_or_404(CallRecord, pk=call_id)
    return services.call_recording_set(actor=request.user, call=call, recording=payload.recording)


@router.post(
    "/calls/{call_id}/recording/play",
    response=PlayOut,
    summary="Play a recording; each play is audited (R-CC-4)",
)
def call_recording_play(request, call_id: int):
    from kefu.callcenter.views import recording_url

    check(request.user, "callcenter.recordings")
    call = get_or_404(CallRecord, pk=call_id)
    services.call_recording_play(actor=request.user, call=call, ip=request.META.get("REMOTE_ADDR"))
    return {"url": recording_url(request.user, call)}


@router.get("/desk", response=dict, summary="The call ringing for me, with the caller (R-CC-3)")
def desk(request):
    call = selectors.desk_call(request.user)
    if call is None:
        return {"call": None}
    card = selectors.caller_card(request.user, call)
    customer = None
    if card.customer is not None and card.visible:
        customer = {
            "id": card.customer.pk,
            "name": card.customer.name,
            **card.personal,
            "warnings": [w.message for w in card.warnings],
            "blacklisted": card.blacklisted is not None,
        }
    return {
        "call": CallOut.from_orm(call).dict(),
        "customer": customer,
        "tickets": [{"id": t.pk, "number": t.number, "title": t.title} for t in card.tickets],
    }


# ---------------------------------------------------------------------------- statistics


@router.get("/stats", response=dict, summary="Call statistics (R-CC-5, R-CC-9)")
def call_statistics(
    request,
    since: dt.date | None = None,
    until: dt.date | None = None,
    group: Literal["interval", "day", "hotline", "queue", "agent"] = "day",
    interval: int = 30,
    format: Literal["json", "xlsx"] = "json",
):
    calls = selectors.calls_visible(request.user)
    if interval not in stats.INTERVALS:
        raise ValidationFailed.on("interval", "interval: 15, 30 or 60 minutes")
    last = until or timezone.localdate()
    first = since or last - dt.timedelta(days=6)
    if first > last:
        raise ValidationFailed.on("since", "since is after until")
    start, end = stats.day_bounds(first, last)
    report = stats.call_stats(
        calls=calls, since=start, until=end, group=group, interval_minutes=interval
    )
    if format == "xlsx":
        return download(stats_xlsx(report), f"calls-{first}-{last}.xlsx")
    return {
        "since": first.isoformat(),
        "until": last.isoformat(),
        "group": group,
        "interval_minutes": interval,
        "lines": report.settings.lines,
        "rows": [r.public() for r in report.rows],
        "total": report.total.public(),
        "definitions": report.definitions,
    }


STAT_COLUMNS = (
    "offered", "answered", "abandoned", "short_abandoned", "answer_rate", "service_level",
    "quick_answer_rate", "asa_seconds", "aht_seconds", "occupancy", "peak_lines", "fcr_rate",
)  # fmt: skip


def stats_xlsx(report: stats.Report) -> bytes:
    labels = stats.figure_labels(report.settings)
    header = ["", *[labels[c] for c in STAT_COLUMNS]]
    rows = [[r.label, *[getattr(r, c) for c in STAT_COLUMNS]] for r in report.rows]
    rows.append([report.total.label, *[getattr(report.total, c) for c in STAT_COLUMNS]])
    notes = stats.labelled_definitions(report)
    return xlsx_bytes(
        [
            (_("Statistics"), header, rows),
            (_("Definitions"), [_("Figure"), _("Definition")], notes),
        ]
    )


# ---------------------------------------------------------------------------- staffing


@router.post("/staffing", response=dict, summary="Seats for one interval (Erlang C/A/B)")
def staffing(request, payload: StaffingIn):
    check(request.user, "callcenter.plan")
    return planning.staffing(
        calls=payload.calls,
        aht_seconds=payload.aht_seconds,
        interval_minutes=payload.interval_minutes,
        target_sl=payload.target_sl,
        target_seconds=payload.target_seconds,
        agents=payload.agents,
        patience_seconds=payload.patience_seconds,
        max_occupancy=payload.max_occupancy,
        shrinkage=payload.shrinkage,
        lines=payload.lines,
    )


@router.get("/forecast", response=dict, summary="A week's forecast and seats (R-CC-10)")
def forecast(request, week: str | None = None, interval: int = 30):
    check(request.user, "callcenter.plan")
    week = week or planning.next_week()
    plan = planning.forecast_plan(week=week, interval_minutes=interval)
    return {
        "week": week,
        "interval_minutes": interval,
        "intervals": [
            {
                "start": f.start.isoformat(),
                "calls": f.offered,
                "aht_seconds": f.aht_seconds,
                "agents": s.agents,
                "agents_with_shrinkage": s.agents_with_shrinkage,
                "service_level": s.service_level,
                "overridden": f.overridden,
            }
            for f, s in zip(plan.intervals, plan.required, strict=True)
        ],
    }


@router.get("/roster", response=dict, summary="The week's roster of named staff (R-CC-10)")
def roster(
    request,
    week: str | None = None,
    interval: int = 60,
    format: Literal["json", "xlsx"] = "json",
):
    plan = planning.roster_plan(
        actor=request.user, week=week or planning.next_week(), interval_minutes=interval
    )
    if format == "xlsx":
        return download(planning.roster_xlsx(plan), f"roster-{plan.plan.week}.xlsx")
    return {
        "week": plan.plan.week,
        "days": [d.isoformat() for d in plan.days()],
        "paid_hours": plan.roster.paid_hours,
        "optimal": plan.roster.optimal,
        "staff": [
            {"user_id": u.pk, "username": u.username, "shifts": shifts}
            for u, shifts in plan.sheet()
        ],
        "shortfalls": plan.shortfalls,
        "predicted": [
            {"interval": s.index, "answer_rate": s.answer_rate, "service_level": s.service_level}
            for s in plan.simulated
        ],
    }


# ---------------------------------------------------------------------------- settings


@router.get("/hotlines", response=list[HotlineOut])
def hotline_list(request):
    check(request.user, "callcenter.view")
    return Hotline.objects.all()


@router.post("/hotlines", response={201: HotlineOut}, summary="Add a hotline (R-CC-1)")
def hotline_create(request, payload: HotlineIn):
    department = _department(payload.department_id) if payload.department_id else None
    hotline = services.hotline_create(
        actor=request.user,
        number=payload.number,
        name=payload.name,
        ivr_menu=payload.ivr_menu,
        department=department,
    )
    return Status(201, hotline)


def _department(pk: int):
    from kefu.org.models import Department

    return get_or_404(Department, pk=pk)


@router.patch("/hotlines/{hotline_id}", response=HotlineOut)
def hotline_update(request, hotline_id: int, payload: HotlinePatch):
    check(request.user, "callcenter.manage")
    return services.hotline_update(
        actor=request.user,
        hotline=get_or_404(Hotline, pk=hotline_id),
        name=payload.name,
        ivr_menu=payload.ivr_menu,
        is_active=payload.is_active,
        department=(
            services.UNCHANGED
            if payload.department_id is None
            else _department(payload.department_id)
            if payload.department_id
            else None
        ),
    )


@router.get("/queues", response=list[QueueOut], summary="The PBX queues and their display names")
def queue_list(request):
    check(request.user, "callcenter.view")
    return Queue.objects.all()


@router.patch(
    "/queues/{queue_id}",
    response=QueueOut,
    summary="Name a PBX queue for people (R-CC-1, R-CC-5)",
)
def queue_update(request, queue_id: int, payload: QueuePatch):
    """R-CC-1, R-CC-5: the display name shown for the queue in statistics, call lists and
    exports; blank shows the PBX name again."""
    return services.queue_rename(
        actor=request.user,
        queue=get_or_404(Queue, pk=queue_id),
        display_name=payload.display_name,
    )


def _cti_out(row) -> dict:
    return {
        "token": row.token,
        "url_path": f"/api/v1/cti/{row.token}",
        "blocked_numbers": row.blocked_numbers,
        "rotated_at": row.rotated_at,
    }


@router.get("/cti", response=CtiOut, summary="The PBX link: path token and block list")
def cti_settings(request):
    check(request.user, "callcenter.manage")
    return _cti_out(services.cti_settings())


@router.post("/cti/rotate", response=CtiOut, summary="A new CTI path token")
def cti_rotate(request):
    return _cti_out(services.cti_token_rotate(actor=request.user))


@router.put("/cti/blocked", response=CtiOut, summary="Numbers the PBX is told to reject")
def cti_blocked(request, payload: BlockedIn):
    return _cti_out(
        services.cti_blocked_set(actor=request.user, numbers=payload.numbers, reason=payload.reason)
    )


@router.put("/extensions/{user_id}", response=dict, summary="A staff member's PBX extension")
def extension_set(request, user_id: int, payload: ExtensionIn):
    check(request.user, "callcenter.manage")
    user = get_or_404(User, pk=user_id)
    row = services.agent_extension_set(actor=request.user, user=user, extension=payload.extension)
    return {"user_id": user.pk, "extension": row.extension if row else ""}


# Shift templates, leave and forecast overrides (api_schedule.py), under the same prefix.
router.add_router("", schedule_router)
