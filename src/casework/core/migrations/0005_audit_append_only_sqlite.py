"""SQLite: refuse UPDATE and DELETE on the audit tables at the database (S23).

The triggers call `casework_audit_locked()`, an SQL function the application registers
on each of its connections (`core.db`): it returns 1 unless the test settings unlock
the tables (the test runner empties tables with DELETE between transactional tests).
A connection that is not the application's (the sqlite3 shell) does not have the
function, so the trigger fails there too: the tables stay append-only for everyone but
someone who drops the triggers, which the HMAC chain then detects.
"""

from django.db import migrations

TABLES = ("core_auditevent", "core_auditseal")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            name = f"{table}_append_only_{operation.lower()}"
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                "WHEN casework_audit_locked() "
                f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only ({operation} on "
                f"{table})'); END"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{operation}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
