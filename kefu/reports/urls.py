from __future__ import annotations

from django.urls import path

from kefu.reports import views

app_name = "reports"

urlpatterns = [
    path("kpis/", views.kpi_index, name="kpis"),
    path("kpis/schemes/new/", views.scheme_edit, name="scheme_new"),
    path("kpis/schemes/<int:scheme_id>/", views.scheme_edit, name="scheme_edit"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/close/", views.kpi_close, name="kpi_close"),
    path("monthly/", views.monthly_list, name="monthly"),
    path("monthly/build/", views.monthly_build, name="monthly_build"),
    path("monthly/<str:month>/", views.monthly_detail, name="monthly_detail"),
    path("monthly/<str:month>/comment/", views.monthly_comment, name="monthly_comment"),
    path("monthly/<str:month>/xlsx/", views.monthly_xlsx, name="monthly_xlsx"),
]
