"""Call centre records (R-CC-1 to R-CC-5): hotlines, queues, calls, imports, live events.

Only :mod:`kefu.callcenter.services` writes these rows.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_cti_token() -> str:
    return secrets.token_urlsafe(24)


class Hotline(models.Model):
    """R-CC-1: a hotline number with its IVR menu; lines are a policy, seats are people."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    ivr_menu = models.TextField(
        _("IVR menu"),
        blank=True,
        default="",
        help_text=_('JSON, e.g. {"1": "repairs", "2": "complaints", "0": "agent"}'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Whose calls these are: an unanswered call has no agent, so this is how a department
    # (the call centre) sees the calls it missed (R-SEC-1) and counts them in its KPIs.
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("answering department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Queue(models.Model):
    """A PBX queue, by the name the PBX gives it; created when first seen.

    R-CC-1, R-CC-5: the PBX's name ("service", "repairs") is what the telephone system
    sends and stays the key; ``display_name`` (客服专线, 报修专线) is what people read
    wherever the queue is shown, falling back to the PBX name while it is empty.
    """

    name = models.CharField(_("PBX name"), max_length=80, unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_("What people read, e.g. Repairs line; empty: the PBX name is shown."),
    )
    hotline = models.ForeignKey(
        Hotline,
        verbose_name=_("hotline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="queues",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What people read: the display name, else the PBX name (R-CC-5)."""
        return self.display_name or self.name


class Direction(models.TextChoices):
    IN = "in", _("Inbound")
    OUT = "out", _("Outbound")


class Disposition(models.TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    BUSY = "busy", _("Busy")
    FAILED = "failed", _("Failed")


class Source(models.TextChoices):
    CDR = "cdr", _("Asterisk CDR")
    QUEUE_LOG = "queue_log", _("Asterisk queue_log")
    CSV = "csv", _("CSV with a column mapping")
    CTI = "cti", _("Live CTI events")


class CallRecord(models.Model):
    """One call, keyed by the PBX's id (uniqueid, linkedid or callId) whatever the source,
    so a live event and an imported file of the same call are one row (R-CC-2, R-CC-3)."""

    key = models.CharField(_("call id"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    caller = models.CharField(_("caller"), max_length=64, blank=True, db_index=True)
    callee = models.CharField(_("called number"), max_length=64, blank=True)
    hotline = models.ForeignKey(
        Hotline, verbose_name=_("hotline"), null=True, blank=True, on_delete=models.SET_NULL
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), null=True, blank=True, on_delete=models.SET_NULL
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    agent_label = models.CharField(_("agent as the PBX wrote it"), max_length=120, blank=True)
    enter_at = models.DateTimeField(_("arrived"), db_index=True)
    answer_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    end_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), default=0)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    disposition = models.CharField(
        _("outcome"), max_length=10, choices=Disposition.choices, db_index=True
    )
    abandoned = models.BooleanField(_("abandoned"), default=False)
    ring_no_answer = models.PositiveSmallIntegerField(_("rung agents without answer"), default=0)
    # A caller on the block list, turned away by the PBX: not offered to any agent.
    blocked = models.BooleanField(_("blocked"), default=False)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    recording = models.CharField(_("recording"), max_length=500, blank=True)
    cti_users = models.JSONField(_("ringing for"), default=list, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-enter_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["caller", "enter_at"], name="cc_call_caller_at"),
            # Reports look for calls recorded since their last look (kefu.reports.facts).
            models.Index(fields=["created_at"], name="cc_call_recorded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.caller or '?'} → {self.callee or '?'} {self.enter_at:%Y-%m-%d %H:%M}"


class ImportFormat(models.TextChoices):
    ASTERISK_CDR = "asterisk-cdr", _("Asterisk CDR CSV (Master.csv)")
    QUEUE_LOG = "queue-log", _("Asterisk queue_log")
    CSV = "csv", _("CSV with a column mapping (TOML)")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One imported file: what was read, added, already there, and each bad line (R-CC-2)."""

    file_name = models.CharField(_("file"), max_length=200)
    format = models.CharField(_("format"), max_length=16, choices=ImportFormat.choices)
    mapping = models.TextField(_("column mapping (TOML)"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    content = models.BinaryField(_("content"), default=b"", editable=False)
    lines = models.PositiveIntegerField(_("lines read"), default=0)
    calls_found = models.PositiveIntegerField(_("calls in the file"), default=0)
    added = models.PositiveIntegerField(_("calls added"), default=0)
    already_known = models.PositiveIntegerField(_("calls already imported"), default=0)
    incomplete = models.PositiveIntegerField(_("calls not finished in this file"), default=0)
    duplicate_lines = models.PositiveIntegerField(_("repeated lines skipped"), default=0)
    bad_lines = models.JSONField(_("bad lines"), default=list, blank=True)
    other_events = models.JSONField(_("events not used"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("call import")
        verbose_name_plural = _("call imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"


class CtiEvent(models.Model):
    """Every live event as it arrived, stamped on arrival (bridges send no time)."""

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=20)
    call_key = models.CharField(_("call id"), max_length=200, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    reply = models.JSONField(_("reply"), default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")

    def __str__(self) -> str:
        return f"{self.event} {self.call_key}"


class CtiSettings(models.Model):
    """The installation's PBX link: the path token and the blocked numbers (one row)."""

    token = models.CharField(_("path token"), max_length=64, unique=True, default=new_cti_token)
    blocked_numbers = models.JSONField(_("blocked numbers"), default=list, blank=True)
    rotated_at = models.DateTimeField(_("token set"), default=timezone.now)

    class Meta:
        verbose_name = _("CTI settings")
        verbose_name_plural = _("CTI settings")

    def __str__(self) -> str:
        return "CTI"


class AgentExtension(models.Model):
    """Which PBX extension or agent name is which staff member (screen pop, imports)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="cc_extension",
    )
    extension = models.CharField(_("extension"), max_length=64, unique=True)

    class Meta:
        ordering = ["extension"]
        verbose_name = _("agent extension")
        verbose_name_plural = _("agent extensions")

    def __str__(self) -> str:
        return f"{self.extension} → {self.user}"


# ---------------------------------------------------------------------------- planning inputs


class ShiftTemplate(models.Model):
    """R-CC-7: a shift the roster may use, kept by the supervisor; ``end`` at or before
    ``start`` means the shift ends the next day (20:00–08:00). The active ones together must
    cover every minute of the day (R-CC-6)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("shift name"), max_length=40, unique=True)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    paid_hours = models.DecimalField(_("paid hours"), max_digits=4, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(pgettext_lazy("time of change", "changed"), auto_now=True)

    class Meta:
        ordering = ["start", "code"]
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def duration_minutes(self) -> int:
        end = self.end.hour * 60 + self.end.minute
        return (end - self.start_minute) % (24 * 60) or 24 * 60

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class StaffLeave(models.Model):
    """A time a staff member cannot work (leave, training, sickness): the roster gives them
    no shift that overlaps it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="cc_leave",
    )
    starts_at = models.DateTimeField(pgettext_lazy("period", "from"))
    ends_at = models.DateTimeField(pgettext_lazy("period", "until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("staff leave")
        verbose_name_plural = _("staff leave")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="cc_leave_span")]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class ForecastOverride(models.Model):
    """The supervisor's correction of the forecast for a stretch of time (a campaign, a
    holiday): calls per hour and/or the handle time replace what history predicts."""

    starts_at = models.DateTimeField(pgettext_lazy("period", "from"), db_index=True)
    ends_at = models.DateTimeField(pgettext_lazy("period", "until"))
    calls_per_hour = models.FloatField(_("calls per hour"), null=True, blank=True)
    aht_seconds = models.FloatField(_("average handle time (s)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("forecast override")
        verbose_name_plural = _("forecast overrides")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
