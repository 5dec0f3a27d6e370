"""The pages fit a phone: at 390 px the top bar wraps and wide tables scroll inside their
card, so nothing runs off-screen (the h7 walk-through found a 972 px wide queue page)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    off_screen = page.evaluate(
        "() => [...document.querySelectorAll('header.topbar a, header.topbar summary,"
        " header.topbar button')]"
        ".filter(e => e.checkVisibility())"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.textContent.trim())"
    )
    assert not off_screen, f"top bar items off-screen on {page.url}: {off_screen}"


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("cs_supervisor", "/tickets/"),
        ("cs_supervisor", "/callcenter/stats/"),
        ("auditor", "/audit/"),
        ("sysadmin", "/settings/policies/"),
    ],
)
def test_the_page_fits_a_390_px_phone(phone, live, username, path):
    sign_in(phone, live, username)
    phone.goto(live.url + path)
    assert phone.locator("h1").is_visible()
    _fits(phone)
    menus = phone.locator("nav.mainnav details.menu summary")
    for i in range(menus.count()):  # an open menu stays on the screen too
        menus.nth(i).click()
        _fits(phone)
        menus.nth(i).click()


def test_the_stats_page_shows_the_configured_seconds_and_chinese_weekdays(page, live):
    sign_in(page, live, "cs_supervisor")
    page.goto(live.url + "/callcenter/stats/")
    header = page.locator("table.cc-stats thead").inner_text()
    assert "15 秒接通率" in header and "N" not in header
    days = page.locator("table.cc-stats tbody th").all_inner_texts()
    assert any("周" in d for d in days) and not any(w in " ".join(days) for w in ("Sat", "Mon"))
