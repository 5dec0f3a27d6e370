"""Parse what telephone systems write into calls (R-CC-2). Pure Python, no Django.

Three readers, each tolerant of what real files hold and strict about what it cannot use:

* Asterisk CDR CSV (``Master.csv`` of cdr_csv): no header, 18 columns, or 21 with
  peeraccount, linkedid and sequence. Empty values come as ``""`` or bare; names hold doubled
  quotes and bytes that are not UTF-8 (read as GB18030, else Latin-1). One call may span
  several rows with the same uniqueid (forked dials, Local channel legs): they are merged into
  one call. Times carry no zone; the epoch in the uniqueid tells the server's offset. An
  unclosed quote (Python's csv module accepts it silently) is reported.
* Asterisk ``queue_log``: ``epoch|callid|queue|agent|EVENT|data…``. Duplicated lines, blank
  lines, NUL bytes and out-of-order lines are absorbed; a database export's header row is
  skipped; events of other vendors are counted and reported, not guessed at. A call whose
  outcome is not in the file yet (still queued when the log was cut) is left for the next file.
* Any CSV through a column mapping written in TOML (see :data:`MAPPING_EXAMPLE`).

Every bad line is reported with its number and the reason; the caller decides what to write.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from operator import attrgetter

__all__ = [
    "FORMATS",
    "MAPPING_EXAMPLE",
    "BadLine",
    "ImportInputError",
    "ParseResult",
    "ParsedCall",
    "parse",
    "parse_cdr",
    "parse_mapped_csv",
    "iter_queue_log",
    "parse_queue_log",
]

FORMATS = ("asterisk-cdr", "queue-log", "csv")
Progress = Callable[[int], None] | None
_PROGRESS_EVERY = 5000


class ImportInputError(ValueError):
    """The file or mapping as a whole cannot be read; ``parameter`` names what is wrong."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass
class ParsedCall:
    key: str
    source: str
    enter_at: datetime
    disposition: str  # answered | abandoned | busy | failed
    direction: str = "in"
    caller: str = ""
    callee: str = ""
    hotline_number: str = ""
    queue_name: str = ""
    agent_label: str = ""
    answer_at: datetime | None = None
    end_at: datetime | None = None
    wait_seconds: int = 0
    talk_seconds: int | None = None
    abandoned: bool = False
    ring_no_answer: int = 0
    recording: str = ""


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


@dataclass
class ParseResult:
    calls: list[ParsedCall] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    lines: int = 0
    duplicate_lines: int = 0
    incomplete: int = 0
    other_events: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------------------- shared helpers


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _physical_lines(content: bytes, progress: Progress) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, NUL bytes and line ends removed, BOM dropped."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(number)
        yield number, _decode(raw.replace(b"\x00", b"").rstrip(b"\r"))


def _line_count(content: bytes) -> int:
    if not content:
        return 0
    return content.count(b"\n") + (0 if content.endswith(b"\n") else 1)


_AGENT_CHANNEL = re.compile(r"^(?:SIP|PJSIP|IAX2|DAHDI|Agent|Local|Console)/([^@;/-]+)", re.I)


def agent_key(label: str) -> str:
    """What identifies an agent in a PBX label: ``SIP/1001-0000abcd``, ``PJSIP/1001``,
    ``Local/1001@from-internal/n`` and ``Agent/1001`` all give ``1001``; a display name
    (``Paty Marin``) stays as it is, lower-cased."""
    text = (label or "").strip()
    match = _AGENT_CHANNEL.match(text)
    if match:
        return match.group(1).lower()
    return text.lower()


def _aware_utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


# ---------------------------------------------------------------------------- Asterisk CDR

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


# ---------------------------------------------------------------------------- queue_log

