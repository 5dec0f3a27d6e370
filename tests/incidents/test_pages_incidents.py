"""The incident pages: report from any page, list, detail with chain and investigation,
sanctions, rule table, person record, inspections and the home panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.incidents.models import Incident, SanctionRule
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db


def test_it_shows_the_report_link_in_the_header_for_every_role(web):
    """R-INC-1: a visible report link on every page, for every signed-in role."""
    for role in (Role.AGENT, Role.AUDITOR, Role.DISPATCHER, Role.SYSADMIN):
        page = web(role).get("/")
        assert b'href="/incidents/report/"' in page.content


def test_it_reports_from_the_page_and_lands_on_the_incident(web):
    """R-INC-1 through the page form."""
    client = web(Role.AGENT)
    when = timezone.localtime() - dt.timedelta(minutes=3)
    response = client.post(
        "/incidents/report/",
        {
            "kind": "incident",
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "2号楼大堂",
            "description": "吊顶脱落",
            "injured_count": "1",
            "injuries": "访客擦伤",
        },
    )
    made = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{made.pk}/"
    page = client.get(response["Location"])
    assert "2号楼大堂" in page.content.decode()


def test_it_shows_a_bad_report_again_with_the_error(web):
    response = web(Role.AGENT).post("/incidents/report/", {"kind": "incident", "place": ""})
    assert response.status_code == 400 and not Incident.objects.exists()


def test_it_walks_the_chain_from_the_detail_page(web):
    """R-INC-2 on the page: each step recorded with who and when."""
    made = incident()
    client = web(Role.DISPATCHER)
    page = client.get(f"/incidents/{made.pk}/").content.decode()
    assert 'id="chain"' in page and "step-chief" in page
    chief = factories.user(Role.DIRECTOR)
    client.post(f"/incidents/{made.pk}/step-chief/", {"person": chief.pk})
    client.post(f"/incidents/{made.pk}/step-scene/", {"contact_name": "值班员小李"})
    made.refresh_from_db()
    assert made.chief == chief and made.status == "handling"
    again = client.post(f"/incidents/{made.pk}/step-chief/", {"contact_name": "x"}, follow=True)
    assert "already recorded" in again.content.decode() or "已于" in again.content.decode()


def test_it_refuses_a_page_action_by_the_wrong_role_and_unknown_actions(web):
    made = incident()
    client = web(Role.AUDITOR)
    client.post(f"/incidents/{made.pk}/step-chief/", {"contact_name": "x"}, follow=True)
    made.refresh_from_db()
    assert made.steps.filter(done_at__isnull=False).count() == 0
    assert web(Role.DIRECTOR).post(f"/incidents/{made.pk}/nonsense/").status_code == 404
    assert web(Role.AGENT).get(f"/incidents/{made.pk}/").status_code == 403


def test_it_lists_incidents_with_the_late_flag(web):
    """R-INC-3 on the list page."""
    incident(occurred_at=timezone.now() - dt.timedelta(hours=2), place="迟报地点")
    incident(place="及时地点")
    page = web(Role.OFFICE).get("/incidents/?late=1").content.decode()
    assert "迟报地点" in page and "及时地点" not in page


def test_it_shows_the_rule_table_and_refuses_a_negative_fine_on_the_page(web, sysadmin):
    """R-INC-6: the administrator edits the table on its page."""
    admin = web(user=sysadmin)
    assert admin.get("/incidents/rules/").status_code == 200
    count = SanctionRule.objects.count()
    bad = admin.post(
        "/incidents/rules/",
        {
            "severity": "minor",
            "role": "unit_head",
            "measure": "warning",
            "fine_yuan": "-3",
            "deposit_percent": "0",
        },
    )
    assert bad.status_code == 400 and SanctionRule.objects.count() == count
    rule = SanctionRule.objects.first()
    admin.post(
        f"/incidents/rules/{rule.pk}/",
        {"measure": "demerit", "fine_yuan": "300", "deposit_percent": "20"},
    )
    rule.refresh_from_db()
    assert rule.fine_yuan == 300
    assert web(Role.DIRECTOR).post(f"/incidents/rules/{rule.pk}/", {}).status_code == 403


def test_it_shows_the_directors_queue_the_person_record_and_home_panels(web):
    """R-INC-6 pages; home panels for dispatcher and director."""
    leader = factories.user(Role.TECH_SERVICE, full_name="跟班队长甲")
    incident(occurred_at=timezone.now() - dt.timedelta(hours=3), shift_leader=leader)
    director = web(Role.DIRECTOR)
    queue = director.get("/incidents/sanctions/").content.decode()
    assert "跟班队长甲" in queue
    home = director.get("/").content.decode()
    assert 'id="home-incidents"' in home
    assert 'id="home-incidents"' in web(Role.DISPATCHER).get("/").content.decode()
    assert 'id="home-incidents"' not in web(Role.AGENT).get("/").content.decode()
    assert web(user=leader).get(f"/incidents/people/{leader.pk}/").status_code == 200
    assert web(Role.AGENT).get(f"/incidents/people/{leader.pk}/").status_code == 403


def test_it_records_an_inspection_on_its_page(web):
    """R-INC-7 page."""
    client = web(Role.SAFETY_INSPECTOR)
    client.post("/incidents/sites/new/", {"site-name": "配电房"})
    from kefu.incidents.models import Site

    site = Site.objects.get()
    when = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        "/incidents/inspections/",
        {
            "visit-site": site.pk,
            "visit-visited_at": when.strftime("%Y-%m-%dT%H:%M"),
            "visit-hazards": "电缆裸露\n地面积水",
        },
    )
    assert response.status_code == 302
    page = client.get("/incidents/inspections/").content.decode()
    assert "电缆裸露" in page and "地面积水" in page
    assert web(Role.AGENT).get("/incidents/inspections/").status_code == 403


def test_it_runs_the_investigation_from_the_detail_page_until_it_is_frozen(web, settings, tmp_path):
    """R-INC-4, R-INC-5, R-SEC-4 on the page: schedule, attendance, report, close, frozen."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = web(Role.DIRECTOR)
    made = incident(occurred_at=timezone.now() - dt.timedelta(hours=1), injured_count=1)
    url = f"/incidents/{made.pk}/"
    at = (timezone.localtime() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    client.post(url + "schedule/", {"meeting_at": at, "meeting_place": "三楼会议室"})
    client.post(url + "attendee/", {"person": client.user.pk, "role": "company_duty"})
    stranger = factories.user(Role.AGENT)
    refused = client.post(
        url + "attendance/", {"person": stranger.pk, "attendance": "absent"}, follow=True
    ).content.decode()
    assert "not invited" in refused or "不在本次追查会参会名单中" in refused
    client.post(url + "attendance/", {"person": client.user.pk, "attendance": "present"})
    client.post(url + "hold/", {"minutes": "查明原因"})
    client.post(url + "report_file/", {"report_file": SimpleUploadedFile("材料.pdf", b"%PDF")})
    client.post(url + "investigation_close/", {"conclusion": "设备老化"})
    made.refresh_from_db()
    assert made.status == "closed"
    page = client.get(url).content.decode()
    assert 'id="corrections"' in page and "设备老化" in page
    after = client.post(url + "hold/", {"minutes": "改"}, follow=True).content.decode()
    assert "frozen" in after or "冻结" in after
    # R-INC-5: the written report is downloaded through the page, never as a public file.
    assert f'href="/incidents/{made.pk}/written-report/"' in page
    download = client.get(url + "written-report/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF"
    assert web(Role.AGENT).get(url + "written-report/").status_code == 403
    other = incident(occurred_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get(f"/incidents/{other.pk}/written-report/").status_code == 404


def test_the_incident_page_links_a_named_person_only_for_who_may_open_their_record(web):
    """R-INC-6: a dispatcher sees the person named on an incident as plain text (their
    sanction record is 403 to them); a director gets the link."""
    from kefu.incidents.models import Party, PartyRole
    from tests.incidents.factories import incident as make_incident

    happened = make_incident()
    person = factories.user(Role.TECH_SERVICE)
    Party.objects.create(incident=happened, person=person, role=PartyRole.RESPONSIBLE)
    link = f'href="/incidents/people/{person.pk}/"'
    dispatcher = web(Role.DISPATCHER)
    page = dispatcher.get(f"/incidents/{happened.pk}/")
    assert page.status_code == 200
    assert person.display_name in page.content.decode() and link not in page.content.decode()
    assert dispatcher.get(f"/incidents/people/{person.pk}/").status_code == 403
    director = web(Role.DIRECTOR).get(f"/incidents/{happened.pk}/").content.decode()
    assert link in director


@pytest.mark.parametrize("injured", ["99999999999999999999", "32768"])
def test_it_refuses_a_number_of_people_hurt_beyond_the_column_on_the_form(web, injured):
    """R-INC-1: an absurd count is a form error (400), not an OverflowError 500."""
    when = timezone.localtime() - dt.timedelta(minutes=3)
    response = web(Role.AGENT).post(
        "/incidents/report/",
        {
            "kind": "incident",
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "2号楼大堂",
            "description": "吊顶脱落",
            "injured_count": injured,
        },
    )
    assert response.status_code == 400 and not Incident.objects.exists()
    assert "32767" in response.content.decode()


@pytest.mark.parametrize(
    "field,value", [("fine_yuan", "1" + "0" * 20), ("deposit_percent", "99999999999999999999")]
)
def test_it_refuses_a_sanction_rule_number_beyond_its_column_on_the_page(
    web, sysadmin, field, value
):
    """R-INC-6: the rule table's numbers are bounded like their columns; a 400, not a 500."""
    admin = web(user=sysadmin)
    count = SanctionRule.objects.count()
    row = {"severity": "minor", "role": "unit_head", "measure": "warning",
           "fine_yuan": "0", "deposit_percent": "0"} | {field: value}  # fmt: skip
    assert admin.post("/incidents/rules/", row).status_code == 400
    assert SanctionRule.objects.count() == count


def test_r_inc_2_a_late_report_tells_its_delay_in_days_and_hours_not_thousands_of_minutes(web):
    """A report three days late read "4431 分钟"; the page and the list say 3 天 1 小时 11 分钟."""
    now = timezone.now()
    late = incident(occurred_at=now - dt.timedelta(days=3, hours=1, minutes=11), now=now)
    client = web(Role.DIRECTOR)
    detail = client.get(f"/incidents/{late.pk}/").content.decode()
    assert "发生后 3 天 1 小时 11 分钟 才上报" in detail
    listed = client.get("/incidents/").content.decode()
    assert "3 天 1 小时 11 分钟" in listed and "4391" not in listed


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (0, "0 分钟"),
        (45, "45 分钟"),
        (60, "1 小时"),
        (1441, "1 天 1 分钟"),
        (4391, "3 天 1 小时 11 分钟"),
    ],
)
def test_minutes_read_as_days_hours_and_minutes(minutes, shown):
    from django.utils import translation

    from kefu.core.templatetags.kefu import minutes_span

    with translation.override("zh-hans"):
        assert minutes_span(minutes) == shown
