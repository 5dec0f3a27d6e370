"""Asterisk ``queue_log``, read as a stream: one call per callid whose outcome is known (R-CC-2)."""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from kefu.callcenter.importers.common import (
    _PROGRESS_EVERY,
    BadLine,
    ParsedCall,
    ParseResult,
    Progress,
    _aware_utc,
    _decode,
)

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


# An event is a tuple, so a call's events sort by (time, line) with no key function:
# (epoch, line number, EVENT, queue, agent, data fields).
_EPOCH, _LINE, _EVENT, _QUEUE, _AGENT, _DATA = range(6)
_RULES = {
    name: (minimum, tuple(numeric.items())) for name, (minimum, numeric) in _CALL_EVENTS.items()
}


def _number(event: tuple, index: int) -> int | None:
    data = event[_DATA]
    if index >= len(data) or not data[index].strip():
        return None
    return int(data[index])


def _whole_number(value: str) -> bool:
    """Same as ``re.fullmatch(r"-?\\d+", value)``, faster."""
    return (value[1:] if value[:1] == "-" else value).isdecimal()


def _epoch(stamp: str) -> int:
    try:
        return int(stamp)
    except ValueError:
        try:
            return int(float(stamp))
        except ValueError:
            raise ValueError(f"time {stamp!r} is not a Unix time") from None


def _data_problem(event: str, data: list[str], minimum: int, numeric) -> str | None:
    if len(data) < minimum:
        return f"{event} needs at least {minimum} data fields, found {len(data)}"
    for index, name in numeric:
        value = data[index].strip() if index < len(data) else ""
        if value and not _whole_number(value):
            return f"{event}: {name} {value!r} is not a whole number"
    return None


def _looks_like_header(text: str) -> bool:
    first = re.split(r"[|,;\t]", text, maxsplit=1)[0].strip().strip('"').lower()
    return not first.isdigit() and any(w in text.lower() for w in ("callid", "time", "event"))


def queue_outcome(key: str, events: list[tuple]) -> tuple | None:
    """What one call's events say, as plain values (epochs, not datetimes), or None when
    the call has no outcome yet: (key, enter, answer, end, wait, talk, disposition,
    abandoned, queue, caller, hotline number, agent label, rung without answer)."""
    if len(events) > 1:
        events.sort()
    by_name: dict[str, tuple] = {}
    rung = 0
    for e in events:
        name = e[_EVENT]
        if name not in by_name:
            by_name[name] = e
        elif name == "RINGNOANSWER":
            rung += 1
    if "RINGNOANSWER" in by_name:
        rung += 1
    get = by_name.get
    enter = get("ENTERQUEUE")
    did = get("DID")
    connect = get("CONNECT")
    first = events[0]
    queue = (enter or first)[_QUEUE]
    caller = enter[_DATA][1].strip() if enter is not None and len(enter[_DATA]) > 1 else ""
    hotline = did[_DATA][0].strip() if did is not None and did[_DATA] else ""
    complete = None
    for name in _COMPLETIONS:
        e = get(name)
        if e is not None and (complete is None or e[_EPOCH] < complete[_EPOCH]):
            complete = e
    if connect is not None or complete is not None:
        offset = 2 if complete is not None and complete[_EVENT].endswith("TRANSFER") else 0
        hold = _number(connect, 0) if connect is not None else None
        if hold is None and complete is not None:
            hold = _number(complete, offset)
        talk = _number(complete, offset + 1) if complete is not None else None
        if connect is not None:
            answer = connect[_EPOCH]
        else:
            answer = complete[_EPOCH] - (talk or 0)
        entered = enter[_EPOCH] if enter is not None else answer - (hold or 0)
        end = talk_seconds = None
        if complete is not None:
            end = complete[_EPOCH]
            talk_seconds = max(0, talk if talk is not None else end - answer)
        agent = (connect or complete)[_AGENT]
        return (key, entered, answer, end, max(0, hold or 0), talk_seconds, "answered", False,
                queue, caller, hotline, agent, rung)  # fmt: skip
    left = get("ABANDON") or get("EXITWITHKEY") or get("EXITWITHTIMEOUT") or get("EXITEMPTY")
    if left is None:
        return None
    name, data = left[_EVENT], left[_DATA]
    if name == "ABANDON":
        wait = _number(left, 2)
    elif name == "EXITWITHKEY":
        wait = _number(left, 3) if len(data) > 3 else None
    else:
        wait = _number(left, 2) if len(data) > 2 else None
    if wait is None:
        wait = left[_EPOCH] - (enter[_EPOCH] if enter is not None else left[_EPOCH])
    entered = enter[_EPOCH] if enter is not None else left[_EPOCH] - wait
    timeout = name in _TIMEOUTS
    return (key, entered, None, left[_EPOCH], max(0, wait), None,
            "failed" if timeout else "abandoned", not timeout, queue, caller, hotline, "",
            rung)  # fmt: skip


