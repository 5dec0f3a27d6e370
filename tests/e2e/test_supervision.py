"""Service supervision in a real browser (R-SUP-1).

The supervisor opens an unsigned duty day from the home page and signs it; the signature
shows as valid. The director draws last month's sample, reviews every sampled entry and
signs the sample.
"""

from __future__ import annotations

from tests.e2e.conftest import sign_in


def test_the_supervisor_signs_a_day_and_the_director_completes_the_monthly_sample(
    browser, page, live
):
    sign_in(page, live, "cs_supervisor")
    unsigned = page.locator("#home-unsigned a").first
    day = unsigned.inner_text()
    unsigned.click()
    page.wait_for_load_state("networkidle")
    page.fill("#sign-form textarea", "已查阅，记录完整")
    page.click("#sign-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#signature-state").get_attribute("class") == "tag ok"
    assert "孙丽华" in page.locator("#signed-by").inner_text()
    page.screenshot(path="var/screenshots/supervision_day_signed.png", full_page=True)
    page.goto(live.url + "/")
    assert day not in page.locator("#home-supervision").inner_text()

    director = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    desk = director.new_page()
    sign_in(desk, live, "director")
    assert desk.locator("#home-samples").count() == 1
    desk.goto(live.url + "/supervision/samples/")
    desk.click("#draw button[type=submit]")
    desk.wait_for_load_state("networkidle")
    items = desk.locator("tr.sample-item")
    count = items.count()
    assert count >= 1
    for n in range(count):
        row = desk.locator("tr.sample-item").nth(n)
        if n == 0:
            row.locator("input[name=in_order][value='0']").check()
            row.locator("input[name=finding]").fill("处理结果未写明回访情况")
        row.locator("button[type=submit]").click()
        desk.wait_for_load_state("networkidle")
    assert desk.locator("#reviewed-count").inner_text() == f"{count} / {count}"
    desk.click("#sample-sign button[type=submit]")
    desk.wait_for_load_state("networkidle")
    assert "钱立新" in desk.locator("#sample-signed").inner_text()
    assert desk.locator("#sample-signed .tag.ok").count() == 1
    desk.screenshot(path="var/screenshots/supervision_sample_signed.png", full_page=True)
    director.close()
