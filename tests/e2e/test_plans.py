"""Business operation plans and the span analysis in a real browser (R-PLN-2, R-ORG-4).

The director finds the demo plan awaiting their review on the plan list, approves
it, and sees the approval recorded; the general manager opens the 责权利 page of
the company and sees the chart and the positions by crisis.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import nav_go, sign_in


def test_the_director_approves_a_plan_in_turn_and_the_gm_reads_the_span_chart(page, live):
    sign_in(page, live, "director")
    page.goto(live.url + "/plans/")
    review = page.locator("#awaiting-review a").first
    review.click()
    page.wait_for_load_state("networkidle")
    page.fill("#approve-form textarea[name=comment]", "同意，按期回款")
    if page.locator("#approve-form .help").count():  # the decision committee's step (R-PLN-2)
        page.fill("#approve-form textarea[name=signoff]", "决策委员会会议纪要第 12 号：同意。")
    page.click("#approve-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "同意，按期回款" in page.locator("section.version").first.inner_text()
    shots = Path(os.environ.get("KEFU_SCREENSHOTS", "var/screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "plan_detail_after_approval.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, live, "gm")
    nav_go(page, "/org/spans/")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=department]", label="示例物业服务有限公司")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#span-chart svg").count() == 1
    assert page.locator("#span-groups h3.diagnosis-resource_crisis").count() == 1
    assert page.locator("#span-groups h3.diagnosis-bureaucracy_crisis").count() == 1
    assert "客服主管" in page.locator("#span-groups").inner_text()
