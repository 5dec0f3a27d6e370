from __future__ import annotations

from django.urls import path

from kefu.incidents import views, views_tables

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("report/", views.report, name="report"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/written-report/", views.written_report, name="written_report"),
    path("<int:incident_id>/<slug:action>/", views.incident_action, name="action"),
    path("sanctions/", views.sanctions_waiting, name="sanctions"),
    path("sanctions/<int:sanction_id>/<slug:decision>/", views.sanction_decide, name="decide"),
    path("people/<int:user_id>/", views.person_record, name="person"),
    path("rules/", views_tables.rule_table, name="rules"),
    path("rules/<int:rule_id>/", views_tables.rule_change, name="rule_change"),
    path("inspections/", views_tables.inspections, name="inspections"),
    path("sites/new/", views_tables.site_new, name="site_new"),
    path("hazards/<int:hazard_id>/<slug:action>/", views_tables.hazard_action, name="hazard"),
]
