"""What a user reads is Chinese and in their terms: no raw keys, field lookups, English
model names or English error pages (the h7 walk-through's findings)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.test import Client, override_settings
from django.utils import translation

from kefu.core.models import Notification
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.factories import at, call

pytestmark = pytest.mark.django_db

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _text(html: str) -> str:
    """The words on the page: tags, scripts and entities removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"&[a-z]+;|<[^>]+>", " ", html)


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def test_the_stats_page_names_every_figure_in_chinese_and_the_configured_seconds(web):
    call(enter_at=at("2026-11-21", "09:00"))  # a Saturday
    call(enter_at=at("2026-11-21", "09:05"), answered=False, wait=30)
    page = web(Role.CS_SUPERVISOR).get(
        "/callcenter/stats/", {"since": "2026-11-21", "until": "2026-11-21"}
    )
    html = page.content.decode()
    assert "15 秒接通率" in html and "N 秒接通率" not in html
    assert "2026-11-21 周六" in html and "Sat" not in html
    definitions = _text(_section(html, "cc-defs"))
    assert "平均应答速度" in definitions and "首次解决率" in definitions
    for raw in ("offered", "answer_rate", "asa_seconds", "quick_answer_rate", "fcr_rate"):
        assert raw not in definitions
    # The column headers are Chinese too (no ASA, AHT or FCR)
    header = _text(html[html.index("<thead>", html.index("cc-stats")) : html.index("</thead>")])
    assert not ENGLISH_WORD.search(header), header


def test_the_erlang_calculator_shows_chinese_labels_and_percentages_r_cc_10(web):
    page = web(Role.CS_SUPERVISOR).get(
        "/callcenter/planning/",
        {
            "calls": 120,
            "aht": 180,
            "interval": 30,
            "target_sl": 0.8,
            "target_seconds": 20,
            "shrinkage": 0.3,
            "lines": 40,
        },
    )
    html = page.content.decode()
    table = _text(
        html[html.index("cc-staffing") : html.index("</table>", html.index("cc-staffing"))]
    )
    assert "所需坐席数" in table and "服务水平" in table and "来电需要等待的概率" in table
    assert not re.search(r"agents_with_shrinkage|wait_probability|0\.\d{4}", table), table
    assert re.search(r"\d+\.\d%", table)


def test_a_form_renders_hidden_fields_without_their_label(web):
    client = web(Role.AGENT, department=factories.department())
    html = client.get("/tickets/new/").content.decode()
    assert 'type="hidden" name="customer"' in html  # the form's hidden customer field
    assert 'for="id_customer"' not in html and "Customer" not in _text(html)
    duty = web(Role.DUTY_OPERATOR).get("/supervision/duty-log/new/").content.decode()
    assert "Corrects" not in _text(duty)


def test_not_found_names_the_thing_in_chinese_without_raw_lookups(web):
    page = web(Role.CS_SUPERVISOR).get("/tickets/999999/")
    assert page.status_code == 404
    text = _text(page.content.decode())
    assert "没有编号为 999999 的工单。" in text
    assert "pk=" not in text


def test_an_unknown_address_gets_a_chinese_page_in_the_site_layout(web):
    page = web(Role.AGENT).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html and "页面不存在" in html
    assert 'class="topbar"' in html and "Not Found" not in html
    anonymous = Client().get("/no-such-page/")
    assert anonymous.status_code == 404 and "页面不存在" in anonymous.content.decode()


@override_settings(DEBUG=False)
def test_a_server_error_gets_a_chinese_page_without_the_database(monkeypatch):
    from django.views import defaults

    request = Client().get("/").wsgi_request
    with translation.override("zh-hans"):
        response = defaults.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in html and "Server Error" not in html and "kefu.css" in html


def test_a_refused_form_post_explains_itself_in_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


def test_every_model_has_a_chinese_name():
    english = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if not model.__module__.startswith("kefu.core"):
                continue
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                if ENGLISH_WORD.search(str(name)):
                    english.append(f"{model.__name__}: {name}")
    assert not english, english