_NOT_CALLS = {"NONE", "MANAGER", "CLI", "REALTIME", ""}
# Events about agents and the queue itself, not about one call.
_AGENT_EVENTS = {
    "QUEUESTART", "CONFIGRELOAD", "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL",
    "UNPAUSEALL", "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF",
    "PENALTY", "SYSCOMPAT", "AGENTDUMP", "RINGCANCELED",
}  # fmt: skip
# event -> (minimum data fields, names of the numeric ones by position)
_CALL_EVENTS: dict[str, tuple[int, dict[int, str]]] = {
    "DID": (0, {}),
    "ENTERQUEUE": (0, {}),
    "CONNECT": (1, {0: "holdtime"}),
    "COMPLETECALLER": (2, {0: "holdtime", 1: "calltime"}),
    "COMPLETEAGENT": (2, {0: "holdtime", 1: "calltime"}),
    "TRANSFER": (4, {2: "holdtime", 3: "calltime"}),
    "BLINDTRANSFER": (4, {2: "holdtime", 3: "calltime"}),
    "ATTENDEDTRANSFER": (4, {2: "holdtime", 3: "calltime"}),
    "ABANDON": (3, {2: "waittime"}),
    "EXITWITHTIMEOUT": (1, {}),
    "EXITEMPTY": (1, {}),
    "EXITWITHKEY": (1, {}),
    "RINGNOANSWER": (1, {0: "ring time (ms)"}),
}
_COMPLETIONS = ("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")
_TIMEOUTS = ("EXITWITHTIMEOUT", "EXITEMPTY")
# Events after which a call has its outcome; later lines of it are still absorbed in the window.
_OUTCOMES = frozenset((*_COMPLETIONS, "ABANDON", "EXITWITHKEY", *_TIMEOUTS))
# Lines a finished call stays open for late, out-of-order or repeated lines of it, and the
# reach of the repeated-line check: memory is bounded by this, not by the file.
WINDOW = 50_000


@dataclass(slots=True)
class _QEvent:
    line: int
    epoch: int
    queue: str
    agent: str
    event: str
    data: list[str]

    def number(self, index: int) -> int | None:
        if index >= len(self.data) or not self.data[index].strip():
            return None
        return int(self.data[index])


def _whole_number(value: str) -> bool:
    """Same as ``re.fullmatch(r"-?\\d+", value)``, faster."""
    return (value[1:] if value[:1] == "-" else value).isdecimal()


def _queue_event(number: int, text: str) -> tuple[str, _QEvent]:
    fields = text.split("|")
    if len(fields) < 5:
        raise ValueError(
            f"wrong field count: {len(fields)} (at least 5: time|callid|queue|agent|event)"
        )
    stamp, callid, queue, agent, event, *data = fields
    try:
        epoch = int(stamp)
    except ValueError:
        try:
            epoch = int(float(stamp))
        except ValueError:
            raise ValueError(f"time {stamp!r} is not a Unix time") from None
    event = event.strip().upper()
    rule = _CALL_EVENTS.get(event)
    if rule is not None:
        minimum, numeric = rule
        if len(data) < minimum:
            raise ValueError(f"{event} needs at least {minimum} data fields, found {len(data)}")
        for index, name in numeric.items():
            value = data[index].strip() if index < len(data) else ""
            if value and not _whole_number(value):
                raise ValueError(f"{event}: {name} {value!r} is not a whole number")
    return callid.strip(), _QEvent(number, epoch, queue.strip(), agent.strip(), event, data)


def _looks_like_header(text: str) -> bool:
    first = re.split(r"[|,;\t]", text, maxsplit=1)[0].strip().strip('"').lower()
    return not first.isdigit() and any(w in text.lower() for w in ("callid", "time", "event"))


_event_order = attrgetter("epoch", "line")


