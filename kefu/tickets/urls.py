from __future__ import annotations

from django.urls import path

from kefu.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("matches/", views.matches, name="matches"),
    path("customers/", views.customer_pick, name="customer_pick"),
    path("handoffs/", views.handoff_list, name="handoffs"),
    path("settings/", views.settings_page, name="settings"),
    path("hotspots/", views.hot_spots, name="hotspots"),
    path("<int:ticket_id>/", views.detail, name="detail"),
    path("<int:ticket_id>/<slug:action>/", views.act, name="act"),
]
