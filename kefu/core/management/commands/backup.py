"""``kefu backup FILE``: a consistent copy of the database while Kefu is in use."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.core.backup import BackupError, backup, table_checksums


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite online backup, or pg_dump on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            kind = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        sums = table_checksums()
        rows = sum(count for count, _digest in sums.values())
        self.stdout.write(
            f"backed up {len(sums)} tables, {rows} rows ({kind}) to {options['file']}"
        )
