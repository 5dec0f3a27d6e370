"""Policy settings: the seed's defaults, changeable by the administrator, audited."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from kefu import policy
from kefu.audit.models import AuditEntry
from kefu.core.services import policy_set
from kefu.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_starts_with_the_seeds_defaults():
    assert policy.get("callcenter.lines") == 90
    assert policy.get("supervision.sample_percent") == Decimal("20")
    assert policy.get("tickets.repeat_window_days") == 7
    assert policy.get("incidents.investigation_hours") == 24


def test_it_uses_the_administrators_value_once_set(sysadmin):
    policy_set(actor=sysadmin, key="callcenter.lines", value="120", reason="扩容")
    assert policy.get("callcenter.lines") == 120
    entry = AuditEntry.objects.get(target_type="core.policysetting")
    assert (entry.before, entry.after, entry.reason) == ({"value": "90"}, {"value": "120"}, "扩容")


def test_it_refuses_a_value_out_of_range_and_keeps_the_old_one(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        policy_set(actor=sysadmin, key="supervision.sample_percent", value="150")
    assert "100" in refused.value.message
    assert policy.get("supervision.sample_percent") == Decimal("20")


def test_it_refuses_text_where_a_number_belongs(sysadmin):
    with pytest.raises(ValidationFailed):
        policy_set(actor=sysadmin, key="callcenter.lines", value="many")


def test_it_refuses_an_unknown_setting(sysadmin):
    with pytest.raises(NotFound):
        policy_set(actor=sysadmin, key="callcenter.coffee", value="1")


def test_it_refuses_a_change_by_a_supervisor():
    with pytest.raises(PermissionDenied):
        policy_set(actor=factories.user(Role.CS_SUPERVISOR), key="callcenter.lines", value="1")


def test_it_lists_and_changes_settings_through_the_api(api):
    listed = {p["key"]: p for p in api(Role.AGENT).get("policies").json()}
    assert listed["callcenter.lines"]["value"] == "90"
    assert listed["callcenter.lines"]["rule"] == "R-CC-1"
    admin = api(Role.SYSADMIN)
    assert admin.put("policies/callcenter.lines", {"value": "100"}).json()["value"] == "100"
    assert admin.put("policies/callcenter.lines", {"value": "-5"}).status_code == 400
    assert admin.put("policies/nope", {"value": "1"}).status_code == 404
    assert api(Role.AGENT).put("policies/callcenter.lines", {"value": "1"}).status_code == 403


def test_it_changes_a_setting_on_the_page_and_shows_a_refusal_inline(web):
    client = web(Role.SYSADMIN)
    ok = client.post("/settings/policies/", {"key": "callcenter.lines", "value": "95"})
    assert ok.status_code == 302
    assert policy.get("callcenter.lines") == 95
    bad = client.post("/settings/policies/", {"key": "callcenter.lines", "value": "abc"})
    assert bad.status_code == 200
    assert "field-error" in bad.content.decode()
    assert policy.get("callcenter.lines") == 95


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "calendar.unknown_year_rule",
            "monthly",
            "只能是“拒绝计算，须先录入该年”（error）或“按周一至周五为工作日计算”（weekdays）"
            "（您填写的是“monthly”）。",
        ),
        (
            "callcenter.service_level_formula",
            "all",
            "只能是“全部呼入来电”（offered）、“呼入来电减去短时放弃”（no_short_abandons）"
            "或“仅已接听来电”（answered）（您填写的是“all”）。",
        ),
        ("callcenter.lines", "many", "请填写 1 至 100000 之间的整数（您填写的是“many”）。"),
        ("supervision.sample_percent", "150", "之间的数字（您填写的是“150”）。"),
        ("followups.campaign_grades", "A,E", "请填写 A、B、C、D 中的等级，用逗号分隔，例如 A,B"),
        ("supervision.weekly_meeting_time", "25:00", "请按 HH:MM 填写时间，例如 15:00"),
        ("calendar.business_hours", "nine to five", "请填写一个或多个时段，例如 09:00-12:00"),
    ],
)
def test_every_refused_setting_says_in_chinese_what_it_accepts(sysadmin, key, value, expected):
    """Issue: the policy page said "choose one of: error, weekdays" in English. Each kind of
    setting (choice, whole number, number, grades, time of day, business hours) now says
    what it accepts in the reader's language, after the setting's own label."""
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        policy_set(actor=sysadmin, key=key, value=value)
    message = refused.value.message
    assert message.startswith(f"{policy.POLICIES[key].label}：")
    assert expected in message
    assert not re.search(r"\b(choose|give|must|list|got)\b", message)


def test_a_refused_setting_reads_in_english_for_an_english_reader(sysadmin):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        policy_set(actor=sysadmin, key="calendar.unknown_year_rule", value="monthly")
    assert refused.value.message.endswith(
        ": must be refuse until the year is entered (error) or count Monday to Friday as "
        "workdays (weekdays) (you gave “monthly”)."
    )
