from __future__ import annotations

from django.urls import path

from kefu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("settings/", views.plan_settings, name="settings"),
    path(
        "settings/thresholds/<int:threshold_id>/delete/",
        views.threshold_delete,
        name="threshold_delete",
    ),
    path("settings/committee/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("checkpoints/<int:checkpoint_id>/done/", views.checkpoint_done, name="checkpoint_done"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/change/", views.plan_change, name="change"),
    path("<int:plan_id>/team/", views.plan_team, name="team"),
    path("<int:plan_id>/checkpoints/", views.checkpoint_add, name="checkpoint_add"),
    path("<int:plan_id>/v/<int:number>/edit/", views.version_edit, name="edit"),
    path("<int:plan_id>/v/<int:number>/submit/", views.version_submit, name="submit"),
    path("<int:plan_id>/v/<int:number>/approve/", views.version_approve, name="approve"),
    path("<int:plan_id>/v/<int:number>/return/", views.version_return, name="return"),
]
