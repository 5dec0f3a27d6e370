"""``kefu followups-generate``: plan callbacks and upkeep contacts now (R-FUP-1, -2, -5)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import DomainError
from kefu.followups.services import followups_generate
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = "Generate callback and relationship upkeep tasks due within the planning horizon."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="plan as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: not a date: {options['today']!r}") from None
        try:
            result = followups_generate(actor=SYSTEM, today=today)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        for kind, counts in result.items():
            figures = ", ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"{kind}: {figures}")
