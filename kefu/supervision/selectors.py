"""Reads of service supervision: day logs, unsigned days, samples, weekly reports, fixes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.sheets import xlsx_bytes
from kefu.org.permissions import check, scope_filter
from kefu.supervision.models import (
    DutyDaySignoff,
    DutyLogEntry,
    DutyLogSample,
    Fix,
    FixStatus,
    WeeklyReport,
    WeeklyStatus,
)
from kefu.supervision.services.dutylog import (
    month_end,
    month_start,
    sample_is_valid,
    signoff_is_valid,
)
from kefu.supervision.services.weekly import meeting_time, technical_service_staff

UNSIGNED_LOOKBACK_DAYS = 62


def entries_visible(user):
    """R-SEC-3: the duty-log entries ``user`` may read (their departments', or all)."""
    queryset = DutyLogEntry.objects.select_related("author", "ticket", "corrects")
    return scope_filter(user, "dutylog.view", queryset)


@dataclass
class DayLog:
    day: dt.date
    entries: list
    signoff: DutyDaySignoff | None
    valid: bool | None  # None: not signed

    @property
    def signed(self) -> bool:
        return self.signoff is not None


def day_log(user, day: dt.date) -> DayLog:
    """R-SUP-1: one day's entries with its sign-off and whether the signature still holds."""
    entries = list(
        entries_visible(user)
        .filter(day=day)
        .prefetch_related("corrections")
        .order_by("occurred_at", "pk")
    )
    signoff = DutyDaySignoff.objects.select_related("signed_by").filter(day=day).first()
    valid = signoff_is_valid(signoff) if signoff is not None else None
    return DayLog(day=day, entries=entries, signoff=signoff, valid=valid)


def month_days(user, month: dt.date) -> list[dict]:
    """Each day of the month with its entry count and sign-off."""
    first = month_start(month)
    last = month_end(first)
    counts = dict(
        entries_visible(user)
        .filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    signoffs = {
        s.day: s
        for s in DutyDaySignoff.objects.filter(day__gte=first, day__lte=last).select_related(
            "signed_by"
        )
    }
    days = []
    day = first
    while day <= last:
        days.append({"day": day, "entries": counts.get(day, 0), "signoff": signoffs.get(day)})
        day += dt.timedelta(days=1)
    return days


def unsigned_days(*, today: dt.date | None = None, limit: int = 31) -> list[dict]:
    """R-SUP-1: past days whose log has entries but no sign-off, oldest first."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=UNSIGNED_LOOKBACK_DAYS)
    signed = DutyDaySignoff.objects.filter(day__gte=since).values("day")
    rows = (
        DutyLogEntry.objects.filter(day__gte=since, day__lt=today)
        .exclude(day__in=signed)
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [{"day": r["day"], "entries": r["n"]} for r in rows[:limit]]


def samples_waiting(*, today: dt.date | None = None) -> dict:
    """R-SUP-1: for the director — drawn samples not yet signed, and past months with
    entries but no sample drawn yet."""
    today = today or timezone.localdate()
    unsigned = list(
        DutyLogSample.objects.filter(signed_at__isnull=True)
        .annotate(
            total=Count("items"),
            reviewed=Count("items", filter=Q(items__reviewed_at__isnull=False)),
        )
        .order_by("month")
    )
    this_month = month_start(today)
    since = month_start(this_month - dt.timedelta(days=UNSIGNED_LOOKBACK_DAYS))
    drawn = set(DutyLogSample.objects.filter(month__gte=since).values_list("month", flat=True))
    months = sorted(
        {
            month_start(d)
            for d in DutyLogEntry.objects.filter(day__gte=since, day__lt=this_month)
            .values_list("day", flat=True)
            .distinct()
        }
        - drawn
    )
    return {"unsigned": unsigned, "undrawn": months}


def sample_detail(sample: DutyLogSample, user=None) -> dict:
    """The sampled entries with their reviews; for ``user``, only the entries they may read
    (R-SEC-3: a department-scoped viewer does not see other departments' entries here)."""
    items = sample.items.select_related("entry__author", "entry__ticket", "reviewed_by")
    if user is not None:
        items = scope_filter(user, "dutylog.view", items, "entry__department")
    items = list(items.order_by("entry__occurred_at", "entry_id"))
    return {
        "sample": sample,
        "items": items,
        "reviewed": sum(1 for i in items if i.is_reviewed),
        "valid": sample_is_valid(sample) if sample.is_signed else None,
    }


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def month_xlsx(user, month: dt.date) -> bytes:
    """R-SUP-1: the month's duty log with the day sign-offs and the director's sample."""
    check(user, "dutylog.view")
    first = month_start(month)
    last = month_end(first)
    entries = (
        entries_visible(user).filter(day__gte=first, day__lte=last).order_by("occurred_at", "pk")
    )
    signoffs = {
        s.day: s
        for s in DutyDaySignoff.objects.filter(day__gte=first, day__lte=last).select_related(
            "signed_by"
        )
    }

    def entry_rows():
        for e in entries:
            s = signoffs.get(e.day)
            yield [
                e.pk,
                e.day.isoformat(),
                _when(e.occurred_at),
                e.author.display_name,
                e.what,
                e.action,
                e.ticket.number if e.ticket_id else "",
                e.incident_ref,
                e.corrects_id or "",
                s.signed_by.display_name if s else "",
                _when(s.signed_at) if s else "",
            ]

    def signoff_rows():
        for day in sorted(signoffs):
            s = signoffs[day]
            yield [
                day.isoformat(),
                s.entry_count,
                s.signed_by.display_name,
                _when(s.signed_at),
                s.content_hash,
                _("valid") if signoff_is_valid(s) else _("INVALID: changed after signing"),
                s.note,
            ]

    sheets = [
        (
            _("Duty log"),
            [
                _("Entry"),
                _("Duty day"),
                _("Time"),
                _("Duty operator"),
                _("What happened"),
                _("Action taken"),
                _("Ticket"),
                _("Incident number"),
                _("Corrects entry"),
                _("Signed by"),
                _("Signed at"),
            ],
            entry_rows(),
        ),
        (
            _("Sign-offs"),
            [
                _("Duty day"),
                _("Entries"),
                _("Signed by"),
                _("Signed at"),
                _("Content hash (SHA-256)"),
                _("Signature"),
                _("Remark"),
            ],
            signoff_rows(),
        ),
    ]
    sample = DutyLogSample.objects.filter(month=first).select_related("signed_by").first()
    if sample is not None:
        detail = sample_detail(sample, user)
        rows = [
            [
                i.entry_id,
                _when(i.entry.occurred_at),
                i.entry.what,
                "" if i.in_order is None else (_("in order") if i.in_order else _("not in order")),
                i.finding,
                _when(i.reviewed_at),
            ]
            for i in detail["items"]
        ]
        rows.append([])
        rows.append(
            [
                _("Seed"),
                str(sample.seed),  # as text: Excel keeps only 15 digits of a number
                _("Sampled %(n)d of %(total)d (%(p)s%%)")
                % {"n": len(detail["items"]), "total": len(sample.population), "p": sample.percent},
            ]
        )
        rows.append(
            [
                _("Signed by"),
                sample.signed_by.display_name if sample.signed_by_id else "",
                _when(sample.signed_at),
                sample.content_hash,
            ]
        )
        sheets.append(
            (
                _("Director's sample"),
                [
                    _("Entry"),
                    _("Time"),
                    _("What happened"),
                    _("Review"),
                    _("Review finding"),
                    _("Reviewed at"),
                ],
                rows,
            )
        )
    return xlsx_bytes(sheets)


# ---------------------------------------------------------------- weekly reports (R-SUP-3)


def weekly_overview(week_start: dt.date, *, now: dt.datetime | None = None) -> list[dict]:
    """R-SUP-3: every technical service person's report of the week and where it stands:
    submitted on time, late, missing (the meeting has passed without it) or still due."""
    now = now or timezone.now()
    due = meeting_time(week_start)
    reports = {
        r.person_id: r
        for r in WeeklyReport.objects.filter(week_start=week_start).select_related("person")
    }
    rows = []
    for person in technical_service_staff():
        report = reports.get(person.pk)
        if report is not None and report.status == WeeklyStatus.SUBMITTED:
            state = "late" if report.late else "on_time"
        elif now > (report.due_at if report else due):
            state = "missing"
        else:
            state = "due"
        rows.append(
            {"person": person, "report": report, "state": state, "label": WEEKLY_STATES[state]}
        )
    return rows


WEEKLY_STATES = {
    "on_time": gettext_lazy("submitted on time"),
    "late": gettext_lazy("submitted late"),
    "missing": gettext_lazy("missing"),
    "due": gettext_lazy("not yet due"),
}


def late_or_missing(week_start: dt.date, *, now: dt.datetime | None = None) -> list[dict]:
    return [r for r in weekly_overview(week_start, now=now) if r["state"] in {"late", "missing"}]


# ---------------------------------------------------------------- walk-throughs (R-SUP-5)


def open_fixes_of(user):
    return (
        Fix.objects.filter(assignee=user, status=FixStatus.OPEN)
        .select_related("walkthrough")
        .order_by("due_on", "pk")
    )
