"""What the supervisor keeps for the roster: shift templates (R-CC-7, R-CC-6), staff leave and
manual forecast overrides (R-CC-10)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.callcenter.models import ForecastOverride, ShiftTemplate, StaffLeave
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import User
from kefu.org.permissions import check

DAY_MINUTES = 24 * 60
_KEEP = object()


def minute_label(minute: int) -> str:
    return "24:00" if minute == DAY_MINUTES else f"{minute // 60:02d}:{minute % 60:02d}"


def coverage_gaps(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Minutes of the day that no (start minute, duration) span covers, as (start, end)
    pairs; a gap over midnight is one pair whose end is before its start."""
    covered = bytearray(DAY_MINUTES)
    for start, duration in spans:
        for m in range(start, start + min(duration, DAY_MINUTES)):
            covered[m % DAY_MINUTES] = 1
    gaps: list[list[int]] = []
    for m in range(DAY_MINUTES):
        if not covered[m]:
            if gaps and gaps[-1][1] == m:
                gaps[-1][1] = m + 1
            else:
                gaps.append([m, m + 1])
    if len(gaps) > 1 and gaps[0][0] == 0 and gaps[-1][1] == DAY_MINUTES:
        gaps[0][0] = gaps.pop()[0]  # 21:00-24:00 and 00:00-08:00 are one gap, 21:00-08:00
    return [(a, b) for a, b in gaps]


def gap_text(gaps: list[tuple[int, int]]) -> str:
    return ", ".join(f"{minute_label(a)}–{minute_label(b)}" for a, b in gaps)


def _check_cover(changed: ShiftTemplate) -> None:
    """R-CC-6: with this change, the active templates still cover every minute of the day."""
    active = [t for t in ShiftTemplate.objects.exclude(pk=changed.pk) if t.is_active]
    if changed.is_active:
        active.append(changed)
    if not active:
        raise ValidationFailed.on(
            "is_active",
            _("At least one shift template must stay active: the hotline is served 7×24."),
        )
    gaps = coverage_gaps((t.start_minute, t.duration_minutes) for t in active)
    if gaps:
        raise ValidationFailed.on(
            "end",
            _(
                "The active shift templates would leave %(gaps)s of every day without any "
                "shift; the hotline is served 7×24 (R-CC-6)."
            )
            % {"gaps": gap_text(gaps)},
        )


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on("paid_hours", _("Paid hours must be a number.")) from None
    if not hours.is_finite() or hours <= 0:
        raise ValidationFailed.on("paid_hours", _("Paid hours must be more than 0."))
    return hours.quantize(Decimal("0.01"))


def _clean_template(t: ShiftTemplate) -> None:
    t.code = (t.code or "").strip().lower()
    t.name = (t.name or "").strip()
    if not t.code or not t.code.replace("-", "").replace("_", "").isalnum() or not t.code.isascii():
        raise ValidationFailed.on(
            "code", _("Give the shift a short code of letters, digits and dashes, e.g. day.")
        )
    if not t.name:
        raise ValidationFailed.on("name", _("Give the shift a name."))
    if t.start == t.end:
        raise ValidationFailed.on(
            "end",
            _("A shift cannot end when it starts; an end before the start means the next day."),
        )
    if t.start.second or t.end.second:
        raise ValidationFailed.on("start", _("Give shift times in whole minutes."))
    t.paid_hours = _hours(t.paid_hours)
    if t.paid_hours * 60 > t.duration_minutes:
        raise ValidationFailed.on(
            "paid_hours",
            _("Paid hours (%(paid)s) cannot exceed the shift's length (%(len)s h).")
            % {"paid": t.paid_hours, "len": f"{t.duration_minutes / 60:g}"},
        )
    others = ShiftTemplate.objects.exclude(pk=t.pk)
    if others.filter(code=t.code).exists():
        raise Conflict(message=_("A shift template with code %(c)s exists.") % {"c": t.code})
    if others.filter(name=t.name).exists():
        raise Conflict(message=_("A shift template called %(n)s exists.") % {"n": t.name})


@transaction.atomic
def shift_template_create(
    *, actor, code: str, name: str, start: dt.time, end: dt.time, paid_hours, is_active=True
) -> ShiftTemplate:
    """R-CC-7: a shift the roster may use; it may cross midnight (end before start)."""
    check(actor, "callcenter.schedule")
    template = ShiftTemplate(
        code=code, name=name, start=start, end=end, paid_hours=paid_hours, is_active=is_active
    )
    _clean_template(template)
    _check_cover(template)
    template.save()
    audit_record(
        actor=actor, action=Action.CREATE, target=template,
        summary=_("shift template created"), after=snapshot(template),
    )  # fmt: skip
    return template