def test_the_policy_page_shows_what_a_choice_means_not_its_code(web):
    html = web(Role.SYSADMIN).get("/settings/policies/").content.decode()
    row = html[html.index('id="policy-calendar.unknown_year_rule"') :]
    row = row[: row.index("</tr>")]
    assert "拒绝计算，须先录入该年" in row
    shown = _text(re.sub(r"<code.*?</code>|<select.*?</select>", "", row, flags=re.S))
    assert "error" not in shown and "weekdays" not in shown
    formula = html[html.index('id="policy-callcenter.service_level_formula"') :]
    formula = _text(
        re.sub(
            r"<code.*?</code>|<select.*?</select>",
            "",
            formula[: formula.index("</tr>")],
            flags=re.S,
        )
    )
    assert "全部呼入来电" in formula


def test_the_audit_trail_names_the_record_and_its_fields_in_chinese(web):
    from kefu.audit.models import AuditEntry

    AuditEntry.objects.create(
        actor_name="someone",
        action="other",
        target_type="customers.customer",
        target_id="",
        summary="导出客户 3 个",
    )
    AuditEntry.objects.create(
        actor_name="someone",
        action="update",
        target_type="core.notification",
        target_id="7",
        before={"read_at": None},
        after={"read_at": "2026-11-27T05:00:00+00:00"},
    )
    html = web(Role.AUDITOR).get("/audit/").content.decode()
    assert "customers.customer#" not in _text(html)
    assert "阅读时间" in html and "2026-11-27 13:00:00" in html  # Asia/Shanghai
    assert "read_at" not in _text(html)


def test_the_audit_trail_shows_people_by_name_nothing_as_a_dash_and_lists_as_text(web):
    """R-SEC-2: an auditor reads names, not ids ("负责人: 12"), a dash, not "None", and a
    list as text, not as a program prints it."""
    from kefu.audit.models import AuditEntry
    from kefu.tickets.models import Ticket

    owner = factories.user(Role.TECH_SERVICE, full_name="郑志刚")
    AuditEntry.objects.create(
        actor_name="someone",
        action="update",
        target_type="tickets.ticket",
        target_id="1",
        before={"owner": None, "cc_roles": ["cs_supervisor", "director"]},
        after={"owner": owner.pk},
    )
    assert Ticket._meta.get_field("owner").many_to_one
    html = _text(web(Role.AUDITOR).get("/audit/").content.decode())
    assert f"郑志刚 (#{owner.pk})" in html
    assert "None" not in html and "['cs_supervisor'" not in html
    assert "cs_supervisor、director" in html


def test_the_notifications_page_pages_a_long_list(web):
    client = web(Role.AGENT)
    Notification.objects.bulk_create(
        Notification(user=client.user, text=f"通知{i}") for i in range(75)
    )
    first = client.get("/settings/notifications/").content.decode()
    assert first.count("<li") < 40 and 'class="pager"' in first
    third = client.get("/settings/notifications/", {"page": 3}).content.decode()
    assert "通知0<" in third or "通知0 " in third or ">通知0" in third


def test_my_meeting_tasks_page_in_fifties(web):
    from kefu.meetings.models import MeetingTask, TaskKind
    from tests.meetings.factories import attendant, booking

    helper = attendant()
    for n in range(8):
        made = booking(start=8 + n, end=9 + n)
        taken = set(made.tasks.values_list("kind", flat=True))
        MeetingTask.objects.bulk_create(
            MeetingTask(
                booking=made,
                kind=kind,
                phase="before",
                duty="meeting_attendant",
                assignee=helper,
                due_at=made.starts_at - dt.timedelta(minutes=i),
            )
            for i, kind in enumerate(k for k in TaskKind.values if k not in taken)
        )
    assert MeetingTask.objects.filter(assignee=helper).count() > 50
    client = web(user=helper)
    first = client.get("/meetings/tasks/").content.decode()
    assert 'class="pager"' in first
    assert first.count('action="/meetings/tasks/') == 50
    second = client.get("/meetings/tasks/", {"page": 2}).content.decode()
    assert 0 < second.count('action="/meetings/tasks/') < 50


def test_the_call_import_mapping_example_is_chinese_and_valid_toml(web):
    import html as html_lib
    import tomllib

    page = web(Role.CS_SUPERVISOR).get("/callcenter/import/").content.decode()
    example = html_lib.unescape(re.search(r'placeholder="([^"]*)"', page, re.S).group(1))
    assert "每个通话字段取自哪一列" in example and "必填" in example
    assert "kefu import-calls" not in example and "Column mapping" not in example
    assert tomllib.loads(example)["columns"]["caller"] == "主叫"
