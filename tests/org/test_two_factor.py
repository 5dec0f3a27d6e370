"""TOTP two-factor sign-in for the sysadmin, the director and the general manager
(issue 10, docs/reliability.md "Web security"; kefu/org/twofactor.py).

Codes are computed here from the secret the enrolment page shows, with RFC 6238 written
out, as an authenticator app on a phone would compute them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.test import Client

from kefu.audit.models import AuditEntry
from kefu.org.roles import Role
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase"
START = dt.datetime(2026, 11, 27, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def totp(secret_b32: str, at: dt.datetime) -> str:
    """RFC 6238 with SHA-1, 30-second steps and 6 digits: what the phone app shows."""
    key = base64.b32decode(secret_b32)
    counter = int(at.timestamp()) // 30
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def sign_in(client: Client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def enrol(client: Client, at: dt.datetime) -> str:
    page = client.get("/accounts/two-factor/?next=/settings/tokens/")
    html = page.content.decode()
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', html).group(1)
    code = totp(secret, at)
    done = client.post("/accounts/two-factor/", {"code": code, "next": "/settings/tokens/"})
    assert done.status_code == 302 and done["Location"] == "/settings/tokens/"
    return secret


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.DIRECTOR, Role.GM])
def test_a_two_factor_role_is_held_until_it_enrols_an_app_and_types_its_code(role):
    member = factories.user(role, password=PASSWORD)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, member)
        held = client.get("/settings/tokens/")
        assert held.status_code == 302
        assert held["Location"] == "/accounts/two-factor/?next=/settings/tokens/"
        # The API through the unverified session is closed too.
        api = client.get("/api/v1/me")
        assert api.status_code == 401
        assert api["Content-Type"] == "application/problem+json"

        page = client.get(held["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', html).group(1)
        uri = unquote(re.search(r'id="otp-uri">([^<]+)<', html).group(1).replace("&amp;", "&"))
        assert uri.startswith("otpauth://totp/")
        assert parse_qs(urlsplit(uri).query)["secret"] == [secret]
        assert '<div class="qr"><svg' in html  # the QR code of the same address

        wrong = client.post("/accounts/two-factor/", {"code": "000000"})
        assert wrong.status_code == 400
        assert "form-errors" in wrong.content.decode()
        assert client.get("/settings/tokens/").status_code == 302

    with time_machine.travel(START + dt.timedelta(seconds=10), tick=False):
        done = client.post(
            "/accounts/two-factor/",
            {"code": totp(secret, START + dt.timedelta(seconds=10)), "next": "/settings/tokens/"},
        )
        assert done.status_code == 302 and done["Location"] == "/settings/tokens/"
        assert client.get("/settings/tokens/").status_code == 200
        assert client.get("/api/v1/me").status_code == 200
        # The password sign-in and the confirmed second step are both in the audit trail.
        assert AuditEntry.objects.filter(actor=member, action="login").count() == 2


def test_after_enrolment_each_sign_in_asks_for_a_fresh_code_and_never_shows_the_secret():
    member = factories.user(Role.DIRECTOR, password=PASSWORD)
    first = Client()
    with time_machine.travel(START, tick=False):
        sign_in(first, member)
        secret = enrol(first, START)

    later = START + dt.timedelta(minutes=5)
    second = Client()
    with time_machine.travel(later, tick=False):
        sign_in(second, member)
        page = second.get("/accounts/two-factor/")
        html = page.content.decode()
        assert 'id="otp-secret"' not in html
        assert secret not in html
        assert 'class="qr"' not in html
        assert second.get("/").status_code == 302
        code = totp(secret, later)
        assert second.post("/accounts/two-factor/", {"code": code}).status_code == 302
        assert second.get("/").status_code == 200

    # The same code cannot be replayed by someone who watched it being typed.
    third = Client()
    with time_machine.travel(later + dt.timedelta(seconds=5), tick=False):
        sign_in(third, member)
        replay = third.post("/accounts/two-factor/", {"code": code})
        assert replay.status_code == 400
        assert third.get("/").status_code == 302


def test_guessing_codes_is_slowed_down():
    member = factories.user(Role.SYSADMIN, password=PASSWORD)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, member)
        secret = enrol(client, START)
    client.post("/accounts/logout/")
    at = START + dt.timedelta(minutes=2)
    with time_machine.travel(at, tick=False):
        sign_in(client, member)
        for _ in range(3):
            assert client.post("/accounts/two-factor/", {"code": "123456"}).status_code == 400
        # Right after three wrong codes even the right one is refused for a while.
        right_away = client.post("/accounts/two-factor/", {"code": totp(secret, at)})
        assert right_away.status_code == 400
    later = at + dt.timedelta(seconds=31)
    with time_machine.travel(later, tick=False):
        assert (
            client.post("/accounts/two-factor/", {"code": totp(secret, later)}).status_code == 302
        )


def test_other_roles_sign_in_with_the_password_alone():
    member = factories.user(Role.AGENT, Role.CS_SUPERVISOR, password=PASSWORD)
    client = Client()
    sign_in(client, member)
    assert client.get("/settings/tokens/").status_code == 200


def test_api_bearer_tokens_are_not_held_by_two_factor():
    """A token is issued from a verified session or on the server (`kefu token create`);
    it is hashed, expires and can be revoked, so it stands on its own."""
    director = factories.user(Role.DIRECTOR, password=PASSWORD)
    assert ApiClient(director).get("me").status_code == 200


def test_it_is_a_setting_and_off_lets_the_password_do(settings):
    settings.TWO_FACTOR_REQUIRED = False
    member = factories.user(Role.DIRECTOR, password=PASSWORD)
    client = Client()
    sign_in(client, member)
    assert client.get("/settings/tokens/").status_code == 200


def test_a_next_address_elsewhere_is_not_followed():
    member = factories.user(Role.GM, password=PASSWORD)
    client = Client()
    with time_machine.travel(START, tick=False):
        sign_in(client, member)
        page = client.get("/accounts/two-factor/")
        secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
        done = client.post(
            "/accounts/two-factor/", {"code": totp(secret, START), "next": "https://evil.test/"}
        )
        assert done["Location"] == "/"


def test_a_lost_phone_is_reset_on_the_server_and_the_next_sign_in_enrols_again():
    from django.core.management import call_command

    member = factories.user(Role.DIRECTOR, password=PASSWORD)
    with time_machine.travel(START, tick=False):
        client = Client()
        sign_in(client, member)
        old_secret = enrol(client, START)
    call_command("two_factor_reset", member.username, verbosity=0)
    again = Client()
    sign_in(again, member)
    page = again.get("/accounts/two-factor/").content.decode()
    new_secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page).group(1)
    assert new_secret != old_secret
