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

from datetime import UTC, tzinfo

from kefu.callcenter.importers.cdr import parse_cdr
from kefu.callcenter.importers.common import (
    FORMATS,
    BadLine,
    ImportInputError,
    ParsedCall,
    ParseResult,
    Progress,
    _line_count,
    agent_key,
)
from kefu.callcenter.importers.mapped_csv import (
    MAPPING_EXAMPLE,
    Mapping,
    parse_mapped_csv,
    read_mapping,
)
from kefu.callcenter.importers.queue_log import WINDOW, iter_queue_log, parse_queue_log

__all__ = [
    "FORMATS",
    "MAPPING_EXAMPLE",
    "WINDOW",
    "BadLine",
    "ImportInputError",
    "Mapping",
    "ParseResult",
    "ParsedCall",
    "agent_key",
    "iter_queue_log",
    "line_count",
    "parse",
    "parse_cdr",
    "parse_mapped_csv",
    "parse_queue_log",
    "read_mapping",
]


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
