from __future__ import annotations

from django.urls import path

from kefu.followups import views

app_name = "followups"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("generate/", views.generate, name="generate"),
    path("<int:followup_id>/", views.task_detail, name="detail"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey"),
    path("surveys/<int:survey_id>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:survey_id>/results/", views.survey_results, name="survey_results"),
    path("mystery/", views.mystery_list, name="mysteries"),
    path("mystery/<int:programme_id>/", views.mystery_detail, name="mystery"),
    # Public pages, reached by a personal signed link; no login (R-FUP-3, R-FUP-4).
    path("s/<str:token>/", views.survey_public, name="survey_public"),
    path("m/<str:token>/", views.mystery_public, name="mystery_public"),
]
