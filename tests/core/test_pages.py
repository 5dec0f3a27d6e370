"""The web shell: sign-in in Chinese, lockout, navigation by role, home pages, errors."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_shows_the_sign_in_page_in_chinese_by_default(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_it_shows_english_when_the_user_switches_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in to Kefu" in html


def test_it_sends_strangers_to_the_sign_in_page(client):
    response = client.get("/org/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_signs_in_with_the_right_password_and_lands_on_home(client):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase", full_name="周小燕")
    response = client.post(
        "/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert "周小燕" in home.content.decode()


def test_it_refuses_a_wrong_password_with_a_message(client):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    page = client.post("/accounts/login/", {"username": member.username, "password": "wrong"})
    assert page.status_code == 200
    assert "form-errors" in page.content.decode()


def test_it_locks_an_account_after_repeated_failures(settings):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": member.username, "password": "wrong"})
    locked = client.post(
        "/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"}
    )
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_shows_each_role_only_the_navigation_it_may_use(web):
    agent_home = web(Role.AGENT).get("/").content.decode()
    assert 'href="/audit/"' not in agent_home
    assert 'href="/admin/"' not in agent_home
    auditor_home = web(Role.AUDITOR).get("/").content.decode()
    assert 'href="/audit/"' in auditor_home
    admin_home = web(Role.SYSADMIN).get("/").content.decode()
    assert 'href="/admin/"' in admin_home
    assert 'id="system-status"' in admin_home


def test_r_sec_3_a_role_given_or_taken_changes_the_menus_on_the_next_page(web, sysadmin):
    """The menus are built once per set of roles and language (issue 9), so a changed role
    must show on the very next page, in either language."""
    from kefu.org.services import staff_update

    client = web(Role.AGENT)
    assert 'href="/audit/"' not in client.get("/").content.decode()
    staff_update(actor=sysadmin, user=client.user, roles=[Role.AGENT, Role.AUDITOR])
    html = client.get("/").content.decode()
    assert 'href="/audit/"' in html and "审计" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Audit trail" in client.get("/").content.decode()
    staff_update(actor=sysadmin, user=client.user, roles=[Role.AGENT])
    assert 'href="/audit/"' not in client.get("/").content.decode()


def test_it_shows_each_role_its_duties_on_the_home_page(web):
    html = web(Role.DUTY_OPERATOR).get("/").content.decode()
    assert "中控室值班员" in html


def test_it_lets_only_a_sysadmin_into_the_back_office(web):
    assert web(Role.SYSADMIN).get("/admin/").status_code == 200
    # R-SEC-3: the endpoint table's gate refuses the back office with a 403 naming the
    # permission, not a redirect to the back office's own sign-in page.
    refused = web(Role.DIRECTOR).get("/admin/")
    assert refused.status_code == 403
    assert "admin.access" in refused.content.decode()


def test_it_shows_a_403_page_naming_the_permission(web):
    page = web(Role.AGENT).get("/org/staff/new/")
    assert page.status_code == 403
    assert "staff.manage" in page.content.decode()


def test_it_shows_a_404_page_for_an_unknown_staff_member(web):
    assert web(Role.AGENT).get("/org/staff/999999/").status_code == 404


def test_it_creates_a_staff_member_from_the_page_and_reports_bad_input_inline(web):
    dept = factories.department(name="呼叫中心")
    client = web(Role.SYSADMIN, department=dept)
    bad = client.post(
        "/org/staff/new/",
        {"username": "", "password": "x", "full_name": "李四", "roles": ["agent"]},
    )
    assert bad.status_code == 200
    assert "field-error" in bad.content.decode()
    ok = client.post(
        "/org/staff/new/",
        {
            "username": "lisi",
            "password": "a-long-pass-phrase",
            "full_name": "李四",
            "department": dept.pk,
            "roles": ["agent"],
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    detail = client.get(ok["Location"]).content.decode()
    assert "李四" in detail and "呼叫中心" in detail


def test_it_shows_the_department_tree_with_positions_and_duties(web):
    root = factories.department(name="示例公司")
    ctl = factories.department(name="中控室", parent=root)
    factories.position(department=ctl, title="值班员", duties="填写值班记录")
    html = web(Role.AGENT).get("/org/").content.decode()
    assert "中控室" in html and "值班员" in html and "填写值班记录" in html


def test_r_org_1_the_tree_draws_each_department_under_its_parent_with_its_subtree_count(web):
    root = factories.department(name="示例公司")
    it = factories.department(name="信息技术部", parent=root)
    service = factories.department(name="客户服务部", parent=root)
    factories.department(name="热线一组", parent=service)
    factories.department(name="机房", parent=it)  # made last, drawn under its own parent
    factories.user(Role.AGENT, department=service)
    factories.user(Role.AGENT, department=service.children.get())
    html = web(Role.AGENT, department=it).get("/org/").content.decode()
    order = [html.index(n) for n in ("示例公司", "信息技术部", "机房", "客户服务部", "热线一组")]
    assert order == sorted(order)
    service_row = html[html.index("客户服务部") : html.index("热线一组")]
    assert "2 人" in service_row  # its own member and the hotline team's


def test_it_issues_a_token_on_the_page_and_shows_it_once(web):
    client = web(Role.AGENT)
    page = client.post("/settings/tokens/", {"name": "呼叫系统", "days": 30}).content.decode()
    assert 'id="new-token"' in page and "kefu_" in page
    again = client.get("/settings/tokens/").content.decode()
    assert "呼叫系统" in again and 'id="new-token"' not in again


def test_it_stays_chinese_for_a_browser_that_prefers_english(client):
    """Chinese first: the browser's language does not switch the pages; the header switch does."""
    html = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "登录客服系统" in html.content.decode()


