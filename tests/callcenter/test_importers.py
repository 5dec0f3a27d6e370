"""R-CC-2: the pure parsers accept what real PBXes write, and report what they cannot use."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kefu.callcenter.importers import (
    ImportInputError,
    agent_key,
    parse,
    parse_cdr,
    parse_mapped_csv,
    parse_queue_log,
    read_mapping,
)

TESTDATA = Path(__file__).parents[2].parent / "shared" / "testdata"


def data(name: str) -> bytes:
    path = TESTDATA / name
    if not path.exists():
        pytest.skip(f"shared test data not beside the repository: {path}")
    return path.read_bytes()


def test_it_reads_the_asterisk_testsuite_master_csv_rcc2():
    result = parse_cdr(data("cdr/asterisk__testsuite__Master.csv"))
    assert result.bad == []
    assert [c.key for c in result.calls] == ["1270167992.0", "1270168442.0"]
    first = result.calls[0]
    assert first.disposition == "answered" and first.talk_seconds == 7
    assert first.enter_at.utcoffset().total_seconds() == 0  # uniqueid epoch == start: UTC


def test_it_reports_an_unclosed_quote_at_the_end_of_the_file_rcc2():
    result = parse_cdr(data("cdr/asterisk__testsuite__buggy.csv"))
    assert result.calls == []
    assert [(b.line, b.reason) for b in result.bad] == [(1, "unclosed quote at end of file")]


def test_it_merges_rows_of_one_uniqueid_and_reports_billsec_above_duration_rcc2():
    result = parse_cdr(data("cdr/asterisk__testsuite__good.csv"))
    assert len(result.calls) == 1  # five rows, one uniqueid
    assert result.calls[0].disposition == "answered"
    assert [(b.line, b.reason) for b in result.bad] == [(2, "billsec 7 is greater than duration 5")]


def test_it_reads_a_real_office_pbx_export_with_forked_legs_rcc2():
    result = parse_cdr(data("cdr/fafeitsch__cdrcsv-report-generator__cdr.csv"))
    assert result.bad == [] and result.lines == 218
    assert len(result.calls) == 174  # 218 rows, 44 repeats of a uniqueid
    outcomes = Counter(c.disposition for c in result.calls)
    assert outcomes["busy"] == 2 and outcomes["answered"] == 133
    both = parse_cdr(data("cdr/fafeitsch__cdrcsv-report-generator__smallcdr_wo_parallelcalls.csv"))
    assert both.bad == [] and len(both.calls) == 34  # bare ,, empties read as well as ""


def test_it_reads_cdr_names_that_are_not_utf8_and_21_columns_with_linkedid():
    row = (
        '"","1001","95511","ctx","\xd5\xc5\xc8\xfd <1001>","SIP/1001-1","SIP/2001-2","Dial",'
        '"","2024-03-01 10:00:00","2024-03-01 10:00:08","2024-03-01 10:02:08",128,120,'
        '"ANSWERED","DOCUMENTATION","pbx1-1709258400.5","","","pbx1-1709258400.4","1"\n'
    ).encode("latin-1")
    result = parse_cdr(row + b"short,row\n")
    assert [c.key for c in result.calls] == ["pbx1-1709258400.4"]
    call = result.calls[0]
    assert call.enter_at.utcoffset().total_seconds() == 8 * 3600  # local time is UTC+8
    assert call.agent_label == "SIP/2001-2" and agent_key(call.agent_label) == "2001"
    assert result.bad[0].line == 2 and "18 or 21 columns" in result.bad[0].reason


def test_it_reads_a_freepbx_queue_log_with_duplicates_blanks_and_disorder_rcc2():
    result = parse_queue_log(data("queue_log/xalakox__asterisk2slack__queue_log"))
    assert result.bad == []
    assert result.duplicate_lines == 6
    calls = {c.key: c for c in result.calls}
    assert len(calls) == 4
    first = calls["1546015415.757927"]
    assert first.caller == "+13238679471" and first.hotline_number == "+15556667775"
    assert first.agent_label == "Paty Marin" and first.wait_seconds == 10
    assert first.talk_seconds == 122 and first.ring_no_answer == 3
    # COMPLETECALLER alone: the answer is placed from the call time
    assert calls["1546023604.760166"].talk_seconds == 406


def test_it_counts_vendor_events_and_reports_wrong_field_counts_and_nul_bytes_rcc2():
    log = (
        b"time|callid|queuename|agent|event|data1\n"
        b"1700000000|c1|sales|NONE|ENTERQUEUE||13800001111|1\n"
        b"1700000030|c1|sales|NONE|ABANDON|1|1|30\n"
        b"1700000040|c2|sales|NONE|ENTER\x00QUEUE||13800002222|1\n"
        b"1700000050|c2|sales|PJSIP/1001|CONNECT|10|c2b|3\n"
        b"1700000060|c3|sales|NONE|OUTDIAL|x\n"
        b"1700000070|c4|sales\n"
        b"1700000080|c5|sales|NONE|ENTERQUEUE||13800003333|1\n"
        b"1700000090|c6|sales|NONE|CONNECT|soon\n"
    )
    result = parse_queue_log(log)
    calls = {c.key: c for c in result.calls}
    assert calls["c1"].abandoned and calls["c1"].wait_seconds == 30
    assert calls["c2"].disposition == "answered" and calls["c2"].talk_seconds is None
    assert result.other_events == {"OUTDIAL": 1}
    assert result.incomplete == 1  # c5 is still queued when the log ends
    assert [b.line for b in result.bad] == [7, 9]
    assert "wrong field count" in result.bad[0].reason
    assert "holdtime" in result.bad[1].reason


MAPPING = """
[csv]
timezone = "Asia/Shanghai"
[columns]
key = "id"
caller = "from"
enter_at = "start"
answer_at = "answered"
end_at = "end"
agent = "agent"
disposition = "status"
[values.disposition]
"接通" = "answered"
"放弃" = "abandoned"
"""


def test_it_reads_any_csv_through_a_toml_column_mapping_rcc2():
    text = (
        "id,from,start,answered,end,agent,status\n"
        "a1,13800001111,2024-03-01 09:00:00,2024-03-01 09:00:12,2024-03-01 09:03:12,1001,接通\n"
        "a2,13800002222,2024-03-01 09:05:00,,2024-03-01 09:05:40,,放弃\n"
        "a3,13800003333,yesterday,,,,放弃\n"
        "a4,13800004444,2024-03-01 09:06:00,,,,忙\n"
    )
    result = parse_mapped_csv(text.encode(), MAPPING)
    calls = {c.key: c for c in result.calls}
    assert calls["a1"].wait_seconds == 12 and calls["a1"].talk_seconds == 180
    assert calls["a1"].enter_at.utcoffset().total_seconds() == 8 * 3600
    assert calls["a2"].abandoned and calls["a2"].wait_seconds == 40
    assert [b.line for b in result.bad] == [4, 5]
    assert "not mapped" in result.bad[1].reason


@pytest.mark.parametrize(
    ("mapping", "parameter"),
    [
        ("[columns\n", "mapping"),
        ("[columns]\nkey='id'\ncaller='from'\n", "mapping.columns.enter_at"),
        ("[columns]\nkey='id'\ncaller='f'\nenter_at='s'\nwho='x'\n", "mapping.columns.who"),
        (
            "[csv]\ntimezone='Mars/Base'\n[columns]\nkey=1\ncaller=2\nenter_at=3\n",
            "mapping.csv.timezone",
        ),
    ],
)
def test_it_refuses_a_bad_mapping_naming_the_setting(mapping, parameter):
    with pytest.raises(ImportInputError) as error:
        read_mapping(mapping)
    assert error.value.parameter == parameter


def test_it_refuses_an_unknown_format():
    with pytest.raises(ImportInputError) as error:
        parse("wav", b"")
    assert error.value.parameter == "format"


def test_the_queue_log_streams_with_a_bounded_window_and_keeps_line_numbers_rcc2():
    import io

    from kefu.callcenter.importers import ParseResult, iter_queue_log

    lines = []
    for n in range(50):
        t = 1700000000 + n * 10
        lines += [
            f"{t}|k{n}|sales|NONE|ENTERQUEUE||1380000{n:04d}|1",
            f"{t + 2}|k{n}|sales|SIP/1001|CONNECT|2|x|1",
            f"{t + 9}|k{n}|sales|SIP/1001|COMPLETECALLER|2|7|1",
        ]
    lines.insert(4, lines[3])  # a repeated line, next to the original
    lines.insert(10, "1700000000|broken")
    content = ("\n".join(lines) + "\n").encode()
    whole = parse_queue_log(content)
    result = ParseResult()
    calls = iter_queue_log(io.BytesIO(content), result, window=5)
    first = next(calls)  # given out long before the end of the file
    assert first.key == "k0" and first.talk_seconds == 7
    streamed = [first, *calls]
    assert {c.key for c in streamed} == {c.key for c in whole.calls} and len(streamed) == 50
    assert result.duplicate_lines == whole.duplicate_lines == 1
    assert [b.line for b in result.bad] == [b.line for b in whole.bad] == [11]
    assert result.lines == whole.lines == 152


def test_importing_a_queue_log_twice_through_a_file_object_adds_nothing_rcc2(db):
    import io

    from kefu.callcenter.models import CallRecord
    from kefu.callcenter.services import calls_import
    from kefu.org.permissions import SYSTEM

    log = data("queue_log/xalakox__asterisk2slack__queue_log")
    first = calls_import(actor=SYSTEM, file_name="q", content=io.BytesIO(log), fmt="queue-log")
    again = calls_import(actor=SYSTEM, file_name="q", content=io.BytesIO(log), fmt="queue-log")
    assert (first.added, again.added, again.already_known) == (4, 0, 4)
    assert CallRecord.objects.count() == 4