def _queue_call(key: str, events: list[_QEvent]) -> ParsedCall | None:
    events.sort(key=_event_order)
    by_name: dict[str, _QEvent] = {}
    for e in events:
        by_name.setdefault(e.event, e)
    enter = by_name.get("ENTERQUEUE")
    did = by_name.get("DID")
    connect = by_name.get("CONNECT")
    complete = next((by_name[n] for n in _COMPLETIONS if n in by_name), None)
    if complete is not None:
        complete = min((by_name[n] for n in _COMPLETIONS if n in by_name), key=lambda e: e.epoch)
    left = next((by_name[n] for n in ("ABANDON", "EXITWITHKEY", *_TIMEOUTS) if n in by_name), None)
    first = events[0]
    call = ParsedCall(
        key=key,
        source="queue_log",
        enter_at=_aware_utc(first.epoch),
        disposition="answered",
        queue_name=(enter or first).queue,
        caller=enter.data[1].strip() if enter is not None and len(enter.data) > 1 else "",
        hotline_number=did.data[0].strip() if did is not None and did.data else "",
        ring_no_answer=sum(1 for e in events if e.event == "RINGNOANSWER"),
    )
    if connect is not None or complete is not None:
        offset = 2 if complete is not None and complete.event.endswith("TRANSFER") else 0
        hold = connect.number(0) if connect is not None else None
        if hold is None and complete is not None:
            hold = complete.number(offset)
        talk = complete.number(offset + 1) if complete is not None else None
        if connect is not None:
            answer = connect.epoch
        else:
            answer = complete.epoch - (talk or 0)
        call.agent_label = (connect or complete).agent
        call.answer_at = _aware_utc(answer)
        call.wait_seconds = max(0, hold or 0)
        call.enter_at = _aware_utc(enter.epoch if enter is not None else answer - (hold or 0))
        if complete is not None:
            call.end_at = _aware_utc(complete.epoch)
            call.talk_seconds = max(0, talk if talk is not None else complete.epoch - answer)
        return call
    if left is None:
        return None
    if left.event == "ABANDON":
        wait = left.number(2)
    elif left.event == "EXITWITHKEY":
        wait = left.number(3) if len(left.data) > 3 else None
    else:
        wait = left.number(2) if len(left.data) > 2 else None
    if wait is None:
        wait = left.epoch - (enter.epoch if enter is not None else left.epoch)
    call.enter_at = _aware_utc(enter.epoch if enter is not None else left.epoch - wait)
    call.end_at = _aware_utc(left.epoch)
    call.wait_seconds = max(0, wait)
    if left.event in _TIMEOUTS:
        call.disposition = "failed"
    else:
        call.disposition = "abandoned"
        call.abandoned = True
    return call


def iter_queue_log(
    lines: Iterable[bytes],
    result: ParseResult,
    *,
    progress: Progress = None,
    window: int = WINDOW,
) -> Iterator[ParsedCall]:
    """Calls from an Asterisk queue_log (R-CC-2), as they are read: one per callid whose
    outcome is known. ``lines`` are the file's raw lines (a binary file object will do);
    counts, bad lines and vendor events go into ``result``, whose ``calls`` stay empty.

    Memory does not grow with the file. A call is given out ``window`` lines after the line
    that settled it (completion, abandon, timeout), so late, repeated or out-of-order lines of
    it within that reach are still absorbed; a repeated line is skipped when it repeats one of
    the last ``window`` to ``2 × window`` lines. Calls still open at the end of the file are
    given out if answered, else counted as incomplete (left for the next file).
    """
    calls: dict[str, list[_QEvent]] = {}
    settled: deque[tuple[int, str]] = deque()
    settled_keys: set[str] = set()
    recent: set[bytes] = set()
    older: set[bytes] = set()
    header_checked = False
    call_events, agent_events, not_calls = _CALL_EVENTS, _AGENT_EVENTS, _NOT_CALLS
    other_events, bad = result.other_events, result.bad
    number = 0
    for number, raw in enumerate(lines, start=1):
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(number)
        while settled and settled[0][0] <= number - window:
            key = settled.popleft()[1]
            settled_keys.discard(key)
            yield _queue_call(key, calls.pop(key))  # settled: never None
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.rstrip(b"\n")
        if b"\x00" in raw:
            raw = raw.replace(b"\x00", b"")
        raw = raw.rstrip(b"\r")
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            text = _decode(raw)
        if not text.strip():
            continue
        if not header_checked:
            header_checked = True
            if _looks_like_header(text):
                continue
        if raw in recent or raw in older:
            result.duplicate_lines += 1
            continue
        recent.add(raw)
        if len(recent) >= window:
            older, recent = recent, set()
        try:
            callid, event = _queue_event(number, text)
        except ValueError as exc:
            bad.append(BadLine(number, str(exc)))
            continue
        name = event.event
        if name in call_events:
            if callid.upper() in not_calls:
                continue
            events = calls.get(callid)
            if events is None:
                calls[callid] = [event]
            else:
                events.append(event)
            if name in _OUTCOMES and callid not in settled_keys:
                settled_keys.add(callid)
                settled.append((number, callid))
        elif name not in agent_events:
            other_events[name] += 1
    result.lines += number
    while settled:
        key = settled.popleft()[1]
        yield _queue_call(key, calls.pop(key))
    for key, events in calls.items():
        call = _queue_call(key, events)
        if call is None:
            result.incomplete += 1
        else:
            yield call


