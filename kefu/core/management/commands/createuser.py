from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import DomainError
from kefu.org.models import Department
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.org.services import staff_create


class Command(BaseCommand):
    help = "Create a staff member. Example: kefu createuser wang --role agent --department cs"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--role", action="append", default=[], choices=Role.values)
        parser.add_argument("--department", help="department code")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="otherwise asked for (or KEFU_NEW_PASSWORD)")

    def handle(self, *args, **o):
        import os

        department = None
        if o["department"]:
            department = Department.objects.filter(code=o["department"]).first()
            if department is None:
                raise CommandError(f"no department with code {o['department']!r}")
        password = o["password"] or os.environ.get("KEFU_NEW_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            user = staff_create(
                actor=SYSTEM,
                username=o["username"],
                password=password,
                full_name=o["full_name"],
                email=o["email"],
                department=department,
                roles=o["role"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"created {user.username} ({', '.join(o['role']) or 'no role'})")
        )
