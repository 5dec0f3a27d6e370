"""Booking a meeting room in a real browser (R-MTG-1, R-MTG-2).

A department member books a room for the next workday with audio; the booking page
lists its service tasks with the AV test due one hour before the start; the AV
technician finds it among their tasks and the attendants see it on the day view.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from tests.e2e.conftest import nav_go, sign_in


def _next_workday() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=1)  # noqa: DTZ011 - the server's local date
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def test_it_books_a_room_and_shows_the_av_test_due_an_hour_before(browser, page, live):
    day = _next_workday().isoformat()
    sign_in(page, live, "agent")
    nav_go(page, "/meetings/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#room-list").inner_text().count("会议中心第一会议室") == 1
    page.click("#meeting-tabs >> a[href='/meetings/book/']")
    page.select_option("#id_room", label="会议中心第一会议室")
    page.fill("#id_title", "浏览器测试：客户座谈会")
    page.fill("#id_starts_at", f"{day}T18:00")
    page.fill("#id_ends_at", f"{day}T19:30")
    page.fill("#id_attendees", "12")
    page.check("#id_tea")
    page.check("#id_audio")
    page.click("#booking-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/meetings/bookings/" in page.url
    assert page.locator("#booking-status").inner_text() == "已确认"
    av_test = page.locator("#task-av_test")
    assert av_test.locator("td.due").inner_text() == f"{day} 17:00"
    assert "音控师" in av_test.inner_text()
    assert page.locator("#task-tea_sets").count() == 1
    booking_url = page.url

    page.goto(live.url + "/meetings/book/")
    page.select_option("#id_room", label="会议中心第一会议室")
    page.fill("#id_title", "结束早于开始")
    page.fill("#id_starts_at", f"{day}T20:00")
    page.fill("#id_ends_at", f"{day}T19:00")
    page.fill("#id_attendees", "3")
    page.click("#booking-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert (
        "早于" in page.locator(".field-error").inner_text() or page.locator(".field-error").count()
    )

    page.context.clear_cookies()
    sign_in(page, live, "av_technician")
    page.goto(live.url + "/meetings/tasks/")
    assert "浏览器测试：客户座谈会" in page.locator("#task-list").inner_text()
    page.goto(live.url + f"/meetings/day/?date={day}")
    assert "浏览器测试：客户座谈会" in page.locator("#day-grid").inner_text()
    page.goto(booking_url)
    page.locator("#task-av_test button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "✓" in page.locator("#task-av_test").inner_text()
