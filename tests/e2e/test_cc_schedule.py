"""R-CC-6, R-CC-7, R-CC-10 in a browser: the supervisor sees the seed shifts, is refused a
change that leaves nights uncovered, and sees the demo's forecast override marked."""

from __future__ import annotations

from tests.e2e.conftest import sign_in


def test_the_supervisor_keeps_shifts_and_sees_overridden_forecast_intervals_rcc6_rcc10(page, live):
    sign_in(page, live, "cs_supervisor")
    page.goto(live.url + "/callcenter/schedule/")
    table = page.locator("table.cc-templates")
    for name in ("白班", "中班", "夜班"):
        assert name in table.inner_text()
    row = table.locator("tr", has_text="夜班")
    row.get_by_role("button").click()
    page.wait_for_load_state()
    assert "21:00–08:00" in page.locator("body").inner_text()  # R-CC-6: refused, named
    assert "年假" in page.locator("table.cc-leave").inner_text()  # the demo's leave
    page.goto(live.url + "/callcenter/forecast/")
    page.locator("svg.cc-forecast-chart").wait_for()
    assert page.locator("td.cc-overridden").count() >= 1
    page.screenshot(path="var/screenshots/cc_forecast.png", full_page=True)
    page.goto(live.url + "/callcenter/schedule/")