def parse_queue_log(content: bytes, *, progress: Progress = None) -> ParseResult:
    """Calls from an Asterisk queue_log held in memory (see :func:`iter_queue_log`)."""
    result = ParseResult()
    result.calls = list(iter_queue_log(io.BytesIO(content), result, progress=progress))
    return result


# ---------------------------------------------------------------------------- mapped CSV

MAPPING_EXAMPLE = """\
# Column mapping for `kefu import-calls FILE --format csv --mapping THIS.toml`.
[csv]
delimiter = ","          # one character
encoding = "utf-8"       # e.g. gb18030 for files saved by Excel on a Chinese Windows
header = true            # the first row names the columns
time_format = "%Y-%m-%d %H:%M:%S"
timezone = "+08:00"      # the zone of the times in the file

[columns]                # Kefu field = column name (or 1-based column number)
key = "call_id"          # required: the call's unique id
caller = "from"          # required
enter_at = "start"       # required
callee = "to"
answer_at = "answered"
end_at = "end"
wait_seconds = "wait"
talk_seconds = "talk"
agent = "agent"
queue = "queue"
hotline = "did"
direction = "direction"
disposition = "status"
recording = "recording"

[values.disposition]     # the file's words -> answered | abandoned | busy | failed
ANSWERED = "answered"
"NO ANSWER" = "abandoned"

[values.direction]       # -> in | out
inbound = "in"
outbound = "out"
"""

_MAPPABLE = {
    "key", "caller", "enter_at", "callee", "answer_at", "end_at", "wait_seconds",
    "talk_seconds", "agent", "queue", "hotline", "direction", "disposition", "recording",
}  # fmt: skip
_REQUIRED = ("key", "caller", "enter_at")
_DISPOSITIONS = {"answered", "abandoned", "busy", "failed"}


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str | int]
    delimiter: str = ","
    encoding: str = "utf-8"
    header: bool = True
    time_format: str = "%Y-%m-%d %H:%M:%S"
    zone: tzinfo = UTC
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def _zone(text: str) -> tzinfo:
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", text.strip())
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportInputError(
            "mapping.csv.timezone", f"{text!r} is not a time zone (+08:00 or Asia/Shanghai)"
        ) from None


