from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kefu.customers import imports, selectors
from kefu.errors import DomainError
from kefu.org.models import User


class Command(BaseCommand):
    help = (
        "Export customers (optionally a search) to .xlsx or .csv as a staff member sees them: "
        "personal data masked (R-CUS-10, R-SEC-1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file to write")
        parser.add_argument(
            "--as", dest="username", required=True, help="export as this staff member"
        )
        parser.add_argument(
            "-q", "--query", default="", help="search text (name, phone, company, address, ID)"
        )

    def handle(self, *args, **o):
        path = Path(o["file"])
        fmt = path.suffix.lower().lstrip(".")
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active staff member {o['username']!r}")
        try:
            queryset = selectors.customer_search(
                user, o["query"], queryset=selectors.customers_visible(user, "customer.export")
            )
            content, _kind, _name = imports.customers_export(actor=user, queryset=queryset, fmt=fmt)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"written {path}"))
