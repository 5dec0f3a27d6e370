from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicySetting(models.Model):
    """An administrator's value for one policy of ``kefu.policy`` (stored as text)."""

    key = models.CharField(_("setting"), max_length=80, unique=True)
    value = models.CharField(_("value"), max_length=200)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class WorkerHeartbeat(models.Model):
    """Written by the background worker every minute, so the status page can say it runs."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_seen = models.DateTimeField(_("last seen"))
    pid = models.IntegerField(_("process id"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class CalendarYear(models.Model):
    """One year's statutory holidays and make-up workdays, as an administrator entered them.

    An entered year takes precedence over the packaged calendar (R-TIC-6).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays = models.JSONField(_("holidays"), default=list)
    makeup_workdays = models.JSONField(_("make-up workdays"), default=list)
    source = models.CharField(_("basis (notice)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class Notification(models.Model):
    """An in-app notice for one person (the bell in the header); email goes out beside it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_unread_idx")]

    def __str__(self) -> str:
        return self.text
