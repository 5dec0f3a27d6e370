"""``kefu import-calls FILE --format asterisk-cdr|queue-log|csv [--mapping M.toml]`` (R-CC-2)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.callcenter.importers import FORMATS, MAPPING_EXAMPLE
from kefu.callcenter.management.commands._cli import cli_error
from kefu.callcenter.services import calls_import
from kefu.errors import DomainError
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = "Import call records: Asterisk CDR CSV, Asterisk queue_log, or CSV with a mapping."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the file to import")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, help="the file's format")
        parser.add_argument("--mapping", help="TOML column mapping (for --format csv)")
        parser.add_argument(
            "--mapping-example", action="store_true", help="print an example mapping and stop"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["mapping_example"]:
            self.stdout.write(MAPPING_EXAMPLE)
            return
        if not options["file"] or not options["fmt"]:
            raise CommandError("give FILE and --format (asterisk-cdr, queue-log or csv)")
        path = Path(options["file"])
        try:
            mapping = Path(options["mapping"]).read_text("utf-8") if options["mapping"] else ""
            total = None if options["no_progress"] else _line_count(path)
            stream = path.open("rb")  # read as it is imported: a big queue_log is never whole
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename}: {exc.strerror}") from None
        bar = tqdm(
            total=total, unit=" lines", disable=options["no_progress"], file=self.stderr._out
        )

        def progress(lines: int) -> None:
            bar.update(lines - bar.n)

        try:
            with stream:
                job = calls_import(
                    actor=SYSTEM,
                    file_name=path.name,
                    content=stream,
                    fmt=options["fmt"],
                    mapping=mapping,
                    progress=progress,
                )
        except DomainError as exc:
            bar.close()
            raise cli_error(exc) from None
        if bar.total is not None:
            bar.update(bar.total - bar.n)
        bar.close()
        self.stdout.write(
            f"{job.file_name}: {job.lines} lines, {job.calls_found} calls, {job.added} added, "
            f"{job.already_known} already imported, {job.incomplete} not finished in this file, "
            f"{job.duplicate_lines} repeated lines skipped, {len(job.bad_lines)} bad lines"
        )
        for bad in job.bad_lines[:200]:
            self.stdout.write(f"  line {bad['line']}: {bad['reason']}")
        if len(job.bad_lines) > 200:
            self.stdout.write(f"  … and {len(job.bad_lines) - 200} more")
        for event, count in sorted(job.other_events.items()):
            self.stdout.write(f"  event not used: {event} ×{count}")


def _line_count(path: Path) -> int:
    """Lines in the file, read in blocks (the progress bar's total)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)
