"""R-SEC-3: a refusal names what the role may not do in the reader's words, not in codes.

A reader saw "调查 or 设计（权限 followup.survey_phone | followup.survey_manage）": raw codes
and an English "or" in a Chinese sentence. The sentence now gives the permissions' labels
joined by 或 ("or" in English); the codes stay beside it for the administrator.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from kefu.core.wording import either
from kefu.errors import PermissionDenied
from kefu.org.permissions import PERMISSIONS, check
from kefu.org.refusals import refused
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _detail(html: str) -> str:
    start = html.index('class="error-detail">') + len('class="error-detail">')
    return html[start : html.index("</p>", start)]


def test_the_page_refuses_in_chinese_with_the_labels_joined_by_huo_r_sec_3(web):
    page = web(Role.AUDITOR).get(reverse("followups:surveys"))
    assert page.status_code == 403
    html = page.content.decode()
    assert _detail(html) == "您的角色无权“电话中与客户一起填写调查”或“设计满意度调查”。"
    # The codes are kept for the administrator, in a small line of their own.
    assert "权限代码（供管理员参考）：" in html
    assert "<code>followup.survey_phone</code>或<code>followup.survey_manage</code>" in html
    assert " or " not in html.split("<main", 1)[-1]


def test_the_api_problem_body_reads_in_chinese_and_carries_the_codes_apart_r_sec_3(api):
    report = api(Role.AUDITOR).get("supervision/weekly-reports/1")
    assert report.status_code == 403
    body = report.json()
    assert body["title"] == "无权操作"
    assert body["detail"] == (
        "您的角色无权“填写并提交本人周报”或“生成周报草稿并查看迟交或未交的周报”。"
    )
    assert "weekly." not in body["detail"] and " or " not in body["detail"]
    assert body["permission"] == "weekly.own"
    assert body["permissions"] == ["weekly.own", "weekly.supervise"]


def test_a_single_permission_reads_as_one_plain_sentence_r_sec_3(api):
    refused_change = api(Role.AGENT).put("policies/callcenter.lines", {"value": "1"})
    assert refused_change.status_code == 403
    body = refused_change.json()
    assert body["detail"] == "您的角色无权修改制度参数。"
    assert (body["permission"], body["permissions"]) == ("policy.manage", ["policy.manage"])


def test_the_api_refuses_in_english_when_the_integration_asks_for_english_r_sec_3(api):
    client = api(Role.AUDITOR)
    response = client.client.get(
        "/api/v1/supervision/weekly-reports/1",
        headers={**client.headers, "Accept-Language": "en"},
    )
    assert response.json()["detail"] == (
        "Your role is not allowed to complete and submit one's weekly report "
        "or draft weekly reports and see late or missing ones."
    )


def test_the_department_refusal_names_the_department_and_no_code_r_sec_3():
    own, other = factories.department(), factories.department()
    director = factories.user(Role.DIRECTOR, department=own)
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refusal:
        check(director, "staff.manage", department=other)
    assert refusal.value.message == (
        f"您只能在本部门范围内新建员工，调整其部门、岗位和角色；{other.name} 不在您的部门范围内。"
    )
    assert refusal.value.permission == "staff.manage"


def test_three_alternatives_read_as_a_list_in_either_language():
    with translation.override("zh-hans"):
        assert either(["甲", "乙", "丙"]) == "“甲”、“乙”或“丙”"
        assert either(["甲"]) == "甲"
    with translation.override("en"):
        assert either(["a", "b", "c"]) == "a, b or c"
        codes = ["ticket.work", "ticket.callback"]
        message = refused([PERMISSIONS[c] for c in codes]).message
        assert " or " in message and "ticket." not in message
