"""Asterisk CDR CSV (``Master.csv`` of cdr_csv), legs of one call merged (R-CC-2)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from kefu.callcenter.importers.common import (
    BadLine,
    ParsedCall,
    ParseResult,
    Progress,
    _aware_utc,
    _line_count,
    _physical_lines,
)

_CDR_COLUMNS = (18, 21)
_CDR_TIME = "%Y-%m-%d %H:%M:%S"
_CDR_DISPOSITIONS = {
    "ANSWERED": "answered",
    "NO ANSWER": "abandoned",
    "NOANSWER": "abandoned",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "failed",
}
_UNIQUEID_EPOCH = re.compile(r"(?:^|[^0-9])(\d{9,11})\.\d+$")
_RECORDING = re.compile(r"^(https?://|/).+|.+\.(wav|mp3|gsm|ogg|WAV|MP3)$")


@dataclass
class _CdrRow:
    line: int
    src: str
    dst: str
    clid: str
    dstchannel: str
    lastapp: str
    lastdata: str
    start: datetime  # naive, server local time
    answer: datetime | None
    end: datetime
    billsec: int
    disposition: str
    uniqueid: str
    userfield: str


def _cdr_time(value: str, name: str, *, required: bool) -> datetime | None:
    value = value.strip()
    if not value:
        if required:
            raise ValueError(f"{name} is empty")
        return None
    try:
        return datetime.strptime(value, _CDR_TIME)  # noqa: DTZ007 - the zone comes from uniqueid
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a time like 2024-01-31 08:00:00") from None


def _cdr_int(value: str, name: str) -> int:
    try:
        number = int(value.strip() or "0")
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a whole number") from None
    if number < 0:
        raise ValueError(f"{name} {number} is negative")
    return number


def _cdr_row(number: int, row: list[str]) -> tuple[str, _CdrRow]:
    if len(row) not in _CDR_COLUMNS:
        raise ValueError(f"expected 18 or 21 columns (Master.csv), found {len(row)}")
    start = _cdr_time(row[9], "start", required=True)
    answer = _cdr_time(row[10], "answer", required=False)
    duration = _cdr_int(row[12], "duration")
    billsec = _cdr_int(row[13], "billsec")
    end = _cdr_time(row[11], "end", required=False) or start + timedelta(seconds=duration)
    if billsec > duration:
        raise ValueError(f"billsec {billsec} is greater than duration {duration}")
    disposition = _CDR_DISPOSITIONS.get(row[14].strip().upper())
    if disposition is None:
        raise ValueError(f"unknown disposition {row[14]!r}")
    uniqueid = row[16].strip()
    if not uniqueid:
        raise ValueError("uniqueid is empty")
    key = uniqueid
    if len(row) == 21 and row[19].strip():
        key = row[19].strip()  # linkedid: every leg of one call shares it
    return key, _CdrRow(
        line=number,
        src=row[1].strip(),
        dst=row[2].strip(),
        clid=row[4],
        dstchannel=row[6].strip(),
        lastapp=row[7].strip(),
        lastdata=row[8].strip(),
        start=start,
        answer=answer,
        end=end,
        billsec=billsec,
        disposition=disposition,
        uniqueid=uniqueid,
        userfield=row[17].strip(),
    )


def _server_zone(rows: list[_CdrRow], default: tzinfo) -> tzinfo:
    """The PBX's UTC offset, from the epoch in the uniqueid against the local start time."""
    first = min(rows, key=lambda r: r.start)
    match = _UNIQUEID_EPOCH.search(first.uniqueid)
    if not match:
        return default
    local_as_utc = first.start.replace(tzinfo=UTC)
    offset = (local_as_utc - _aware_utc(int(match.group(1)))).total_seconds()
    quarter = round(offset / 900) * 900
    if abs(quarter) > 14 * 3600:
        return default
    return timezone(timedelta(seconds=quarter))


def _is_extension(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    return 0 < len(digits) <= 5 and len(digits) == len(number)


def _cdr_call(key: str, rows: list[_CdrRow], default_zone: tzinfo) -> ParsedCall:
    zone = _server_zone(rows, default_zone)

    def aware(value: datetime) -> datetime:
        return value.replace(tzinfo=zone)

    first = min(rows, key=lambda r: (r.start, r.line))
    enter = aware(first.start)
    end = aware(max(r.end for r in rows))
    answered = [r for r in rows if r.disposition == "answered" and r.answer is not None]
    direction = "out" if _is_extension(first.src) and not _is_extension(first.dst) else "in"
    queue = ""
    for r in rows:
        if r.lastapp.lower() == "queue" and r.lastdata:
            queue = r.lastdata.split(",")[0].strip()
            break
    recording = next((r.userfield for r in rows if _RECORDING.match(r.userfield)), "")
    call = ParsedCall(
        key=key,
        source="cdr",
        enter_at=enter,
        end_at=end,
        disposition="abandoned",
        direction=direction,
        caller=first.src,
        callee=first.dst,
        hotline_number=first.dst if direction == "in" else "",
        queue_name=queue,
        recording=recording,
    )
    if answered:
        leg = min(answered, key=lambda r: (r.answer, r.line))
        call.disposition = "answered"
        call.answer_at = aware(leg.answer)
        call.talk_seconds = max(r.billsec for r in answered)
        call.wait_seconds = max(0, int((call.answer_at - enter).total_seconds()))
        if leg.dstchannel and leg.dstchannel.upper() != "NOT_AVAILABLE":
            call.agent_label = leg.dstchannel
        return call
    outcomes = {r.disposition for r in rows}
    for outcome in ("busy", "failed"):
        if outcome in outcomes and "abandoned" not in outcomes:
            call.disposition = outcome
    call.wait_seconds = max(0, int((end - enter).total_seconds()))
    call.abandoned = call.disposition == "abandoned" and direction == "in"
    return call


def parse_cdr(
    content: bytes, *, default_zone: tzinfo = UTC, progress: Progress = None
) -> ParseResult:
    """Calls from an Asterisk CDR CSV (R-CC-2); legs of one uniqueid/linkedid are merged."""
    result = ParseResult()
    groups: dict[str, list[_CdrRow]] = {}
    last = _line_count(content)
    for number, text in _physical_lines(content, progress):
        if number > last:
            break
        result.lines += 1
        if not text.strip():
            continue
        try:
            rows = list(csv.reader([text], strict=True))
        except csv.Error as exc:
            reason = f"not valid CSV: {exc}"
            if "unexpected end of data" in str(exc):
                reason = "unclosed quote" + (" at end of file" if number == last else "")
            result.bad.append(BadLine(number, reason))
            continue
        try:
            key, row = _cdr_row(number, rows[0])
        except ValueError as exc:
            result.bad.append(BadLine(number, str(exc)))
            continue
        groups.setdefault(key, []).append(row)
    result.calls = [_cdr_call(key, rows, default_zone) for key, rows in groups.items()]
    return result
