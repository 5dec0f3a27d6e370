"""Any CSV through a column mapping written in TOML (R-CC-2)."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from kefu.callcenter.importers.common import (
    _PROGRESS_EVERY,
    BadLine,
    ImportInputError,
    ParsedCall,
    ParseResult,
    Progress,
    _aware_utc,
)

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
