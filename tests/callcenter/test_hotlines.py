"""R-CC-1: hotlines with their IVR menus; lines are a policy, seats are people. Extensions."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.callcenter.models import AgentExtension, CtiSettings, Hotline
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_supervisor_adds_hotlines_with_an_ivr_menu_rcc1(api, anonymous_api):
    client = api(Role.CS_SUPERVISOR)
    created = client.post(
        "callcenter/hotlines",
        {"number": "4008001234", "name": "客服热线", "ivr_menu": '{"1": "报修", "2": "投诉"}'},
    )
    assert created.status_code == 201
    hotline = Hotline.objects.get()
    assert '"1": "报修"' in hotline.ivr_menu
    assert AuditEntry.objects.filter(target_type="callcenter.hotline").count() == 1
    assert (
        client.post("callcenter/hotlines", {"number": "4008001234", "name": "x"}).status_code == 409
    )
    bad = client.post("callcenter/hotlines", {"number": "4008005678", "name": "x", "ivr_menu": "["})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ivr_menu"
    assert (
        anonymous_api.post("callcenter/hotlines", {"number": "1", "name": "x"}).status_code == 401
    )
    assert (
        api(Role.AGENT).post("callcenter/hotlines", {"number": "1", "name": "x"}).status_code == 403
    )
    patched = client.patch(f"callcenter/hotlines/{hotline.pk}", {"name": "售后热线"})
    assert patched.status_code == 200 and patched.json()["name"] == "售后热线"
    assert client.patch("callcenter/hotlines/999999", {"name": "x"}).status_code == 404
    assert api(Role.AGENT).get("callcenter/hotlines").json()[0]["number"] == "4008001234"


def test_an_extension_ties_a_pbx_seat_to_one_person(api):
    client = api(Role.SYSADMIN)
    li, wang = factories.user(Role.AGENT), factories.user(Role.AGENT)
    assert client.put(f"callcenter/extensions/{li.pk}", {"extension": "8001"}).status_code == 200
    taken = client.put(f"callcenter/extensions/{wang.pk}", {"extension": "8001"})
    assert taken.status_code == 409
    assert client.put("callcenter/extensions/999999", {"extension": "1"}).status_code == 404
    assert (
        api(Role.AGENT).put(f"callcenter/extensions/{li.pk}", {"extension": "1"}).status_code == 403
    )
    assert client.put(f"callcenter/extensions/{li.pk}", {"extension": ""}).json()["extension"] == ""
    assert not AgentExtension.objects.exists()


def test_the_settings_page_keeps_hotlines_the_pbx_link_and_extensions_rcc1_rcc3(web):
    client = web(Role.SYSADMIN)
    page = client.get("/callcenter/settings/")
    assert page.status_code == 200 and "/api/v1/cti/" in page.content.decode()
    token = CtiSettings.objects.get().token
    assert client.post("/callcenter/settings/", {"action": "rotate"}).status_code == 302
    assert CtiSettings.objects.get().token != token
    added = client.post(
        "/callcenter/settings/",
        {"action": "hotline", "h-number": "4008001234", "h-name": "客服热线", "h-ivr_menu": ""},
    )
    assert added.status_code == 302 and Hotline.objects.filter(number="4008001234").exists()
    bad = client.post(
        "/callcenter/settings/",
        {"action": "hotline", "h-number": "4008005678", "h-name": "x", "h-ivr_menu": "["},
    )
    assert bad.status_code == 200 and not Hotline.objects.filter(number="4008005678").exists()
    client.post(
        "/callcenter/settings/",
        {"action": "blocked", "b-numbers": "13800009999\n138 0000 8888", "b-reason": "骚扰"},
    )
    assert CtiSettings.objects.get().blocked_numbers == ["13800009999", "13800008888"]
    agent = factories.user(Role.AGENT)
    client.post(
        "/callcenter/settings/", {"action": "extension", "e-user": agent.pk, "e-extension": "8001"}
    )
    assert AgentExtension.objects.get().user == agent
    assert web(Role.AGENT).get("/callcenter/settings/").status_code == 403
