from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from kefu.admin_site import admin_site
from kefu.api import api
from kefu.audit import views as audit_views
from kefu.core import views as core_views
from kefu.org import twofactor
from kefu.org import views as org_views

org_patterns = (
    [
        path("", org_views.tree, name="tree"),
        path("departments/new/", org_views.department_new, name="department_new"),
        path("positions/new/", org_views.position_new, name="position_new"),
        path("staff/", org_views.staff_list, name="staff_list"),
        path("staff/new/", org_views.staff_new, name="staff_new"),
        path("staff/<int:user_id>/", org_views.staff_detail, name="staff_detail"),
        path("spans/", org_views.spans, name="spans"),
        path("departments/<int:dept_id>/spans/", org_views.spans, name="department_spans"),
        path("positions/<int:position_id>/spans/", org_views.position_spans, name="position_spans"),
    ],
    "org",
)
core_patterns = (
    [
        path("policies/", core_views.policy_list, name="policies"),
        path("calendar/", core_views.calendar_page, name="calendar"),
        path("notifications/", core_views.notification_list, name="notifications"),
        path("notifications/badge/", core_views.notification_badge, name="notification_badge"),
        path("tokens/", core_views.token_list, name="tokens"),
        path("tokens/<int:token_id>/revoke/", core_views.token_revoke_view, name="token_revoke"),
    ],
    "core",
)
audit_patterns = ([path("", audit_views.audit_list, name="list")], "audit")

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", twofactor.two_factor, name="two_factor"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include(org_patterns)),
    path("settings/", include(core_patterns)),
    path("audit/", include(audit_patterns)),
    path("customers/", include("kefu.customers.urls", namespace="customers")),
    path("tickets/", include("kefu.tickets.urls", namespace="tickets")),
    path("followups/", include("kefu.followups.urls", namespace="followups")),
    path("incidents/", include("kefu.incidents.urls", namespace="incidents")),
    path("plans/", include("kefu.plans.urls", namespace="plans")),
    path("callcenter/", include("kefu.callcenter.urls", namespace="callcenter")),
    path("supervision/", include("kefu.supervision.urls", namespace="supervision")),
    path("meetings/", include("kefu.meetings.urls", namespace="meetings")),
    path("reports/", include("kefu.reports.urls", namespace="reports")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]
