"""Service supervision (服务监督): duty logs and their sign-offs, the director's monthly
sample, weekly reports and process walk-throughs.

Only the service modules of this app write these rows; the models hold fields,
constraints and small properties.

The day of a duty-log entry is the local calendar day (settings.TIME_ZONE) of the
moment the event happened, not of the shift: the night shift (20:00–08:00) writes into
two days, and a sign-off covers one calendar day. So a day can be signed only once it
is over, when no shift can add to it any more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------- duty log (R-SUP-1)


class DutyLogEntry(models.Model):
    """One line of the control room's duty log (值班记录)."""

    day = models.DateField(_("duty day"), db_index=True, editable=False)
    occurred_at = models.DateTimeField(_("time of the event"))
    what = models.TextField(_("what happened"))
    action = models.TextField(_("action taken"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("linked ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Incidents live in another app; the log keeps the incident's number as text so
    # the two stay independent (an entry may be written before the incident exists).
    incident_ref = models.CharField(_("incident number"), max_length=40, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        USER, verbose_name=_("duty operator"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("duty-log entry")
        verbose_name_plural = _("duty-log entries")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["day", "occurred_at"], name="sup_entry_day_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.day:%Y-%m-%d}"


class DutyDaySignoff(models.Model):
    """The supervisor's sign-off (签字确认) of one day's duty log: who, when, the hash of it."""

    day = models.DateField(_("duty day"), unique=True)
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    entry_count = models.PositiveIntegerField(_("entries signed"))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    note = models.TextField(_("sign-off remark"), blank=True)

    class Meta:
        verbose_name = _("duty-log sign-off")
        verbose_name_plural = _("duty-log sign-offs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class DutyLogSample(models.Model):
    """The director's monthly sample (抽查) of at least 20% of the month's entries."""

    month = models.DateField(_("month"), unique=True)  # the first day of the month
    percent = models.DecimalField(_("sample percentage"), max_digits=5, decimal_places=2)
    seed = models.BigIntegerField(_("draw seed"))
    population = models.JSONField(_("entries drawn from"), default=list)
    drawn_by = models.ForeignKey(
        USER, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    note = models.TextField(_("sign-off remark"), blank=True)

    class Meta:
        verbose_name = _("duty-log sample")
        verbose_name_plural = _("duty-log samples")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class SampleItem(models.Model):
    """One sampled entry and the director's review of it."""

    sample = models.ForeignKey(
        DutyLogSample, on_delete=models.CASCADE, related_name="items", verbose_name=_("sample")
    )
    entry = models.ForeignKey(
        DutyLogEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    in_order = models.BooleanField(_("in order"), null=True, blank=True)
    finding = models.TextField(_("review finding"), blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled entry")
        verbose_name_plural = _("sampled entries")
        ordering = ["entry__occurred_at", "entry_id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "entry"], name="sup_sample_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sample} #{self.entry_id}"

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


# ---------------------------------------------------------------- weekly report (R-SUP-3)


class WeeklyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class WeeklyReport(models.Model):
    """A technical service person's report of the week (周报) for the Friday meeting."""

    person = models.ForeignKey(
        USER, verbose_name=_("technical service person"), on_delete=models.PROTECT,
        related_name="weekly_reports",
    )  # fmt: skip
    week_start = models.DateField(_("week starting"), db_index=True)  # a Monday
    due_at = models.DateTimeField(_("due at (meeting time)"))
    figures = models.JSONField(_("figures of the week"), default=dict)
    comments = models.TextField(_("service summary and customer feedback"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WeeklyStatus.choices, default=WeeklyStatus.DRAFT
    )
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="sup_weekly_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.week_start:%G-W%V}"

    @property
    def week_label(self) -> str:
        return f"{self.week_start:%G-W%V}"


# ---------------------------------------------------------------- walk-throughs (R-SUP-5)


class WalkthroughKind(models.TextChoices):
    ROUTINE = "routine", _("routine walk-through")
    SPECIAL = "special", _("special walk-through")


class Perspective(models.TextChoices):
    CUSTOMER = "customer", _("customer's perception")
    FRONT_LINE = "front_line", _("front-line employee's experience")


class Walkthrough(models.Model):
    """A process walk-through (流程穿越): walking a process as a customer or front-line
    employee would, with its findings and the fixes they call for."""

    process = models.CharField(_("process walked"), max_length=200)
    kind = models.CharField(_("walk-through kind"), max_length=10, choices=WalkthroughKind.choices)
    perspective = models.CharField(_("perspective"), max_length=12, choices=Perspective.choices)
    walked_on = models.DateField(_("walked on"))
    reviewer = models.ForeignKey(
        USER, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("walk-through summary"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("process walk-through")
        verbose_name_plural = _("process walk-throughs")
        ordering = ["-walked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.process} {self.walked_on:%Y-%m-%d}"


class Finding(models.Model):
    walkthrough = models.ForeignKey(
        Walkthrough,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("walkthrough"),
    )
    text = models.TextField(_("finding"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("walk-through finding")
        verbose_name_plural = _("walk-through findings")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FixStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("fix status", "open")
    DONE = "done", _("done")
    VERIFIED = "verified", _("verified")


class Fix(models.Model):
    """A fix (整改) a walk-through calls for, assigned to one person and tracked to closure."""

    walkthrough = models.ForeignKey(
        Walkthrough, on_delete=models.CASCADE, related_name="fixes", verbose_name=_("walkthrough")
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("for finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fixes",
    )
    action = models.TextField(_("fix to make"))
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="walkthrough_fixes",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FixStatus.choices, default=FixStatus.OPEN
    )
    done_note = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("walk-through fix")
        verbose_name_plural = _("walk-through fixes")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "status"], name="sup_fix_assignee_idx")]

    def __str__(self) -> str:
        return self.action[:60]

    def is_overdue(self, today) -> bool:
        return self.status == FixStatus.OPEN and self.due_on < today
