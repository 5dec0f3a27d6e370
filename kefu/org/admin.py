from __future__ import annotations

from kefu.admin_site import AuditedModelAdmin, admin_site
from kefu.org.models import ApiToken, Department, Position, User, UserRole


class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "parent", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]


class PositionAdmin(AuditedModelAdmin):
    list_display = ["title", "department"]
    list_filter = ["department"]
    search_fields = ["title", "duties"]


class UserAdmin(AuditedModelAdmin):
    list_display = ["username", "full_name", "department", "position", "is_active"]
    list_filter = ["is_active", "department", "role_rows__role"]
    search_fields = ["username", "full_name", "email"]
    fields = ["username", "full_name", "email", "phone", "department", "position", "is_active"]


class UserRoleAdmin(AuditedModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]


class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    exclude = ["key_hash"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued by `kefu token create` or the token page


admin_site.register(Department, DepartmentAdmin)
admin_site.register(Position, PositionAdmin)
admin_site.register(User, UserAdmin)
admin_site.register(UserRole, UserRoleAdmin)
admin_site.register(ApiToken, ApiTokenAdmin)
