"""The web shell as a person meets it: sign in, home page by role, language switch, worker."""

from __future__ import annotations

import time

from tests.e2e.conftest import nav_go, sign_in, start_server, stop_server


def test_it_signs_an_agent_in_and_shows_the_chinese_home_page(page, live):
    page.goto(live.url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录客服系统"
    sign_in(page, live, "agent")
    assert page.locator("h1").inner_text().startswith("您好")
    assert "周小燕" in page.locator("h1").inner_text()
    nav = page.locator("nav.mainnav")
    assert "客户与工单" in nav.inner_text()  # menus by area of work
    nav.locator("summary", has_text="组织与设置").click()
    assert "组织机构" in nav.inner_text() and "审计记录" not in nav.inner_text()
    assert "坐席" in page.locator("main").inner_text()


def test_it_refuses_a_wrong_password_with_a_visible_message(page, live):
    sign_in(page, live, "director", password="not-the-password")
    assert page.locator(".form-errors").is_visible()
    assert "登录名或密码错误" in page.locator(".form-errors").inner_text()


def test_it_switches_the_interface_to_english_and_back(page, live):
    sign_in(page, live, "cs_supervisor")
    page.click("button[value=en]")
    page.wait_for_load_state("networkidle")
    assert "Sign out" in page.locator("header").inner_text()
    page.click("button[value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert "退出" in page.locator("header").inner_text()


def test_it_shows_the_auditor_the_trail_of_sign_ins(page, live):
    sign_in(page, live, "auditor")
    nav_go(page, "/audit/")
    page.fill("input[name=actor]", "auditor")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 1
    assert "登录" in rows.first.inner_text()


def test_it_runs_the_worker_beside_the_server(tmp_path):
    """`kefu serve` starts the background worker; its heartbeat reaches the health check."""
    server = start_server(tmp_path, worker=True)
    try:
        deadline = time.monotonic() + 90
        status = server.get_json("/api/v1/health")
        while not status["worker_running"] and time.monotonic() < deadline:
            time.sleep(0.5)
            status = server.get_json("/api/v1/health")
        assert status["worker_running"], (tmp_path / "serve.log").read_text()
    finally:
        stop_server(server)
