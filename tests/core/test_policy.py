"""Policy settings: the seed's defaults, changeable by the administrator, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
