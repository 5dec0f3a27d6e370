"""Statistics on which departments and owners hold the open tickets (PostgreSQL only).

PostgreSQL estimates ``department = X AND state IN (open states)`` as if the two were
unrelated: on the load database it expected 5,047 open tickets in a department that had 258,
and counted the queue through the state index, reading every open ticket of the company
(17 ms) instead of the department's (0.7 ms). Statistics on the pairs tell it how they go
together. SQLite has no such statistics; there this migration does nothing.
"""

from django.db import migrations

PAIRS = {
    "tic_dept_state_stx": "department_id, state",
    "tic_owner_state_stx": "owner_id, state",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in PAIRS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} (mcv, dependencies) "
            f"ON {columns} FROM tickets_ticket"
        )
    schema_editor.execute("ANALYZE tickets_ticket")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PAIRS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_open_queue_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
