"""Every write to weekly reports (周报, R-SUP-3).

Each week the worker drafts every technical service person's report from the week's
data and tells them; they add their comments and submit it before the meeting (policy:
Friday 15:00). The figures are recomputed and frozen on submission; a report submitted
after the meeting is marked late; a submitted report is frozen (R-SEC-4).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.models import User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.supervision.models import WeeklyReport, WeeklyStatus
from kefu.supervision.weekly_figures import week_start_of, weekly_figures

MAX_COMMENTS = 8000
_AUDITED = ["status", "comments", "figures", "submitted_at", "late"]


def meeting_time(week_start: dt.date) -> dt.datetime:
    """The week's meeting, when its reports are due (policy: Friday 15:00, local time)."""
    weekday = policy.get("supervision.weekly_meeting_weekday")
    at = dt.time.fromisoformat(policy.get("supervision.weekly_meeting_time"))
    day = week_start + dt.timedelta(days=weekday - 1)
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def technical_service_staff():
    return (
        User.objects.filter(is_active=True, role_rows__role=Role.TECH_SERVICE)
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def weekly_reports_draft(
    *, actor, week_start: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """R-SUP-3: draft the week's report of every technical service person and tell them.

    Idempotent: a person's report of a week is drafted once; a second run refreshes the
    figures of drafts not yet submitted and creates and notifies nothing again.
    """
    check(actor, "weekly.supervise")
    now = now or timezone.now()
    week_start = week_start_of(week_start or timezone.localtime(now).date())
    due = meeting_time(week_start)
    counts = {"created": 0, "refreshed": 0}
    for person in technical_service_staff():
        figures = weekly_figures(person, week_start, until=now)
        report = WeeklyReport.objects.filter(person=person, week_start=week_start).first()
        if report is not None:
            if report.status == WeeklyStatus.DRAFT and report.figures != figures:
                report.figures = figures
                report.save(update_fields=["figures"])
                counts["refreshed"] += 1
            continue
        try:
            with transaction.atomic():
                report = WeeklyReport.objects.create(
                    person=person,
                    week_start=week_start,
                    due_at=due,
                    figures=figures,
                    drafted_at=now,
                )
        except IntegrityError:  # drafted by a concurrent run
            continue
        counts["created"] += 1
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=report,
            summary=_("weekly report drafted"),
            after=snapshot(report, _AUDITED),
        )
        notify(
            [person],
            _(
                "Your weekly report of %(week)s is drafted: add your comments and submit it "
                "by %(due)s."
            )
            % {
                "week": report.week_label,
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            },
            url=reverse("supervision:weekly_detail", args=[report.pk]),
        )
    return counts


def _own(actor, report: WeeklyReport) -> None:
    check(actor, "weekly.own")
    if report.person_id != getattr(actor, "pk", None):
        raise PermissionDenied(
            message=_("Only %(who)s may complete this weekly report.")
            % {"who": report.person.display_name},
            permission="weekly.own",
        )
    if report.status == WeeklyStatus.SUBMITTED:
        raise Conflict(
            message=_("This weekly report was submitted at %(when)s and can no longer be changed.")
            % {"when": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")}
        )


def _comments(text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed.on(
            "comments",
            _("Write the week's service summary and the customers' feedback before submitting."),
        )
    if len(text) > MAX_COMMENTS:
        raise ValidationFailed.on(
            "comments",
            _("The comments are too long (at most %(n)d characters).") % {"n": MAX_COMMENTS},
        )
    return text


@transaction.atomic
def weekly_report_update(*, actor, report: WeeklyReport, comments: str) -> WeeklyReport:
    """R-SUP-3: the person saves their comments on the draft."""
    report = WeeklyReport.objects.select_for_update().select_related("person").get(pk=report.pk)
    _own(actor, report)
    before = snapshot(report, _AUDITED)
    report.comments = _comments(comments, required=False)
    report.save(update_fields=["comments"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=report,
        summary=_("weekly report comments saved"),
        before=before,
        after=snapshot(report, _AUDITED),
    )
    return report


@transaction.atomic
def weekly_report_submit(
    *, actor, report: WeeklyReport, comments: str | None = None, now: dt.datetime | None = None
) -> WeeklyReport:
    """R-SUP-3: the person submits the report; the figures are recomputed and frozen, and a
    report submitted after the meeting time is marked late."""
    report = WeeklyReport.objects.select_for_update().select_related("person").get(pk=report.pk)
    _own(actor, report)
    now = now or timezone.now()
    before = snapshot(report, _AUDITED)
    report.comments = _comments(report.comments if comments is None else comments, required=True)
    report.figures = weekly_figures(report.person, report.week_start, until=now)
    report.status = WeeklyStatus.SUBMITTED
    report.submitted_at = now
    report.late = now > report.due_at
    report.save(update_fields=["comments", "figures", "status", "submitted_at", "late"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=report,
        summary=_("weekly report submitted late") if report.late else _("weekly report submitted"),
        before=before,
        after=snapshot(report, _AUDITED),
    )
    return report
