"""Shared pieces of the meeting services: times, the work calendar, staff checks."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.calendar_services import work_calendar
from kefu.core.periods import storable_local
from kefu.core.workcalendar import CalendarYearMissing
from kefu.errors import ValidationFailed
from kefu.org.models import User
from kefu.org.permissions import SYSTEM


def aware(moment: dt.datetime | None, field: str) -> dt.datetime:
    """A time as given, read as local time when it carries no zone; missing = a clear error."""
    stored = None if moment is None else storable_local(moment)
    if stored is None:
        raise ValidationFailed.on(field, _("Give the date and time."))
    return stored


def clean_times(starts_at, ends_at, *, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    starts_at, ends_at = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValidationFailed.on(
            "ends_at",
            _("The meeting ends (%(end)s) before it starts (%(start)s): check the times.")
            % {
                "end": f"{timezone.localtime(ends_at):%Y-%m-%d %H:%M}",
                "start": f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
            },
        )
    if starts_at < now:
        raise ValidationFailed.on(
            "starts_at", _("The meeting would start in the past: choose a later time.")
        )
    if ends_at - starts_at > dt.timedelta(days=7):
        raise ValidationFailed.on(
            "ends_at", _("A booking lasts at most seven days: book longer events in parts.")
        )
    return starts_at, ends_at


def needs_overtime(starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """R-MTG-3: service hours are workdays; a meeting touching a weekend or holiday needs
    overtime approval. Workdays come from the Chinese work calendar (statutory holidays and
    make-up workdays); a year nobody entered is a clear error, never a guess.
    """
    calendar = work_calendar()
    day = timezone.localdate(starts_at)
    last = timezone.localdate(ends_at - dt.timedelta(microseconds=1))
    try:
        while day <= last:
            if not calendar.is_workday(day):
                return True
            day += dt.timedelta(days=1)
    except CalendarYearMissing as missing:
        raise ValidationFailed.on(
            "starts_at",
            _(
                "Kefu cannot tell whether this day is a workday: the holidays of %(year)s are "
                "not entered in the work calendar. Ask the administrator to enter them."
            )
            % {"year": missing.year},
        ) from None
    return False


def staff_with(user: User | None, role: str, field: str, label: str) -> User | None:
    """``user`` when they are active and hold ``role``; a clear error naming the post if not."""
    if user is None:
        return None
    if not user.is_active or role not in user.role_codes:
        raise ValidationFailed.on(
            field,
            _("%(name)s is not an active %(post)s.") % {"name": user.display_name, "post": label},
        )
    return user


def actor_or_none(actor) -> User | None:
    return None if actor is SYSTEM or not getattr(actor, "pk", None) else actor