def _queue_call(key: str, events: list[tuple]) -> ParsedCall | None:
    o = queue_outcome(key, events)
    if o is None:
        return None
    return ParsedCall(
        key=key, source="queue_log", enter_at=_aware_utc(o[1]),
        answer_at=None if o[2] is None else _aware_utc(o[2]),
        end_at=None if o[3] is None else _aware_utc(o[3]), wait_seconds=o[4],
        talk_seconds=o[5], disposition=o[6], abandoned=o[7], queue_name=o[8], caller=o[9],
        hotline_number=o[10], agent_label=o[11], ring_no_answer=o[12],
    )  # fmt: skip


def iter_queue_log(  # noqa: C901, PLR0912, PLR0915 - one hot loop, kept flat for speed
    lines: Iterable[bytes],
    result: ParseResult,
    *,
    progress: Progress = None,
    window: int = WINDOW,
    make: Callable[[str, list[tuple]], object] = _queue_call,
) -> Iterator[ParsedCall]:
    """Calls from an Asterisk queue_log (R-CC-2), as they are read: one per callid whose
    outcome is known. ``lines`` are the file's raw lines (a binary file object will do);
    counts, bad lines and vendor events go into ``result``, whose ``calls`` stay empty.

    Memory does not grow with the file. A call is given out ``window`` lines after the line
    that settled it (completion, abandon, timeout), so late, repeated or out-of-order lines of
    it within that reach are still absorbed; a repeated line is skipped when it repeats one of
    the last ``window`` to ``2 × window`` lines. Calls still open at the end of the file are
    given out if answered, else counted as incomplete (left for the next file).

    ``make`` turns a callid and its events into what is given out (default: a
    :class:`ParsedCall`; the importer's fast path makes database rows from
    :func:`queue_outcome` instead); it returns None for a call without an outcome.
    """
    calls: dict[str, list[tuple]] = {}
    settled: deque[tuple[int, str]] = deque()
    settled_keys: set[str] = set()
    recent: set[str] = set()
    older: set[str] = set()
    header_checked = False
    rules, agent_events, not_calls, outcomes = _RULES, _AGENT_EVENTS, _NOT_CALLS, _OUTCOMES
    other_events, bad = result.other_events, result.bad
    never = 1 << 62
    next_progress = _PROGRESS_EVERY if progress is not None else never
    due = never  # the line at which the oldest settled call is given out
    number = 0
    duplicates = 0
    for block in _text_blocks(lines):
        first_number = number + 1
        for number, text in enumerate(block, start=first_number):  # noqa: B007 - counted on
            if number >= next_progress:
                progress(number)
                next_progress += _PROGRESS_EVERY
            if number >= due:
                while settled and settled[0][0] <= number - window:
                    key = settled.popleft()[1]
                    settled_keys.discard(key)
                    yield make(key, calls.pop(key))  # settled: never None
                due = settled[0][0] + window if settled else never
            if text in recent or text in older:
                if text.strip():
                    duplicates += 1
                continue
            if not header_checked:
                if not text.strip():
                    continue
                header_checked = True
                if _looks_like_header(text):
                    continue
            recent.add(text)
            if len(recent) >= window:
                older, recent = recent, set()
            fields = text.split("|")
            if len(fields) < 5:
                if text.strip():
                    bad.append(BadLine(number, f"wrong field count: {len(fields)} (at least 5: "
                                               "time|callid|queue|agent|event)"))  # fmt: skip
                continue
            event = fields[4]
            rule = rules.get(event)
            if rule is None and not (event.isupper() and event.isalpha()):
                event = event.strip().upper()
                rule = rules.get(event)
            try:
                epoch = int(fields[0])
            except ValueError:
                try:
                    epoch = _epoch(fields[0])
                except ValueError as exc:
                    bad.append(BadLine(number, str(exc)))
                    continue
            if rule is None:
                if event not in agent_events:
                    other_events[event] += 1
                continue
            data = fields[5:]
            minimum, numeric = rule
            if numeric or len(data) < minimum:
                problem = None
                if len(data) < minimum:
                    problem = _data_problem(event, data, minimum, numeric)
                else:
                    for index, _name in numeric:
                        value = data[index] if index < len(data) else ""
                        if value and not value.isdecimal():
                            problem = _data_problem(event, data, minimum, numeric)
                            break
                if problem is not None:
                    bad.append(BadLine(number, problem))
                    continue
            callid = fields[1].strip()
            if callid.upper() in not_calls:
                continue
            item = (epoch, number, event, fields[2].strip(), fields[3].strip(), data)
            events = calls.get(callid)
            if events is None:
                calls[callid] = [item]
            else:
                events.append(item)
            if event in outcomes and callid not in settled_keys:
                settled_keys.add(callid)
                if not settled:
                    due = number + window
                settled.append((number, callid))
    result.lines += number
    result.duplicate_lines += duplicates
    while settled:
        key = settled.popleft()[1]
        yield make(key, calls.pop(key))
    for key, events in calls.items():
        call = make(key, events)
        if call is None:
            result.incomplete += 1
        else:
            yield call


