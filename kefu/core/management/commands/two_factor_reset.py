"""`kefu two-factor-reset USERNAME`: forget a member's authenticator app (a lost phone).

Run on the server only: the next sign-in enrols a new app. Audited.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.org.models import User
from kefu.org.permissions import SYSTEM


class Command(BaseCommand):
    help = "Forget a member's authenticator app, so the next sign-in enrols a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user called {username!r}")
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=SYSTEM,
            action=Action.UPDATE,
            target=user,
            summary=f"two-factor app reset ({removed} removed)",
        )
        self.stdout.write(f"{username}: {removed} authenticator app(s) removed")
