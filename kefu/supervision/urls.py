from __future__ import annotations

from django.urls import path

from kefu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("duty-log/", views.duty_month, name="duty_month"),
    path("duty-log/new/", views.duty_entry_new, name="duty_entry_new"),
    path("duty-log/<str:day>/", views.duty_day, name="duty_day"),
    path("samples/", views.sample_list, name="samples"),
    path("samples/<int:sample_id>/", views.sample_detail, name="sample_detail"),
    path(
        "samples/<int:sample_id>/entries/<int:entry_id>/review/",
        views.sample_review,
        name="sample_review",
    ),
    path("samples/<int:sample_id>/sign/", views.sample_sign, name="sample_sign"),
    path("weekly/", views.weekly_list, name="weekly_list"),
    path("weekly/draft/", views.weekly_draft, name="weekly_draft"),
    path("weekly/<int:report_id>/", views.weekly_detail, name="weekly_detail"),
    path("walkthroughs/", views.walkthrough_list, name="walkthroughs"),
    path("walkthroughs/new/", views.walkthrough_new, name="walkthrough_new"),
    path("walkthroughs/<int:walkthrough_id>/", views.walkthrough_detail, name="walkthrough_detail"),
    path("fixes/<int:fix_id>/move/", views.fix_move, name="fix_move"),
]