def test_an_english_answer_leaves_the_work_after_it_in_the_language_it_had(anonymous_api):
    from django.utils import translation

    translation.activate("zh-hans")
    english = anonymous_api.client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert english["Content-Language"] == "en"
    assert translation.get_language() == "zh-hans"  # not left in the request's English


def test_it_answers_the_api_in_english_when_asked(anonymous_api):
    response = anonymous_api.client.get("/api/v1/me", headers={"Accept-Language": "en"})
    assert response.json()["title"] == "Not signed in"
    chinese = anonymous_api.client.get("/api/v1/me")
    assert chinese.json()["title"] == "未登录"


def test_it_shows_unread_notifications_on_the_bell_and_marks_them_read(web):
    from kefu.core.notify import notify

    member = factories.user(Role.AGENT)
    notify([member], "工单 GD1 已转交", url="/tickets/")
    client = web(user=member)
    assert '<span class="badge">1</span>' in client.get("/").content.decode()
    page = client.get("/settings/notifications/").content.decode()
    assert "工单 GD1 已转交" in page
    assert 'class="badge"' not in client.get("/settings/notifications/badge/").content.decode()


def test_it_lists_and_marks_notifications_through_the_api(api):
    from kefu.core.notify import notify

    client = api(Role.AGENT)
    notify([client.user], "甲")
    notify([client.user], "乙")
    assert client.get("notifications", unread=True).json()["count"] == 2
    assert client.post("notifications/read", {}).json()["marked"] == 2
    assert client.get("notifications", unread=True).json()["count"] == 0


def test_it_shows_an_agent_their_tickets_and_callbacks_on_the_home_page(web):
    from tests.tickets import factories as tf

    agent = tf.agent()
    tf.ticket(actor=agent, kind="fault")
    html = web(user=agent).get("/").content.decode()
    assert 'id="home-tickets"' in html and "/tickets/new/" in html
    assert 'id="home-followups"' in html


def test_it_shows_no_ticket_panel_to_a_role_without_tickets(web):
    html = web(Role.SYSADMIN).get("/").content.decode()
    assert 'id="home-tickets"' not in html
