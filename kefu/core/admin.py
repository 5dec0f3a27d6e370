from __future__ import annotations

from django.contrib import admin

from kefu.admin_site import admin_site
from kefu.core.models import PolicySetting, WorkerHeartbeat
from kefu.org.permissions import allowed


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown read-only: policy changes go through the policy page, which validates and audits."""

    def has_module_permission(self, request) -> bool:
        return allowed(request.user, "admin.access")

    def has_view_permission(self, request, obj=None) -> bool:
        return allowed(request.user, "admin.access")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PolicySettingAdmin(ReadOnlyAdmin):
    list_display = ["key", "value", "updated_at", "updated_by"]


class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_seen", "pid"]


admin_site.register(PolicySetting, PolicySettingAdmin)
admin_site.register(WorkerHeartbeat, WorkerHeartbeatAdmin)
