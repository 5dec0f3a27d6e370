"""R-CC-2 through the database, the command line, the API and the page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kefu.audit.models import AuditEntry
from kefu.callcenter.models import AgentExtension, CallRecord, ImportJob
from kefu.callcenter.services import calls_import
from kefu.errors import PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.test_importers import MAPPING, data
from tests.customers import factories as customer_factories

pytestmark = pytest.mark.django_db

QUEUE_LOG = "queue_log/xalakox__asterisk2slack__queue_log"
CDR = "cdr/fafeitsch__cdrcsv-report-generator__cdr.csv"


def test_importing_the_same_file_twice_adds_nothing_rcc2():
    content = data(CDR)
    first = calls_import(actor=SYSTEM, file_name="cdr.csv", content=content, fmt="asterisk-cdr")
    assert (first.added, first.already_known) == (174, 0)
    again = calls_import(actor=SYSTEM, file_name="cdr.csv", content=content, fmt="asterisk-cdr")
    assert (again.added, again.already_known) == (0, 174)
    assert CallRecord.objects.count() == 174
    small = data("cdr/fafeitsch__cdrcsv-report-generator__smallcdr.csv")
    overlap = calls_import(actor=SYSTEM, file_name="s.csv", content=small, fmt="asterisk-cdr")
    assert overlap.added == 0 and CallRecord.objects.count() == 174


def test_it_matches_the_caller_to_a_customer_and_the_agent_to_staff_rcc2():
    customer = customer_factories.customer(phone="13800001111")
    paty = factories.user(Role.AGENT, full_name="Paty Marin")
    ext = factories.user(Role.AGENT)
    AgentExtension.objects.create(user=ext, extension="1001")
    log = (
        b"1700000000|c1|sales|NONE|ENTERQUEUE||+86 138 0000 1111|1\n"
        b"1700000009|c1|sales|Paty Marin|CONNECT|9|x|2\n"
        b"1700000100|c1|sales|Paty Marin|COMPLETECALLER|9|91|1\n"
        b"1700000200|c2|sales|NONE|ENTERQUEUE||13900002222|1\n"
        b"1700000204|c2|sales|SIP/1001|CONNECT|4|y|2\n"
    )
    calls_import(actor=SYSTEM, file_name="queue_log", content=log, fmt="queue-log")
    c1 = CallRecord.objects.get(key="c1")
    assert c1.customer == customer and c1.agent == paty and c1.queue.name == "sales"
    assert CallRecord.objects.get(key="c2").agent == ext


def test_it_writes_nothing_when_the_request_is_refused_rcc2():
    agent = factories.user(Role.AGENT)
    with pytest.raises(PermissionDenied):
        calls_import(actor=agent, file_name="q", content=data(QUEUE_LOG), fmt="queue-log")
    with pytest.raises(ValidationFailed) as error:
        calls_import(actor=SYSTEM, file_name="x.csv", content=b"a,b\n", fmt="csv", mapping="")
    assert error.value.errors[0].field == "mapping"
    assert not CallRecord.objects.exists() and not ImportJob.objects.exists()


def test_the_command_imports_with_a_progress_bar_and_lists_bad_lines_rcc2(tmp_path):
    path = tmp_path / "queue_log"
    path.write_bytes(data(QUEUE_LOG) + b"1700000000|bad\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_calls", str(path), "--format", "queue-log", stdout=out, stderr=err)
    text = out.getvalue()
    assert "4 calls, 4 added" in text and "line 24: wrong field count" in text
    assert "lines" in err.getvalue()  # tqdm's bar
    out = io.StringIO()
    call_command("import_calls", str(path), "--format", "queue-log", "--no-progress", stdout=out)
    assert "0 added, 4 already imported" in out.getvalue()


def test_the_command_imports_csv_with_a_mapping_file_and_refuses_a_bad_one(tmp_path):
    (tmp_path / "m.toml").write_text(MAPPING, "utf-8")
    (tmp_path / "bad.toml").write_text("[columns]\nkey='id'\n", "utf-8")
    (tmp_path / "calls.csv").write_text(
        "id,from,start,answered,end,agent,status\n"
        "a1,13800001111,2024-03-01 09:00:00,2024-03-01 09:00:12,2024-03-01 09:03:12,,接通\n",
        "utf-8",
    )
    args = [str(tmp_path / "calls.csv"), "--format", "csv", "--no-progress"]
    call_command("import_calls", *args, "--mapping", str(tmp_path / "m.toml"), stdout=io.StringIO())
    assert CallRecord.objects.filter(key="a1", source="csv").exists()
    with pytest.raises(CommandError, match="caller"):
        call_command("import_calls", *args, "--mapping", str(tmp_path / "bad.toml"))


def _upload(client, content: bytes, fmt: str = "queue-log", **extra):
    return client.client.post(
        "/api/v1/callcenter/imports",
        data={"file": SimpleUploadedFile("queue_log", content), "format": fmt, **extra},
        headers=client.headers,
    )


def test_api_upload_imports_in_the_worker_and_reports_rcc2(api, django_capture_on_commit_callbacks):
    supervisor = api(Role.CS_SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(supervisor, data(QUEUE_LOG))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["file_name"] == "queue_log"
    job = supervisor.get(f"callcenter/imports/{body['id']}")
    assert job.status_code == 200
    assert job.json()["status"] == "done" and job.json()["added"] == 4
    assert job.json()["duplicate_lines"] == 6
    assert AuditEntry.objects.filter(target_type="callcenter.importjob").exists()


def test_api_upload_refuses_bad_input_strangers_and_the_wrong_role(api, anonymous_api):
    supervisor = api(Role.CS_SUPERVISOR)
    assert _upload(supervisor, b"x", fmt="wav").status_code == 400
    refused = _upload(supervisor, b"a,b\n", fmt="csv", mapping="[columns\n")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "mapping"
    assert _upload(supervisor, b"", fmt="queue-log").status_code == 400
    assert _upload(anonymous_api, data(QUEUE_LOG)).status_code == 401
    forbidden = _upload(api(Role.AGENT), data(QUEUE_LOG))
    assert forbidden.status_code == 403 and forbidden.json()["permission"] == "callcenter.import"
    assert supervisor.get("callcenter/imports/999999").status_code == 404
    assert not CallRecord.objects.exists()


def test_the_upload_page_imports_and_shows_bad_lines_rcc2(web, django_capture_on_commit_callbacks):
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/callcenter/import/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/callcenter/import/",
            {"file": SimpleUploadedFile("Master.csv", data("cdr/asterisk__testsuite__good.csv")),
             "format": "asterisk-cdr", "mapping": ""},
        )  # fmt: skip
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200
    text = response.content.decode()
    # The reason in Chinese on the page (the command line keeps the reader's English).
    assert "通话时长 billsec 7 大于总时长 duration 5" in text
    assert "is greater than" not in text and 'id="nothing-read"' not in text
    assert CallRecord.objects.count() == 1
    assert web(Role.AGENT).get("/callcenter/import/").status_code == 403


def test_the_upload_page_says_when_no_line_of_a_file_could_be_read_rcc2(
    web, django_capture_on_commit_callbacks
):
    """A file of which every line was refused (a CEL file sent as CDR) is not shown as a
    plain success: the page says nothing was read, and why each line was refused."""
    client = web(Role.CS_SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/callcenter/import/",
            {"file": SimpleUploadedFile("x.csv", b"a,b,c\n1,2,3\n"),
             "format": "asterisk-cdr", "mapping": ""},
        )  # fmt: skip
    text = client.get(response["Location"]).content.decode()
    assert 'id="nothing-read"' in text
    assert "应为 18 或 21 列（Master.csv），这一行有 3 列" in text
    assert not CallRecord.objects.exists()


@pytest.mark.parametrize(
    ("reason", "chinese"),
    [
        ("unclosed quote at end of file", "文件末尾的引号没有闭合"),
        ("not valid CSV: unclosed quote", "不是有效的 CSV：引号没有闭合"),
        ("wrong field count: 1 (at least 5: time|callid|queue|agent|event)", "字段数不对：1 个"),
        ("enter_at 'not-a-time' does not match %Y-%m-%d %H:%M:%S", "不符合时间格式 %Y-%m-%d"),
        ("talk_seconds 'abc' is not a number of seconds", "talk_seconds 的值 'abc' 不是秒数"),
        ("CONNECT: holdtime 'x' is not a whole number", "CONNECT：holdtime 的值 'x' 不是整数"),
        ("uniqueid is empty", "uniqueid 为空"),
        ("something no reader writes", "something no reader writes"),
    ],
)
def test_a_reason_a_reader_writes_reads_in_chinese_on_the_page(reason, chinese):
    from django.utils import translation

    from kefu.callcenter.import_reasons import reason_text

    with translation.override("zh-hans"):
        assert chinese in reason_text(reason)


def test_the_upload_page_shows_a_bad_mapping_on_the_form(web):
    client = web(Role.CS_SUPERVISOR)
    response = client.post(
        "/callcenter/import/",
        {"file": SimpleUploadedFile("c.csv", b"a\n"), "format": "csv", "mapping": "nope"},
    )
    assert response.status_code == 200
    assert "TOML" in response.content.decode()
    assert not ImportJob.objects.exists()