def read_mapping(text: str) -> Mapping:
    """A :class:`Mapping` from TOML, or an error naming the setting that is wrong."""
    try:
        data = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError as exc:
        raise ImportInputError("mapping", f"not valid TOML: {exc}") from None
    options = data.get("csv", {})
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ImportInputError("mapping.columns", "a [columns] table is required")
    for name, column in columns.items():
        if name not in _MAPPABLE:
            raise ImportInputError(
                f"mapping.columns.{name}", f"unknown field; use: {', '.join(sorted(_MAPPABLE))}"
            )
        if isinstance(column, bool) or not isinstance(column, str | int):
            raise ImportInputError(f"mapping.columns.{name}", "give a column name or number")
        if isinstance(column, int) and column < 1:
            raise ImportInputError(f"mapping.columns.{name}", "column numbers start at 1")
    for name in _REQUIRED:
        if name not in columns:
            raise ImportInputError(f"mapping.columns.{name}", "is required")
    delimiter = options.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ImportInputError("mapping.csv.delimiter", "must be one character")
    encoding = str(options.get("encoding", "utf-8"))
    try:
        "".encode(encoding)
    except LookupError:
        raise ImportInputError("mapping.csv.encoding", f"unknown encoding {encoding!r}") from None
    values = data.get("values", {})
    for target, allowed in (("disposition", _DISPOSITIONS), ("direction", {"in", "out"})):
        for word, meaning in values.get(target, {}).items():
            if meaning not in allowed:
                raise ImportInputError(
                    f"mapping.values.{target}.{word}", f"must be one of {', '.join(allowed)}"
                )
    header = options.get("header", True)
    if not header and any(isinstance(c, str) for c in columns.values()):
        raise ImportInputError("mapping.columns", "without a header row use column numbers")
    return Mapping(
        columns=dict(columns),
        delimiter=delimiter,
        encoding=encoding,
        header=bool(header),
        time_format=str(options.get("time_format", "%Y-%m-%d %H:%M:%S")),
        zone=_zone(str(options.get("timezone", "+00:00"))),
        values={k: {str(w).strip().lower(): m for w, m in v.items()} for k, v in values.items()},
    )


def _mapped_time(value: str, name: str, mapping: Mapping) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return _aware_utc(float(value))
    try:
        parsed = datetime.strptime(value, mapping.time_format)  # noqa: DTZ007 - zone below
    except ValueError:
        raise ValueError(f"{name} {value!r} does not match {mapping.time_format}") from None
    return parsed.replace(tzinfo=mapping.zone) if parsed.tzinfo is None else parsed


