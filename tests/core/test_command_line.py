"""The kefu command: help, configuration errors in one line, demo, users and tokens."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from kefu.core.demo import ROLE_USERS
from kefu.org.models import User
from kefu.org.roles import Role
from tests.conftest import ApiClient


def _kefu(*args: str, env: dict | None = None, tmp_path=None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    if tmp_path is not None:
        environment["KEFU_VAR_DIR"] = str(tmp_path)
    environment.update(env or {})
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_it_lists_its_commands_in_help():
    out = _kefu("--help").stdout
    for command in ("serve", "worker", "migrate", "demo", "createuser", "token"):
        assert f"  {command}" in out


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEFU_DEBUG", "maybe"),
        ("KEFU_PORT", "eighty"),
        ("KEFU_DATABASE_URL", "mysql://x/y"),
        ("KEFU_TIME_ZONE", "Mars/Olympus"),
        ("KEFU_SECRET_KEY", "short"),
    ],
)
def test_it_stops_on_a_bad_setting_with_one_line_naming_the_variable(tmp_path, variable, value):
    result = _kefu("check", env={variable: value}, tmp_path=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert variable in lines[0]


@pytest.mark.django_db
def test_it_loads_the_demo_with_one_login_per_role(settings):
    call_command("demo", verbosity=0)
    for role in Role:
        member = User.objects.get(username=role.value)
        assert role.value in member.role_codes
        assert member.check_password(settings.DEMO_PASSWORD)
        assert member.department is not None
    assert len(ROLE_USERS) == len(Role)
    agents = User.objects.filter(role_rows__role=Role.AGENT).count()
    assert agents >= 12  # the seed's staffing plan: 12 agents (R-CC-11)
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    assert Customer.objects.count() >= 200
    assert Ticket.objects.count() >= 200
    assert Ticket.objects.filter(state="closed").exists()


@pytest.mark.django_db
def test_it_loads_the_demo_only_into_an_empty_database():
    call_command("demo", steps="", verbosity=0)
    count = User.objects.count()
    call_command("demo", if_empty=True, verbosity=0)
    assert User.objects.count() == count
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", steps="", verbosity=0)


@pytest.mark.django_db
def test_it_prints_a_working_api_token(capsys):
    call_command("createuser", "pbx", role=["agent"], password="a-long-pass-phrase")
    call_command("token", "create", "pbx")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiClient(token=key).get("me").json()["username"] == "pbx"


@pytest.mark.django_db
def test_it_refuses_createuser_with_a_weak_password():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="short|common|numeric|短|常见|数字"):
        call_command("createuser", "pbx", password="1234")
    assert not User.objects.filter(username="pbx").exists()


@pytest.mark.django_db
def test_it_has_no_model_change_without_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
