from __future__ import annotations

from django.contrib import admin

from kefu.admin_site import admin_site
from kefu.audit.models import AuditEntry
from kefu.org.permissions import allowed


class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit entries through the admin (R-SEC-2)."""

    list_display = ["at", "actor_name", "action", "target_type", "target_repr", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_repr", "target_id", "summary", "reason"]
    date_hierarchy = "at"

    def has_module_permission(self, request) -> bool:
        return allowed(request.user, "audit.read")

    def has_view_permission(self, request, obj=None) -> bool:
        return allowed(request.user, "audit.read")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin_site.register(AuditEntry, AuditEntryAdmin)
