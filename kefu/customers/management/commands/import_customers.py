from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.customers import imports
from kefu.errors import DomainError
from kefu.org.models import Department, User
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        "Import customers from an .xlsx or .csv file (R-CUS-10). Every row is checked first; "
        "bad rows are listed with their row number and nothing is imported "
        "unless --good-rows-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--department", required=True, help="code of the serving department")
        parser.add_argument("--manager", help="login name of the customer manager for every row")
        parser.add_argument(
            "--good-rows-only", action="store_true", help="import the good rows, skip the bad"
        )
        parser.add_argument("--bad-rows", help="write the bad rows with reasons to this .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        department = Department.objects.filter(code=o["department"]).first()
        if department is None:
            raise CommandError(f"no department with code {o['department']!r}")
        manager = None
        if o["manager"]:
            manager = User.objects.filter(username=o["manager"], is_active=True).first()
            if manager is None:
                raise CommandError(f"no active staff member {o['manager']!r}")
        try:
            headers, rows = imports.read_table(path.name, path.read_bytes())
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        with tqdm(total=len(rows), desc="check", unit="row", disable=not rows) as bar:
            report = imports.validate_rows(
                headers, rows, progress=lambda done, total: bar.update(done - bar.n)
            )
            bar.update(len(rows) - bar.n)
        for bad in report.bad[:200]:
            self.stderr.write(f"row {bad.row}: {bad.reason}")
        if len(report.bad) > 200:
            self.stderr.write(f"… and {len(report.bad) - 200} more bad rows")
        if o["bad_rows"] and report.bad:
            Path(o["bad_rows"]).write_bytes(imports.bad_rows_xlsx(report))
            self.stderr.write(f"bad rows written to {o['bad_rows']}")
        self.stdout.write(f"{report.total} rows: {len(report.good)} good, {len(report.bad)} bad.")
        if o["dry_run"]:
            return
        if report.bad and not o["good_rows_only"]:
            raise CommandError("nothing imported: fix the bad rows, or pass --good-rows-only")
        with tqdm(
            total=len(report.good), desc="import", unit="row", disable=not report.good
        ) as bar:
            created = imports.customers_import(
                actor=SYSTEM,
                department=department,
                report=report,
                good_rows_only=True,
                manager=manager,
                progress=lambda done, total: bar.update(done - bar.n),
            )
        self.stdout.write(self.style.SUCCESS(f"{created} customers imported."))
