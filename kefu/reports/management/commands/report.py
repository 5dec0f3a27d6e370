"""``kefu report monthly --month YYYY-MM [--xlsx FILE]``: build the supervision report now."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import DomainError
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = "Build the monthly service supervision report (R-SUP-2) from the data."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["monthly"])
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--xlsx", type=Path, help="also write the report as an xlsx file")

    def handle(self, *args, **options):
        from kefu.core.periods import parse_month
        from kefu.reports.services import monthly_report_build
        from kefu.reports.xlsx import report_xlsx

        try:
            month = parse_month(options["month"]) if options["month"] else None
            report = monthly_report_build(actor=SYSTEM, month=month)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            f"report {report}: built in {report.build_seconds:.2f} s, "
            f"{report.data['requests']['received']} requests, "
            f"{report.data['complaints']['total']} complaints, "
            f"{report.data['calls']['offered'] or 0} calls offered"
        )
        if options["xlsx"]:
            options["xlsx"].write_bytes(report_xlsx(report))
            self.stdout.write(f"written {options['xlsx']}")
