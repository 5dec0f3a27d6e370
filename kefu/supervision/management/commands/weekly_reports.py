"""``kefu weekly-reports draft [--week YYYY-Www]``: draft the week's weekly reports (R-SUP-3)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import DomainError
from kefu.org.permissions import SYSTEM
from kefu.supervision.services import weekly_reports_draft
from kefu.supervision.weekly_figures import parse_week


class Command(BaseCommand):
    help = "Weekly reports of technical service: draft the week's reports and notify each person."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["draft"], help="draft: draft the week's reports")
        parser.add_argument("--week", help="the ISO week, YYYY-Www (default: this week)")

    def handle(self, *args, **options):
        week = None
        if options["week"]:
            week = parse_week(options["week"])
            if week is None:
                raise CommandError(f"--week: not an ISO week (YYYY-Www): {options['week']!r}")
        try:
            counts = weekly_reports_draft(actor=SYSTEM, week_start=week)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"drafted {counts['created']}, refreshed {counts['refreshed']}")
