"""R-CC-1, R-CC-5: a PBX queue keeps the name the PBX sends and gets the name people read.

The PBX sends "service" or "repairs"; the statistics, the call lists, the screen pop and the
xlsx export show the display name the supervisor gave it (客服专线), else the PBX name.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kefu.audit.models import AuditEntry
from kefu.callcenter.models import Queue
from kefu.org.roles import Role
from tests.callcenter.factories import at, call

pytestmark = pytest.mark.django_db

DAY = "2026-03-02"


def _calls():
    repairs = Queue.objects.create(name="repairs")
    service = Queue.objects.create(name="service")
    call(enter_at=at(DAY, "09:00"), queue=repairs)
    call(enter_at=at(DAY, "09:05"), queue=service)
    return repairs, service


def test_the_supervisor_names_a_queue_through_the_api_and_the_stats_show_it_rcc5(api):
    repairs, service = _calls()
    client = api(Role.CS_SUPERVISOR)
    named = client.patch(f"callcenter/queues/{repairs.pk}", {"display_name": "  报修专线 "})
    assert named.status_code == 200
    assert named.json() == {
        "id": repairs.pk,
        "name": "repairs",
        "display_name": "报修专线",
        "label": "报修专线",
        "hotline_id": None,
    }
    audit = AuditEntry.objects.get(target_type="callcenter.queue")
    assert audit.after["display_name"] == "报修专线"
    # The stats by queue read the display name; a queue not named yet shows the PBX name.
    body = client.get("callcenter/stats", since=DAY, until=DAY, group="queue").json()
    assert sorted(r["label"] for r in body["rows"]) == ["service", "报修专线"]
    # The call list gives both: the PBX's name (the key) and what people read.
    items = client.get("callcenter/calls").json()["items"]
    assert {(i["queue"], i["queue_label"]) for i in items} == {
        ("repairs", "报修专线"),
        ("service", "service"),
    }
    listed = api(Role.AGENT).get("callcenter/queues").json()
    assert [q["label"] for q in listed] == ["报修专线", "service"]
    # Blank gives the PBX name back; the PBX name itself never changes.
    cleared = client.patch(f"callcenter/queues/{repairs.pk}", {"display_name": ""}).json()
    assert (cleared["name"], cleared["label"]) == ("repairs", "repairs")


def test_the_api_refuses_a_bad_name_a_missing_queue_and_other_roles_rcc1(api, anonymous_api):
    repairs, _service = _calls()
    client = api(Role.CS_SUPERVISOR)
    too_long = client.patch(f"callcenter/queues/{repairs.pk}", {"display_name": "长" * 101})
    assert too_long.status_code == 400
    assert client.patch("callcenter/queues/999999", {"display_name": "x"}).status_code == 404
    assert client.patch(f"callcenter/queues/{repairs.pk}", {}).status_code == 400
    refused = api(Role.AGENT).patch(f"callcenter/queues/{repairs.pk}", {"display_name": "x"})
    assert refused.status_code == 403 and refused.json()["permission"] == "callcenter.manage"
    assert anonymous_api.get("callcenter/queues").status_code == 401
    repairs.refresh_from_db()
    assert repairs.display_name == ""
    assert not AuditEntry.objects.filter(target_type="callcenter.queue").exists()


def test_the_settings_page_names_a_queue_and_the_pages_and_export_show_it_rcc5(web):
    repairs, _service = _calls()
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/callcenter/settings/").content.decode()
    assert "队列" in page and "<code>repairs</code>" in page
    saved = client.post(
        "/callcenter/settings/",
        {"action": "queue", "q-queue": repairs.pk, "q-display_name": "报修专线"},
    )
    assert saved.status_code == 302
    assert Queue.objects.get(pk=repairs.pk).label == "报修专线"
    stats_page = client.get("/callcenter/stats/", {"since": DAY, "until": DAY, "group": "queue"})
    assert "报修专线" in stats_page.content.decode()
    calls_page = client.get("/callcenter/calls/").content.decode()
    assert "报修专线" in calls_page and ">repairs<" not in calls_page
    xlsx = client.get(
        "/callcenter/stats/", {"since": DAY, "until": DAY, "group": "queue", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content))["统计"]
    assert {sheet["A2"].value, sheet["A3"].value} == {"报修专线", "service"}
    # A bad post is shown on the page and writes nothing.
    bad = client.post(
        "/callcenter/settings/",
        {"action": "queue", "q-queue": repairs.pk, "q-display_name": "长" * 101},
    )
    assert bad.status_code == 200 and "form-errors" in bad.content.decode()
    assert Queue.objects.get(pk=repairs.pk).display_name == "报修专线"
    assert web(Role.AGENT).get("/callcenter/settings/").status_code == 403
