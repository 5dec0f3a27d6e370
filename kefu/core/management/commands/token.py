from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kefu.errors import DomainError
from kefu.org.models import ApiToken, User
from kefu.org.permissions import SYSTEM
from kefu.org.services import token_create, token_revoke


class Command(BaseCommand):
    help = "API tokens: create USERNAME [--name N --days D] | list [USERNAME] | revoke ID"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token and print it (shown once)")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument("--days", type=int)
        listing = sub.add_parser("list", help="list tokens")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke a token by id")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **o):
        try:
            getattr(self, f"_{o['action']}")(o)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user called {username!r}")
        return user

    def _create(self, o) -> None:
        user = self._user(o["username"])
        _token, key = token_create(actor=SYSTEM, user=user, name=o["name"] or "cli", days=o["days"])
        self.stdout.write(key)

    def _list(self, o) -> None:
        tokens = ApiToken.objects.select_related("user")
        if o["username"]:
            tokens = tokens.filter(user=self._user(o["username"]))
        for t in tokens:
            state = "revoked" if t.revoked_at else ("expired" if not t.is_usable() else "active")
            self.stdout.write(
                f"{t.pk:>5}  {t.user.username:<16} {t.prefix}  {t.name:<20} "
                f"expires {t.expires_at:%Y-%m-%d}  {state}"
            )

    def _revoke(self, o) -> None:
        token = ApiToken.objects.filter(pk=o["id"]).first()
        if token is None:
            raise CommandError(f"no token with id {o['id']}")
        token_revoke(actor=SYSTEM, token=token)
        self.stdout.write(f"revoked token {token.pk}")