def _mapped_seconds(value: str, name: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        seconds = round(float(value))
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number of seconds") from None
    if seconds < 0:
        raise ValueError(f"{name} {seconds} is negative")
    return seconds


def _mapped_call(cells: dict[str, str], mapping: Mapping) -> ParsedCall:
    key = cells.get("key", "").strip()
    if not key:
        raise ValueError("key (the call id) is empty")
    enter = _mapped_time(cells.get("enter_at", ""), "enter_at", mapping)
    if enter is None:
        raise ValueError("enter_at is empty")
    answer = _mapped_time(cells.get("answer_at", ""), "answer_at", mapping)
    end = _mapped_time(cells.get("end_at", ""), "end_at", mapping)
    wait = _mapped_seconds(cells.get("wait_seconds", ""), "wait_seconds")
    talk = _mapped_seconds(cells.get("talk_seconds", ""), "talk_seconds")
    word = cells.get("disposition", "").strip()
    if word:
        disposition = mapping.values.get("disposition", {}).get(word.lower(), word.lower())
        if disposition not in _DISPOSITIONS:
            raise ValueError(f"disposition {word!r} is not mapped (add it under [values])")
    else:
        disposition = "answered" if answer is not None or talk else "abandoned"
    direction_word = cells.get("direction", "").strip()
    direction = "in"
    if direction_word:
        direction = mapping.values.get("direction", {}).get(
            direction_word.lower(), direction_word.lower()
        )
        if direction not in {"in", "out"}:
            raise ValueError(f"direction {direction_word!r} is not mapped (add it under [values])")
    if answer is None and disposition == "answered" and wait is not None:
        answer = enter + timedelta(seconds=wait)
    if wait is None:
        until = answer if answer is not None else end
        wait = max(0, int((until - enter).total_seconds())) if until is not None else 0
    if talk is None and answer is not None and end is not None:
        talk = max(0, int((end - answer).total_seconds()))
    if end is not None and end < enter:
        raise ValueError("end_at is before enter_at")
    return ParsedCall(
        key=key,
        source="csv",
        enter_at=enter,
        disposition=disposition,
        direction=direction,
        caller=cells.get("caller", "").strip(),
        callee=cells.get("callee", "").strip(),
        hotline_number=cells.get("hotline", "").strip(),
        queue_name=cells.get("queue", "").strip(),
        agent_label=cells.get("agent", "").strip(),
        answer_at=answer if disposition == "answered" else None,
        end_at=end,
        wait_seconds=wait,
        talk_seconds=talk if disposition == "answered" else None,
        abandoned=disposition == "abandoned" and direction == "in",
        recording=cells.get("recording", "").strip(),
    )


def parse_mapped_csv(
    content: bytes, mapping_text: str, *, progress: Progress = None
) -> ParseResult:
    """Calls from any CSV through a TOML column mapping (R-CC-2); one row is one call."""
    mapping = read_mapping(mapping_text)
    try:
        text = content.decode(mapping.encoding)
    except UnicodeDecodeError as exc:
        raise ImportInputError(
            "file", f"is not {mapping.encoding} (byte {exc.start}); set [csv] encoding"
        ) from None
    text = text.lstrip("\ufeff").replace("\x00", "")
    result = ParseResult()
    reader = csv.reader(io.StringIO(text), delimiter=mapping.delimiter, strict=True)
    positions: dict[str, int] = {}
    merged: dict[str, ParsedCall] = {}
    try:
        for row in reader:
            number = reader.line_num
            result.lines = number
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(number)
            if not any(cell.strip() for cell in row):
                continue
            if not positions:
                positions = _positions(row, mapping)
                if mapping.header:
                    continue
            try:
                cells = {}
                for name, index in positions.items():
                    if index >= len(row):
                        raise ValueError(f"has {len(row)} columns; {name} is in column {index + 1}")
                    cells[name] = row[index]
                call = _mapped_call(cells, mapping)
            except ValueError as exc:
                result.bad.append(BadLine(number, str(exc)))
                continue
            if call.key in merged:
                result.duplicate_lines += 1
                continue
            merged[call.key] = call
    except csv.Error as exc:
        reason = "unclosed quote at end of file" if "end of data" in str(exc) else str(exc)
        result.bad.append(BadLine(reader.line_num, f"not valid CSV: {reason}"))
    result.calls = list(merged.values())
    return result


def _positions(header: list[str], mapping: Mapping) -> dict[str, int]:
    names = {cell.strip().lower(): i for i, cell in enumerate(header)}
    out = {}
    for field_name, column in mapping.columns.items():
        if isinstance(column, int):
            out[field_name] = column - 1
        elif column.strip().lower() in names:
            out[field_name] = names[column.strip().lower()]
        else:
            raise ImportInputError(
                f"mapping.columns.{field_name}",
                f"column {column!r} is not in the header ({', '.join(header)})",
            )
    return out


# ---------------------------------------------------------------------------- dispatch


def parse(
    fmt: str,
    content: bytes,
    *,
    mapping: str = "",
    default_zone: tzinfo = UTC,
    progress: Progress = None,
) -> ParseResult:
    """Parse ``content`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "asterisk-cdr":
        return parse_cdr(content, default_zone=default_zone, progress=progress)
    if fmt == "queue-log":
        return parse_queue_log(content, progress=progress)
    if fmt == "csv":
        if not (mapping or "").strip():
            raise ImportInputError("mapping", "a CSV import needs a column mapping (TOML)")
        return parse_mapped_csv(content, mapping, progress=progress)
    raise ImportInputError("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def line_count(content: bytes) -> int:
    """Lines in a file, for a progress bar's total."""
    return _line_count(content)
