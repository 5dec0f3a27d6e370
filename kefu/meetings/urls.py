from __future__ import annotations

from django.urls import path

from kefu.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("rooms/<int:room_id>/", views.room_detail, name="room"),
    path("book/", views.booking_new, name="book"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/approvals/", views.approvals, name="approvals"),
    path("bookings/<int:booking_id>/", views.booking_detail, name="booking"),
    path("bookings/<int:booking_id>/approve/", views.booking_approve, name="approve"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path("bookings/<int:booking_id>/reschedule/", views.booking_reschedule, name="reschedule"),
    path("bookings/<int:booking_id>/staff/", views.booking_staff, name="staff"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("day/", views.day_view, name="day"),
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/<int:equipment_id>/", views.equipment_detail, name="equipment"),
]