_BLOCK = 1 << 20


def _text_blocks(lines: Iterable[bytes]) -> Iterator[list[str]]:
    """The file's lines as text, a block at a time: one line per ``\\n`` (a last line without
    one counts), NUL bytes and the line ends removed, the BOM dropped, each line decoded as
    UTF-8, else GB18030, else Latin-1. A binary file is read in big blocks (fast); any other
    iterable of byte lines is taken line by line."""
    read = getattr(lines, "read", None)
    if read is None:
        block: list[bytes] = []
        bom = True
        for raw in lines:
            block.append(raw)
            if len(block) >= 10_000:
                yield _decoded(block, bom=bom)
                block, bom = [], False
        if block:
            yield _decoded(block, bom=bom)
        return
    rest = b""
    first = True
    while True:
        chunk = read(_BLOCK)
        if not chunk:
            break
        if first:
            first = False
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        chunk = rest + chunk
        cut = chunk.rfind(b"\n")
        if cut < 0:
            rest = chunk
            continue
        rest = chunk[cut + 1 :]
        yield _decoded_block(chunk[:cut])
    if rest:
        yield _decoded_block(rest)


def _decoded_block(chunk: bytes) -> list[str]:
    if b"\x00" in chunk:
        chunk = chunk.replace(b"\x00", b"")
    try:
        text = chunk.decode()
    except UnicodeDecodeError:
        return _decoded(chunk.split(b"\n"))
    lines = text.split("\n")
    if "\r" in text:
        lines = [line.rstrip("\r") for line in lines]
    return lines


def _decoded(raws: list[bytes], *, bom: bool = False) -> list[str]:
    out = []
    for i, raw in enumerate(raws):
        if bom and i == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        raw = raw.replace(b"\x00", b"").rstrip(b"\n").rstrip(b"\r")
        try:
            out.append(raw.decode())
        except UnicodeDecodeError:
            out.append(_decode(raw))
    return out


def parse_queue_log(content: bytes, *, progress: Progress = None) -> ParseResult:
    """Calls from an Asterisk queue_log held in memory (see :func:`iter_queue_log`)."""
    result = ParseResult()
    result.calls = list(iter_queue_log(io.BytesIO(content), result, progress=progress))
    return result
