"""The customer archive in a browser: search, open, reveal a phone, see the audit entry."""

from __future__ import annotations

import re

from tests.e2e.conftest import nav_go, sign_in


def test_it_searches_opens_a_customer_reveals_a_phone_and_the_auditor_sees_it(browser, page, live):
    """R-CUS-9 search, R-CUS-8 customer page, R-SEC-1 reveal with reason, recorded."""
    sign_in(page, live, "cs_supervisor")
    nav_go(page, "/customers/")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=q]", "朝阳区")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 1
    masked = rows.first.locator("td").nth(2).inner_text()
    assert re.fullmatch(r"\d{3}\*{4}\d{4}", masked), masked
    rows.first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#reveal-phone").inner_text() == masked
    reveal = page.locator("details.reveal").first
    reveal.locator("summary").click()
    form = reveal.locator("form")
    # R-SEC-1 bad input: a reason of one letter is refused where the number would show.
    form.locator("input[name=reason]").fill("x")
    form.locator("button[type=submit]").click()
    refusal = page.locator("#reveal-phone [role=alert]")
    refusal.wait_for()
    assert "原因" in refusal.inner_text() and "reason" not in refusal.inner_text()
    form.locator("input[name=reason]").fill("电话回访核对身份")
    form.locator("button[type=submit]").click()
    page.locator("#reveal-phone .revealed").wait_for()
    clear = page.locator("#reveal-phone .revealed").inner_text()
    assert re.fullmatch(r"\d{11}", clear) and clear[:3] == masked[:3] and clear[-4:] == masked[-4:]

    context = browser.new_context(locale="zh-CN")
    auditor = context.new_page()
    try:
        sign_in(auditor, live, "auditor")
        auditor.goto(live.url + "/audit/?action=reveal")
        auditor.wait_for_load_state("networkidle")
        trail = auditor.locator("table.audit tbody").inner_text()
        assert "电话回访核对身份" in trail
        assert "cs_supervisor" in trail
        assert clear not in trail
    finally:
        context.close()
