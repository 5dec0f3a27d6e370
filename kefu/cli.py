"""The ``kefu`` console command: Kefu's own commands, and every Django management command."""

from __future__ import annotations

import os
import sys

COMMANDS = [
    ("serve", "serve the web app and API (and start the background worker)"),
    ("worker", "run the background worker (periodic jobs, imports, reports)"),
    ("migrate", "create or update the database tables"),
    ("demo", "load the demo organisation and data (only into an empty database)"),
    ("createuser", "create a staff member with roles"),
    ("import-customers", "import customers from .xlsx/.csv: FILE --department CODE"),
    ("export-customers", "export customers, masked: FILE --as USERNAME [-q SEARCH]"),
    ("import-calls", "import call records: FILE --format asterisk-cdr|queue-log|csv"),
    ("staffing", "Erlang seats for one interval: --calls N --aht SECONDS [--target-sl 0.8]"),
    ("forecast", "forecast a week's calls and seats from the call history [--week YYYY-Www]"),
    ("roster", "build the week's roster of named agents: --week YYYY-Www [--json]"),
    ("followups-generate", "plan callbacks, complaint callbacks and upkeep [--today YYYY-MM-DD]"),
    ("weekly-reports", "draft the week's reports of technical service: draft [--week YYYY-Www]"),
    ("report", "build the monthly supervision report: monthly [--month YYYY-MM] [--xlsx FILE]"),
    ("token", "API tokens: token create USERNAME | token list [USERNAME] | token revoke ID"),
    ("two-factor-reset", "forget a member's authenticator app (lost phone): USERNAME"),
    ("generate", "add realistic data at scale: --customers N --tickets N --calls N [--seed S]"),
    ("backup", "back up the database while in use: FILE (SQLite backup API or pg_dump)"),
    ("restore", "restore a backup into an empty database: FILE"),
    ("check", "check the configuration (add --deploy for production)"),
    ("shell", "a Python shell with Kefu loaded"),
]

HELP = "\n".join(
    [
        "usage: kefu COMMAND [options]",
        "",
        "Kefu (客服) customer service management system.",
        "",
        "commands:",
        *[f"  {name:<12}{text}" for name, text in COMMANDS],
        "",
        "Every Django management command works too (kefu help lists them all).",
        "Settings come from KEFU_* environment variables; see README.md.",
        "`kefu COMMAND --help` explains one command.",
    ]
)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        print(HELP)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"kefu: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    if not argv[0].startswith("-"):
        # `kefu import-customers` runs the Django command import_customers.
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["kefu", *argv])


if __name__ == "__main__":  # pragma: no cover
    main()
