"""The Django admin as a back office for system administrators only.

Writes made here go through :class:`AuditedModelAdmin`, so they land in the
audit trail like every other write (R-SEC-2); the trail itself is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.org.permissions import allowed


class KefuAdminSite(admin.AdminSite):
    site_header = _("Kefu back office")
    site_title = _("Kefu back office")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        return request.user.is_active and allowed(request.user, "admin.access")


admin_site = KefuAdminSite(name="admin")


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete in the admin is written to the audit trail."""

    def _allowed(self, request) -> bool:
        return allowed(request.user, "admin.access")

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            target=obj,
            before=before,
            after=snapshot(obj),
            summary=str(_("via the back office")),
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        audit_record(
            actor=request.user,
            action=Action.DELETE,
            target=obj,
            before=before,
            summary=str(_("via the back office")),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
