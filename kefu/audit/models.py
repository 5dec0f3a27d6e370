"""The append-only audit trail (R-SEC-2).

Append-only three times over: the model refuses to save an existing row or to
delete; the queryset refuses bulk update and delete; and the database itself has
triggers that abort any UPDATE or DELETE on the table (migration 0002), so not
even raw SQL from the application can rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.errors import Conflict


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Conflict(message=_("Audit entries cannot be changed."))

    def delete(self):
        raise Conflict(message=_("Audit entries cannot be deleted."))


class Action(models.TextChoices):
    CREATE = "create", _("record created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    REVEAL = "reveal", _("revealed personal data")
    SIGN = "sign", _("signed")
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    TOKEN = "token", _("API token")
    OTHER = "other", _("other")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No database constraint and DO_NOTHING: a user row is never deleted, and the
    # trail must not be rewritten (SET_NULL would be an UPDATE) if one ever were.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    summary = models.CharField(_("what"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("why"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        # Local time and the action's name, as the back office shows the entry's fields.
        at = timezone.localtime(self.at) if self.at else None
        when = f"{at:%Y-%m-%d %H:%M}" if at else ""
        return f"{when} {self.actor_name} {self.get_action_display()} {self.target_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Conflict(message=_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict(message=_("Audit entries cannot be deleted."))
