"""The complaint loop in a real browser (R-TIC-2, R-TIC-7, R-TIC-9).

An agent records a complaint and hands it off; the receiving department rejects it;
the office arbitrates; the new owner resolves it; closing is refused until the
callback is recorded; then it closes.
"""

from __future__ import annotations

import datetime as dt
import re

from tests.e2e.conftest import sign_in


def _as(browser, live, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live, username)
    return context, page


def _submit(page, section: str, fields: dict[str, str], selects: dict[str, str] | None = None):
    box = page.locator(f"#{section}")
    if box.evaluate("el => el.tagName") == "DETAILS":
        box.evaluate("el => el.open = true")
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    for name, label in (selects or {}).items():
        box.locator(f"select[name={name}]").select_option(label=label)
    box.locator("button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def test_it_takes_a_complaint_through_rejection_arbitration_and_callback(browser, live):
    context, page = _as(browser, live, "agent")
    page.goto(live.url + "/tickets/new/")
    page.fill("#id_phone", "13900001111")
    page.select_option("#id_kind", "complaint")
    page.fill("#id_description", "楼道漏水一周无人处理")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state("networkidle")
    url = page.url
    assert re.search(r"/tickets/\d+/$", url)
    number = page.locator("h1").inner_text().split(" ")[0]
    assert page.locator("#first-responder").inner_text() == "周小燕"

    due = (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")  # noqa: DTZ005
    _submit(
        page,
        "handoff",
        {"what": "检查并维修漏水", "why": "设施设备归技术服务部", "due_by": due},
        {"to_department": "技术服务部"},
    )
    assert "技术服务部" in page.locator("table.list").first.inner_text()
    context.close()

    context, page = _as(browser, live, "tech_service")
    page.goto(url)
    _submit(page, "answer-handoff", {"reason": "漏水来自楼上住户，应由管理处协调"})
    assert page.locator("#ticket-state").inner_text() == "裁决中"
    context.close()

    context, page = _as(browser, live, "office")
    page.goto(url)
    _submit(
        page,
        "arbitrate",
        {"decision": "公共管道漏水属技术服务部职责，由其处理"},
        {"department": "技术服务部", "owner": "郑志刚"},
    )
    assert page.locator("#ticket-department").inner_text() == "技术服务部"
    context.close()

    context, page = _as(browser, live, "tech_service")
    page.goto(url)
    _submit(page, "resolve", {"resolution": "已更换破损管道"})
    assert page.locator("#ticket-state").inner_text() == "待回访"
    page.click("#close-ticket")
    page.wait_for_load_state("networkidle")
    assert "回访" in page.locator("ul.messages").inner_text()
    assert page.locator("#ticket-state").inner_text() == "待回访"
    context.close()

    context, page = _as(browser, live, "cs_supervisor")
    page.goto(url)
    _submit(page, "callback", {"satisfaction": "5", "note": "客户确认漏水已解决"})
    context.close()

    context, page = _as(browser, live, "tech_service")
    page.goto(url)
    page.click("#close-ticket")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ticket-state").inner_text() == "已关闭"
    history = page.locator("#ticket-history").inner_text()
    for step in ("转交", "退回联络单", "已裁决", "已办结", "已登记回访"):
        assert step in history, step
    page.screenshot(path="var/screenshots/ticket-closed.png", full_page=True)
    assert number.startswith("GD")
    context.close()
