"""Call-centre pages: the agent desk (screen pop), statistics, calls and recordings, imports,
staffing and the roster. Each view checks the permission first and calls a service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.callcenter import planning, selectors, services, stats
from kefu.callcenter.forms import (
    BlockedForm,
    ExtensionForm,
    HotlineForm,
    ImportForm,
    QueueNameForm,
    StaffingForm,
)
from kefu.callcenter.import_reasons import reason_text
from kefu.callcenter.models import (
    AgentExtension,
    CallRecord,
    Hotline,
    ImportJob,
    ImportStatus,
    Queue,
)
from kefu.core.forms import apply_service
from kefu.core.sheets import download
from kefu.customers.masking import mask
from kefu.errors import DomainError, NotFound, ValidationFailed, get_or_404
from kefu.org.permissions import allowed, check

_SIGNER_SALT = "kefu.callcenter.recording"


# ---------------------------------------------------------------------------- desk (R-CC-3)


@login_required
def desk(request):
    check(request.user, "callcenter.desk")
    return render(request, "callcenter/desk.html", {"title": _("Call desk")})


@login_required
def desk_pop(request):
    """The fragment the desk polls every second: the ringing call and who is calling."""
    call = selectors.desk_call(request.user)
    card = selectors.caller_card(request.user, call) if call is not None else None
    masked = mask("phone", call.caller) if call is not None else ""
    return render(
        request, "callcenter/_pop.html", {"call": call, "card": card, "masked_caller": masked}
    )


@login_required
@require_POST
def desk_link(request):
    from kefu.tickets.models import Ticket

    check(request.user, "callcenter.desk")
    call = get_or_404(CallRecord, pk=request.POST.get("call", ""))
    ticket = get_or_404(Ticket, pk=request.POST.get("ticket", ""))
    try:
        services.call_link_ticket(actor=request.user, call=call, ticket=ticket)
        messages.success(request, _("Call linked to ticket %(n)s.") % {"n": ticket.number})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("callcenter:desk")


# ---------------------------------------------------------------------------- statistics


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        raise ValidationFailed.on(
            "date", _("%(v)s is not a date (YYYY-MM-DD).") % {"v": value}
        ) from None


def _chart(rows, target: float) -> dict:
    """Bars of offered and answered calls with the answer rate, as plain SVG numbers."""
    width, height, pad = 720, 220, 30
    peak = max([r.offered for r in rows] + [1])
    step = (width - 2 * pad) / max(len(rows), 1)
    bars = []
    for i, r in enumerate(rows):
        x = pad + i * step
        h_off = (height - 2 * pad) * r.offered / peak
        h_ans = (height - 2 * pad) * r.answered / peak
        bars.append(
            {
                "x": round(x, 1),
                "w": round(max(step * 0.8, 1), 1),
                "y_off": round(height - pad - h_off, 1),
                "h_off": round(h_off, 1),
                "y_ans": round(height - pad - h_ans, 1),
                "h_ans": round(h_ans, 1),
                "rate_y": round(height - pad - (height - 2 * pad) * (r.answer_rate or 0), 1),
                "label": r.label,
                "row": r,
            }
        )
    target_y = round(height - pad - (height - 2 * pad) * target, 1)
    return {"width": width, "height": height, "pad": pad, "bars": bars, "target_y": target_y}


@login_required
def stats_page(request):
    """R-CC-5, R-CC-9: figures per interval, day, hotline, queue or agent; days under the
    answer-rate target highlighted; definitions beside the figures; xlsx export."""
    from kefu.callcenter.api import stats_xlsx

    calls = selectors.calls_visible(request.user)
    today = timezone.localdate()
    last = _date(request.GET.get("until", ""), today)
    first = _date(request.GET.get("since", ""), last - dt.timedelta(days=6))
    group = request.GET.get("group", "day")
    group = group if group in stats.GROUPS else "day"
    interval = request.GET.get("interval", "30")
    interval = int(interval) if interval in {"15", "30", "60"} else 30
    if first > last:
        first, last = last, first
    since, until = stats.day_bounds(first, last)
    report = stats.call_stats(
        calls=calls, since=since, until=until, group=group, interval_minutes=interval
    )
    if request.GET.get("format") == "xlsx":
        return download(stats_xlsx(report), f"calls-{first}-{last}.xlsx")
    return render(
        request,
        "callcenter/stats.html",
        {
            "title": _("Call statistics"),
            "report": report,
            "columns": list(stats.figure_labels(report.settings).items()),
            "definitions": stats.labelled_definitions(report),
            "chart": _chart(report.rows, report.settings.answer_rate_target),
            "since": first,
            "until": last,
            "group": group,
            "interval": interval,
            "groups": stats.GROUPS,
            "can_import": allowed(request.user, "callcenter.import"),
        },
    )


# ---------------------------------------------------------------------------- calls, recordings


@login_required
def call_list(request):
    calls = selectors.calls_visible(request.user).order_by("-enter_at", "-pk")
    caller = request.GET.get("caller", "").strip()
    if caller:
        calls = calls.filter(caller__contains=caller)
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    for c in page:
        c.masked_caller = mask("phone", c.caller)  # R-SEC-1
        c.masked_callee = mask("phone", c.callee)
    return render(
        request,
        "callcenter/calls.html",
        {
            "title": _("Calls"),
            "page": page,
            "caller": caller,
            "can_listen": allowed(request.user, "callcenter.recordings"),
        },
    )


def recording_url(user, call: CallRecord) -> str:
    """Where the browser fetches the recording: the PBX's URL, or a signed link to the file
    (valid for an hour, for this user), so a listen cannot bypass the audited play."""
    if call.recording.startswith(("http://", "https://")):
        return call.recording
    token = signing.TimestampSigner(salt=_SIGNER_SALT).sign(f"{call.pk}:{user.pk}")
    return reverse("callcenter:recording", args=[call.pk]) + f"?t={token}"


@login_required
@require_POST
def recording_play(request, call_id: int):
    """R-CC-4: allowed roles listen; each play is written to the audit trail."""
    call = get_or_404(CallRecord, pk=call_id)
    services.call_recording_play(actor=request.user, call=call, ip=request.META.get("REMOTE_ADDR"))
    return render(
        request,
        "callcenter/_player.html",
        {"call": call, "url": recording_url(request.user, call)},
    )


def _recording_path(recording: str) -> Path:
    root = (Path(settings.MEDIA_ROOT) / "recordings").resolve()
    path = Path(recording)
    path = (path if path.is_absolute() else root / path).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(message=_("The recording file is not in the recordings folder."))
    return path


@login_required
def recording_file(request, call_id: int):
    check(request.user, "callcenter.recordings")
    call = get_or_404(CallRecord, pk=call_id)
    try:
        value = signing.TimestampSigner(salt=_SIGNER_SALT).unsign(
            request.GET.get("t", ""), max_age=3600
        )
    except signing.BadSignature:
        raise NotFound(message=_("Play the recording from the call list.")) from None
    if value != f"{call.pk}:{request.user.pk}":
        raise NotFound(message=_("Play the recording from the call list."))
    if call.recording.startswith(("http://", "https://")):
        return HttpResponseRedirect(call.recording)
    return FileResponse(_recording_path(call.recording).open("rb"))


# ---------------------------------------------------------------------------- imports (R-CC-2)


@login_required
def import_upload(request):
    check(request.user, "callcenter.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = apply_service(
            form,
            lambda: services.call_import_start(
                actor=request.user,
                file_name=data["file"].name,
                content=data["file"].read(),
                fmt=data["format"],
                mapping=data["mapping"],
            ),
        )
        if job is not None:
            return redirect("callcenter:import_job", job_id=job.pk)
    jobs = ImportJob.objects.order_by("-created_at")[:10]
    return render(
        request,
        "callcenter/import.html",
        {"title": _("Import call records"), "form": form, "jobs": jobs},
    )


@login_required
def import_job(request, job_id: int):
    check(request.user, "callcenter.import")
    job = get_or_404(ImportJob, pk=job_id)
    running = job.status in {ImportStatus.PENDING, ImportStatus.RUNNING}
    template = "callcenter/_import_job.html" if request.htmx else "callcenter/import_job.html"
    bad = [{"line": b["line"], "reason": reason_text(b["reason"])} for b in job.bad_lines[:500]]
    return render(
        request,
        template,
        {
            "title": _("Call import"),
            "job": job,
            "running": running,
            "bad_lines": bad,
            "message": reason_text(job.message or ""),
            "nothing_read": job.status == ImportStatus.DONE and not job.calls_found and bad,
        },
    )


# ---------------------------------------------------------------------------- staffing, roster


def staffing_rows(result: dict) -> list[tuple[str, str]]:
    """The calculator's figures as the user reads them: Chinese names, rates in percent,
    seats as whole numbers, seconds to one decimal (R-CC-10)."""
    labels = {
        "agents": (_("Agents needed"), "count"),
        "agents_with_shrinkage": (_("Agents to schedule (with shrinkage)"), "count"),
        "service_level": (_("Service level"), "percent"),
        "wait_probability": (_("Probability a caller waits"), "percent"),
        "asa_seconds": (_("Average speed of answer (s)"), "seconds"),
        "occupancy": (_("Occupancy"), "percent"),
        "answer_rate": (_("Answer rate"), "percent"),
        "abandon_probability": (_("Probability a caller abandons"), "percent"),
        "blocking": (_("Probability a call gets a busy line"), "percent"),
    }
    rows = []
    for key, value in result.items():
        label, kind = labels.get(key, (key, "number"))
        if value is None:
            shown = "—"
        elif kind == "percent":
            shown = f"{value * 100:.1f}%"
        elif kind == "count":
            shown = f"{value:g}" if isinstance(value, float) else str(value)
        elif kind == "seconds":
            shown = f"{value:.1f}"
        else:
            shown = f"{value:.4g}"
        rows.append((label, shown))
    return rows


@login_required
def planning_page(request):
    """R-CC-10: the Erlang calculator and the week's forecast of seats."""
    check(request.user, "callcenter.plan")
    form = StaffingForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            result = planning.staffing(
                calls=d["calls"],
                aht_seconds=d["aht"],
                interval_minutes=d["interval"],
                target_sl=d["target_sl"],
                target_seconds=d["target_seconds"],
                agents=d["agents"],
                patience_seconds=d["patience"],
                shrinkage=d["shrinkage"],
                lines=d["lines"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
    return render(
        request,
        "callcenter/planning.html",
        {
            "title": _("Seats and roster"),
            "form": form,
            "result": staffing_rows(result) if result is not None else None,
            "week": planning.next_week(),
        },
    )


@login_required
def roster_page(request):
    """R-CC-10: forecast → seats → roster for a week, its predicted figures, xlsx."""
    check(request.user, "callcenter.plan")
    week = request.GET.get("week", "").strip() or planning.next_week()
    try:
        plan = planning.roster_plan(actor=request.user, week=week, interval_minutes=60)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("callcenter:planning")
    if request.GET.get("format") == "xlsx":
        return download(planning.roster_xlsx(plan), f"roster-{plan.plan.week}.xlsx")
    target = stats.Settings.current().answer_rate_target
    hours = []
    for i, (f, s, c, sim) in enumerate(
        zip(plan.plan.intervals, plan.plan.required, plan.roster.covered, plan.simulated,
            strict=True)
    ):  # fmt: skip
        hours.append(
            {
                "start": f.start,
                "calls": f.offered,
                "needed": plan.roster.needed[i],
                "erlang": s.agents_with_shrinkage,
                "covered": c,
                "answer_rate": sim.answer_rate,
                "service_level": sim.service_level,
                "miss": sim.answer_rate < target,
            }
        )
    return render(
        request,
        "callcenter/roster.html",
        {
            "title": _("Roster"),
            "plan": plan,
            "hours": hours,
            "misses": sum(1 for h in hours if h["miss"]),
        },
    )


# ---------------------------------------------------------------------------- settings


@login_required
def settings_page(request):
    """R-CC-1, R-CC-3, R-CC-5: hotlines, queues' display names, the PBX link (path token,
    block list) and extensions."""
    check(request.user, "callcenter.manage")
    action = request.POST.get("action", "")
    hotline_form = HotlineForm(request.POST if action == "hotline" else None, prefix="h")
    blocked_form = BlockedForm(
        request.POST if action == "blocked" else None,
        prefix="b",
        initial={"numbers": "\n".join(services.cti_settings().blocked_numbers)},
    )
    extension_form = ExtensionForm(request.POST if action == "extension" else None, prefix="e")
    queue_form = QueueNameForm(request.POST if action == "queue" else None, prefix="q")
    done = None
    if action == "rotate":
        services.cti_token_rotate(actor=request.user)
        done = _("A new CTI token is in force; give the PBX the new address.")
    elif action == "hotline" and hotline_form.is_valid():
        d = hotline_form.cleaned_data
        if apply_service(hotline_form, lambda: services.hotline_create(
            actor=request.user, number=d["number"], name=d["name"], ivr_menu=d["ivr_menu"],
            department=d["department"],
        )):  # fmt: skip
            done = _("Hotline added.")
    elif action == "queue" and queue_form.is_valid():
        d = queue_form.cleaned_data
        if apply_service(queue_form, lambda: services.queue_rename(
            actor=request.user, queue=d["queue"], display_name=d["display_name"]
        )):  # fmt: skip
            done = _("Queue name saved.")
    elif action == "blocked" and blocked_form.is_valid():
        d = blocked_form.cleaned_data
        numbers = d["numbers"].replace(",", "\n").splitlines()
        if apply_service(blocked_form, lambda: services.cti_blocked_set(
            actor=request.user, numbers=numbers, reason=d["reason"]
        )):  # fmt: skip
            done = _("Block list saved.")
    elif action == "extension" and extension_form.is_valid():
        d = extension_form.cleaned_data
        try:
            services.agent_extension_set(
                actor=request.user, user=d["user"], extension=d["extension"]
            )
            done = _("Extension saved.")
        except DomainError as exc:
            extension_form.add_error("extension", str(exc.message))
    if done:
        messages.success(request, done)
        return redirect("callcenter:settings")
    link = services.cti_settings()
    return render(
        request,
        "callcenter/settings.html",
        {
            "title": _("Call-centre settings"),
            "hotlines": Hotline.objects.all(),
            "queues": Queue.objects.select_related("hotline"),
            "queue_form": queue_form,
            "extensions": AgentExtension.objects.select_related("user"),
            "cti_url": request.build_absolute_uri(f"/api/v1/cti/{link.token}"),
            "link": link,
            "hotline_form": hotline_form,
            "blocked_form": blocked_form,
            "extension_form": extension_form,
        },
    )
