"""An incident in a real browser (R-INC-1, R-INC-2).

An agent reports an incident from the header link on any page in one short form; the
dispatcher finds it on the home page and walks the notification chain, each step
recorded with who was told and when; the incident then shows as being handled.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.e2e.conftest import nav_go, sign_in

SHOTS = Path(os.environ.get("KEFU_SCREENSHOTS", "var/screenshots"))


def test_it_reports_an_incident_and_the_dispatcher_walks_the_chain(browser, page, live):
    sign_in(page, live, "agent")
    page.goto(live.url + "/customers/")
    nav_go(page, "/incidents/report/")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_kind", "incident")
    page.fill("#id_place", "浏览器测试：5号楼电梯")
    page.fill("#id_description", "电梯困人，两名乘客被困15分钟")
    page.fill("#id_injured_count", "1")
    page.fill("#id_injuries", "一名乘客轻度惊吓")
    page.fill("#id_first_actions", "安抚乘客，联系维保")
    page.fill("#id_handling_plan", "维保单位到场放人并检修")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "incident_report_form.png"), full_page=True)
    page.click("#incident-report button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/incidents/\d+/$", page.url)
    incident_url = page.url
    assert "浏览器测试：5号楼电梯" in page.locator("h1").inner_text()

    dispatcher = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    desk = dispatcher.new_page()
    sign_in(desk, live, "dispatcher")
    assert "浏览器测试：5号楼电梯" in desk.locator("#home-incidents").inner_text()
    desk.goto(incident_url)
    steps = desk.locator("#chain tr.todo")
    assert steps.count() == 3  # chief on duty, doctor (someone is hurt), duty staff to scene
    chief_form = desk.locator("form[action$='/step-chief/']")
    chief_form.locator("select[name=person]").select_option(label="钱立新")
    chief_form.locator("input[name=note]").fill("电话通知")
    chief_form.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    assert "钱立新" in desk.locator("#step-chief").inner_text()
    for step, name in (("doctor", "医院值班医生"), ("scene", "值班员小李")):
        form = desk.locator(f"form[action$='/step-{step}/']")
        form.locator("input[name=contact_name]").fill(name)
        form.locator("button[type=submit]").click()
        desk.wait_for_load_state("networkidle")
        assert name in desk.locator(f"#step-{step}").inner_text()
    assert desk.locator("#chain tr.todo").count() == 0
    assert desk.locator("#chain tr.done").count() == 3
    assert "处理中" in desk.locator("#incident-status").inner_text()
    desk.screenshot(path=str(SHOTS / "incident_chain_done.png"), full_page=True)
    dispatcher.close()
    page.goto(incident_url)
