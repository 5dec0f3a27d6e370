"""Backups that restore: ``kefu backup`` and ``kefu restore`` on the database the suite runs on.

Each test is a real installation: the `kefu` command in a subprocess with its own data
folder (SQLite) or its own two PostgreSQL databases, so the backup and the restore are the
very commands an administrator runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PG_URL = os.environ.get("KEFU_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def _kefu(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def _checksums(env: dict) -> dict:
    out = _kefu(
        env,
        "shell",
        "-c",
        "import json; from kefu.core.backup import table_checksums; "
        "print(json.dumps(table_checksums()))",
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env(var_dir: Path, database_url: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"KEFU_VAR_DIR": str(var_dir), "KEFU_TESTING": "0"})
    if database_url:
        env["KEFU_DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """Makes installations: a new SQLite folder, or a new PostgreSQL database, each time."""
    made: list[str] = []
    base = PG_URL.rsplit("/", 1)[0]

    def make(name: str) -> dict:
        folder = tmp_path_factory.mktemp(name)
        if not ON_POSTGRES:
            return _env(folder)
        import psycopg

        db = f"kefu_backup_{uuid.uuid4().hex[:8]}_{name}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db}"')
        made.append(db)
        return _env(folder, f"{base}/{db}")

    yield make
    if made:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for db in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture(scope="module")
def live(databases):
    """An installation in use: migrated, with the demo's customers."""
    env = databases("live")
    _kefu(env, "migrate", "--noinput")
    _kefu(env, "demo", "--steps", "customers")
    return env


def test_it_restores_a_backup_into_an_empty_database_with_every_row(live, databases, tmp_path):
    empty = databases("restored")
    made = _kefu(live, "backup", str(tmp_path / "kefu.backup"))
    assert "backed up" in made.stdout
    restored = _kefu(empty, "restore", str(tmp_path / "kefu.backup"))
    assert "restored" in restored.stdout
    before, after = _checksums(live), _checksums(empty)
    assert before == after
    assert before["customers_customer"][0] >= 200 and before["audit_auditentry"][0] > 0
    # The restored installation carries on: nothing is left to migrate.
    assert "No migrations to apply" in _kefu(empty, "migrate", "--noinput").stdout


def test_it_refuses_to_restore_over_a_database_in_use(live, tmp_path):
    _kefu(live, "backup", str(tmp_path / "kefu.backup"))
    refused = _kefu(live, "restore", str(tmp_path / "kefu.backup"), check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr


def test_it_refuses_a_file_that_is_no_backup_and_a_backup_file_that_exists(
    live, databases, tmp_path
):
    stray = tmp_path / "notes.txt"
    stray.write_text("not a backup")
    refused = _kefu(databases("empty"), "restore", str(stray), check=False)
    assert refused.returncode != 0 and "not a Kefu backup" in refused.stderr
    again = _kefu(live, "backup", str(stray), check=False)
    assert again.returncode != 0 and "exists" in again.stderr
    assert stray.read_text() == "not a backup"  # left as it was