@transaction.atomic
def shift_template_update(
    *, actor, template: ShiftTemplate, name=_KEEP, start=_KEEP, end=_KEEP, paid_hours=_KEEP,
    is_active=_KEEP,
) -> ShiftTemplate:  # fmt: skip
    """R-CC-7, R-CC-6: change or (de)activate a shift template; a change that would leave
    a time of day without any active shift is refused, naming that time."""
    check(actor, "callcenter.schedule")
    template = ShiftTemplate.objects.select_for_update().get(pk=template.pk)
    before = snapshot(template)
    for field, value in (
        ("name", name), ("start", start), ("end", end), ("paid_hours", paid_hours),
        ("is_active", is_active),
    ):  # fmt: skip
        if value is not _KEEP and value is not None:
            setattr(template, field, value)
    _clean_template(template)
    _check_cover(template)
    template.save()
    after = snapshot(template)
    if after != before:
        audit_record(
            actor=actor, action=Action.UPDATE, target=template,
            summary=_("shift template changed"), before=before, after=after,
        )  # fmt: skip
    return template


# ---------------------------------------------------------------------------- leave


def _span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime):
            raise ValidationFailed.on(field, _("Give a date and time."))
    if ends_at <= starts_at:
        raise ValidationFailed.on("ends_at", _("The end must be after the start."))
    if ends_at - starts_at > dt.timedelta(days=366):
        raise ValidationFailed.on(
            "ends_at", _("A stretch is at most a year; record longer ones in parts.")
        )


def _aware(value):
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


@transaction.atomic
def staff_leave_create(
    *, actor, user: User, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
) -> StaffLeave:
    """R-CC-10: a time the staff member cannot work; rosters give them no shift touching it."""
    check(actor, "callcenter.leave", department=user.department)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _span(starts_at, ends_at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("Give the reason (leave, training, sick…)."))
    if not user.is_active:
        raise ValidationFailed.on(
            "user", _("%(u)s is no longer active.") % {"u": user.display_name}
        )
    clash = StaffLeave.objects.filter(
        user=user, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if clash is not None:
        raise Conflict(
            message=_("%(u)s already has leave from %(a)s to %(b)s.")
            % {
                "u": user.display_name,
                "a": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                "b": timezone.localtime(clash.ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    leave = StaffLeave.objects.create(
        user=user, starts_at=starts_at, ends_at=ends_at, reason=reason[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, action=Action.CREATE, target=leave, summary=_("leave recorded"),
        after=snapshot(leave),
    )  # fmt: skip
    return leave


@transaction.atomic
def staff_leave_cancel(*, actor, leave: StaffLeave) -> None:
    """Withdraw a leave entry (the audit trail keeps it)."""
    check(actor, "callcenter.leave", department=leave.user.department)
    before = snapshot(leave)
    audit_record(
        actor=actor, action=Action.DELETE, target_type="callcenter.staffleave",
        target_id=str(leave.pk), target_repr=str(leave), summary=_("leave withdrawn"),
        before=before,
    )  # fmt: skip
    leave.delete()


# ---------------------------------------------------------------------------- forecast overrides


def _number(field: str, value, *, positive: bool) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed.on(field, _("%(v)s is not a number.") % {"v": value}) from None
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        message = (
            _("The handle time must be more than 0 seconds.")
            if positive
            else _("Calls per hour cannot be negative.")
        )
        raise ValidationFailed.on(field, message)
    return number


@transaction.atomic
def forecast_override_set(
    *, actor, starts_at: dt.datetime, ends_at: dt.datetime, calls_per_hour=None,
    aht_seconds=None, reason: str, now: dt.datetime | None = None,
) -> ForecastOverride:  # fmt: skip
    """R-CC-10: replace the forecast's calls and/or handle time for a stretch of the coming
    week(s); the forecast, seats and roster use it and show the intervals as overridden."""
    check(actor, "callcenter.schedule")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _span(starts_at, ends_at)
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        local = timezone.localtime(value)
        if local.minute % 15 or local.second or local.microsecond:
            raise ValidationFailed.on(
                field, _("Overrides start and end on a quarter hour (e.g. 09:00, 09:15).")
            )
    if ends_at <= (now or timezone.now()):
        raise ValidationFailed.on("ends_at", _("That time is over; override the coming weeks."))
    calls = _number("calls_per_hour", calls_per_hour, positive=False)
    aht = _number("aht_seconds", aht_seconds, positive=True)
    if calls is None and aht is None:
        raise ValidationFailed.on(
            "calls_per_hour", _("Give calls per hour, an average handle time, or both.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("Give the reason (campaign, holiday…)."))
    clash = ForecastOverride.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if clash is not None:
        raise Conflict(
            message=_("An override for %(a)s to %(b)s already covers part of that time.")
            % {
                "a": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                "b": timezone.localtime(clash.ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    row = ForecastOverride.objects.create(
        starts_at=starts_at, ends_at=ends_at, calls_per_hour=calls, aht_seconds=aht,
        reason=reason[:200], created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, action=Action.CREATE, target=row, summary=_("forecast overridden"),
        after=snapshot(row),
    )  # fmt: skip
    return row


@transaction.atomic
def forecast_override_remove(*, actor, override: ForecastOverride) -> None:
    """Back to the forecast from history for that stretch (the audit trail keeps it)."""
    check(actor, "callcenter.schedule")
    audit_record(
        actor=actor, action=Action.DELETE, target_type="callcenter.forecastoverride",
        target_id=str(override.pk), target_repr=str(override),
        summary=_("forecast override removed"), before=snapshot(override),
    )  # fmt: skip
    override.delete()
