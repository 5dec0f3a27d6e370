"""R-SEC-2: the audit trail is append-only, complete, and readable by the auditor."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from kefu.admin_site import admin_site
from kefu.audit.admin import AuditEntryAdmin
from kefu.audit.models import AuditEntry
from kefu.audit.services import audit_record
from kefu.errors import Conflict
from kefu.org import services
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _entry(actor) -> AuditEntry:
    return audit_record(actor=actor, action="other", summary="测试", reason="原因")


def test_it_refuses_to_change_an_entry_through_the_model(sysadmin):
    """R-SEC-2: nobody can edit an audit entry through the system."""
    entry = _entry(sysadmin)
    entry.summary = "改写历史"
    with pytest.raises(Conflict):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "测试"


def test_it_refuses_to_delete_an_entry_or_many(sysadmin):
    entry = _entry(sysadmin)
    with pytest.raises(Conflict):
        entry.delete()
    with pytest.raises(Conflict):
        AuditEntry.objects.all().delete()
    with pytest.raises(Conflict):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_is_protected_by_the_database_itself_against_raw_sql(sysadmin):
    """R-SEC-2: even SQL that bypasses the ORM cannot rewrite or remove the trail."""
    entry = _entry(sysadmin)
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET summary = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).summary == "测试"


def test_it_offers_no_add_change_or_delete_in_the_admin(rf, sysadmin):
    request = rf.get("/admin/audit/auditentry/")
    request.user = sysadmin
    model_admin = AuditEntryAdmin(AuditEntry, admin_site)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_it_records_who_when_what_before_after_and_why(sysadmin):
    member = factories.user(Role.AGENT)
    services.staff_update(actor=sysadmin, user=member, full_name="新名字", reason="改名")
    entry = AuditEntry.objects.get(target_type="org.user", target_id=str(member.pk))
    assert entry.actor_name == sysadmin.username
    assert entry.at is not None
    assert entry.action == "update"
    assert entry.after == {"full_name": "新名字"}
    assert entry.reason == "改名"


def test_it_records_sign_in_and_sign_out(client):
    member = factories.user(Role.AGENT, password="a-long-pass-phrase")
    client.post("/accounts/login/", {"username": member.username, "password": "a-long-pass-phrase"})
    client.post("/accounts/logout/")
    actions = list(
        AuditEntry.objects.filter(actor=member).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["login", "logout"]


def test_it_lets_the_auditor_filter_the_trail_by_record_user_and_time(api, sysadmin):
    member = factories.user(Role.AGENT)
    services.staff_update(actor=sysadmin, user=member, full_name="甲")
    services.staff_update(actor=sysadmin, user=member, full_name="乙")
    auditor = api(Role.AUDITOR)
    body = auditor.get(
        "audit", target_type="org.user", target_id=str(member.pk), actor=sysadmin.username
    ).json()
    assert body["count"] == 2
    assert [e["after"]["full_name"] for e in body["items"]] == ["乙", "甲"]
    later = auditor.get("audit", target_id=str(member.pk), since="2999-01-01T00:00:00Z").json()
    assert later["count"] == 0


def test_it_refuses_the_trail_to_an_agent_and_to_strangers(api, anonymous_api):
    assert api(Role.AGENT).get("audit").status_code == 403
    assert anonymous_api.get("audit").status_code == 401


def test_it_answers_a_malformed_time_filter_with_400(api):
    response = api(Role.AUDITOR).get("audit", since="yesterday-ish")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "since"


def test_it_has_no_api_operation_that_writes_the_trail(api):
    schema = api(Role.AUDITOR).get("openapi.json").json()
    audit_paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/audit")}
    assert audit_paths
    assert all(set(ops) == {"get"} for ops in audit_paths.values())


def test_it_shows_the_trail_page_to_the_auditor_and_refuses_it_to_an_agent(web, sysadmin):
    factories.user(Role.AGENT, username="target-person")
    services.staff_update(
        actor=sysadmin,
        user=factories.user(Role.AGENT, full_name="旧"),
        full_name="王小明",
    )
    page = web(Role.AUDITOR).get("/audit/", {"actor": sysadmin.username})
    assert page.status_code == 200
    assert "王小明" in page.content.decode()
    refused = web(Role.AGENT).get("/audit/")
    assert refused.status_code == 403
    assert "audit.read" in refused.content.decode()


def test_it_shows_a_recorded_field_called_items_on_the_trail_page(web):
    """A KPI scheme's audit entry records its lines under "items"; the page still shows it."""
    from kefu.org.permissions import SYSTEM
    from kefu.reports.models import Indicator
    from kefu.reports.services import scheme_save

    fcr = Indicator.objects.get(code="fcr")
    scheme_save(actor=SYSTEM, name="审计页测试", items=[
        {"indicator": fcr.pk, "target": 80, "weight": 100}])  # fmt: skip
    page = web(Role.AUDITOR).get("/audit/")
    assert page.status_code == 200
    assert "审计页测试" in page.content.decode()


def test_r_sec_2_an_entry_is_named_in_local_time_and_by_its_action_s_name():
    """The back office heads an entry with its name: 01:50 UTC is 09:50 in Beijing, and
    the action reads 登录, not login."""
    import datetime as dt

    import time_machine
    from django.utils import translation

    from kefu.audit.models import AuditEntry

    with time_machine.travel(dt.datetime(2026, 11, 28, 1, 50, tzinfo=dt.UTC), tick=False):
        entry = AuditEntry.objects.create(actor_name="朱宏宇", action="login", target_repr="")
    with translation.override("zh-hans"):
        assert str(entry) == "2026-11-28 09:50 朱宏宇 登录"
