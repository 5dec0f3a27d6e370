"""Every upload is checked for size and type, by its content and not only its name
(issue 10, docs/reliability.md "Web security"; kefu/core/uploads.py).

Uploads: customer imports (page and API), call-record imports (page and API) and the
incidents' internal written reports (page and API). Recordings are not uploaded: the
telephone system keeps them and Kefu stores their address.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from kefu.callcenter.models import ImportJob
from kefu.core.uploads import check_upload
from kefu.customers.models import CustomerImport
from kefu.errors import ValidationFailed
from kefu.incidents.models import Investigation
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db

PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200  # a Windows .exe
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
CSV = "姓名,电话\n张三,13800001111\n".encode()


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", "13800001111"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def small_limits(settings):
    settings.UPLOAD_MAX_MB = {"customer_import": 1, "call_import": 1, "incident_report": 1}
    return 1024 * 1024 + 1  # one byte too many


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("customer_import", "客户.xlsx", CSV),  # text named .xlsx
        ("customer_import", "客户.csv", PROGRAM),
        ("customer_import", "客户.exe", CSV),
        ("call_import", "Master.csv", PNG),
        ("call_import", "queue_log", PROGRAM),
        ("incident_report", "报告.pdf", PROGRAM),
        ("incident_report", "报告.docx", b"%PDF-1.7"),
        ("incident_report", "报告.png", b"<html><script>alert(1)</script>"),
        ("incident_report", "报告.txt", PROGRAM),
        ("incident_report", "报告.html", b"<html></html>"),
    ],
)
def test_it_refuses_a_file_whose_name_or_content_is_not_an_accepted_type(kind, name, content):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile(name, content), kind)
    assert refused.value.status == 400
    assert refused.value.errors[0].field == "file"


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("customer_import", "客户.xlsx", _xlsx()),
        ("customer_import", "客户.csv", CSV),
        ("customer_import", "客户.csv", CSV.decode().encode("gb18030")),
        ("call_import", "queue_log", b"1700000000|1.1|q|NONE|ENTERQUEUE||13800001111|1\n"),
        ("incident_report", "报告.pdf", b"%PDF-1.4 report"),
        ("incident_report", "报告.docx", b"PK\x03\x04 word"),
        ("incident_report", "报告.PNG", PNG),
        ("incident_report", "报告.txt", "追查报告：设备老化".encode()),
    ],
)
def test_it_accepts_the_right_types(kind, name, content):
    check_upload(SimpleUploadedFile(name, content), kind)


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("c.csv", b""), "customer_import")


def test_customer_import_page_and_api_refuse_a_too_big_and_a_disguised_file(web, api, small_limits):
    dept = factories.department()
    page = web(Role.CS_SUPERVISOR)
    big = CSV + b"x" * small_limits
    r = page.post(
        "/customers/import/", {"file": SimpleUploadedFile("c.csv", big), "department": dept.pk}
    )
    assert r.status_code == 200
    assert "1 MB" in r.content.decode()
    r = page.post(
        "/customers/import/", {"file": SimpleUploadedFile("c.xlsx", CSV), "department": dept.pk}
    )
    assert "c.xlsx" in r.content.decode()
    assert not CustomerImport.objects.exists()

    client = api(Role.CS_SUPERVISOR)

    def post(name, content):
        return client.client.post(
            "/api/v1/customers/import",
            {"file": SimpleUploadedFile(name, content), "department_id": dept.pk},
            headers=client.headers,
        )

    too_big = post("c.csv", big)
    assert too_big.status_code == 413
    assert too_big["Content-Type"] == "application/problem+json"
    assert too_big.json()["errors"][0]["field"] == "file"
    assert post("c.xlsx", PROGRAM).status_code == 400
    assert not CustomerImport.objects.exists()


def test_call_import_page_and_api_refuse_a_too_big_and_a_binary_file(web, api, small_limits):
    page = web(Role.CS_SUPERVISOR)
    r = page.post(
        "/callcenter/import/",
        {"file": SimpleUploadedFile("queue_log", PROGRAM), "format": "queue-log"},
    )
    assert r.status_code == 200 and "queue_log" in r.content.decode()
    client = api(Role.CS_SUPERVISOR)

    def post(content):
        return client.client.post(
            "/api/v1/callcenter/imports",
            data={"file": SimpleUploadedFile("queue_log", content), "format": "queue-log"},
            headers=client.headers,
        )

    assert (
        post(b"1700000000|1.1|q|NONE|ENTERQUEUE||1|1\n" * (small_limits // 30)).status_code == 413
    )
    assert post(PNG).status_code == 400
    assert not ImportJob.objects.exists()


def test_incident_report_page_and_api_refuse_a_program_named_pdf(web, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = web(Role.DIRECTOR)
    made = incident(occurred_at=timezone.now() - dt.timedelta(hours=1), injured_count=1)
    url = f"/incidents/{made.pk}/"
    at = (timezone.localtime() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    client.post(url + "schedule/", {"meeting_at": at, "meeting_place": "三楼会议室"})
    investigation = Investigation.objects.get(incident=made)
    refused = client.post(
        url + "report_file/",
        {"report_file": SimpleUploadedFile("材料.pdf", PROGRAM)},
        follow=True,
    )
    assert refused.status_code == 200 and "材料.pdf" in refused.content.decode()
    investigation.refresh_from_db()
    assert not investigation.report_file

    director = api(user=client.user)
    response = director.client.post(
        f"/api/v1/incidents/{made.pk}/investigation/report",
        {"file": SimpleUploadedFile("材料.pdf", PROGRAM)},
        headers=director.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "report_file"
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "incident_report": 1}
    too_big = director.client.post(
        f"/api/v1/incidents/{made.pk}/investigation/report",
        {"file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4" + b"0" * 1024 * 1024)},
        headers=director.headers,
    )
    assert too_big.status_code == 413
    accepted = director.client.post(
        f"/api/v1/incidents/{made.pk}/investigation/report",
        {"file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4 report")},
        headers=director.headers,
    )
    assert accepted.status_code == 200, accepted.content
    investigation.refresh_from_db()
    assert investigation.report_file.name.endswith(".pdf")
