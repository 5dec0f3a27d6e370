"""What the three readers share: the parsed call, bad lines, the result, decoding, agent keys."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
