from __future__ import annotations

from django.urls import path

from kefu.callcenter import views, views_schedule

app_name = "callcenter"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/pop/", views.desk_pop, name="desk_pop"),
    path("desk/link/", views.desk_link, name="desk_link"),
    path("stats/", views.stats_page, name="stats"),
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:call_id>/play/", views.recording_play, name="play"),
    path("calls/<int:call_id>/recording/", views.recording_file, name="recording"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("planning/", views.planning_page, name="planning"),
    path("roster/", views.roster_page, name="roster"),
    path("schedule/", views_schedule.schedule_page, name="schedule"),
    path("forecast/", views_schedule.forecast_page, name="forecast"),
    path("settings/", views.settings_page, name="settings"),
]
