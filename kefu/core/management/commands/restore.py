"""``kefu restore FILE``: a backup made by ``kefu backup``, into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.core.backup import BackupError, restore, table_checksums


class Command(BaseCommand):
    help = "Restore a backup made by `kefu backup` into an empty database of the same kind."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            kind = restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        sums = table_checksums()
        rows = sum(count for count, _digest in sums.values())
        self.stdout.write(
            f"restored {len(sums)} tables, {rows} rows ({kind}) from {options['file']}"
        )
