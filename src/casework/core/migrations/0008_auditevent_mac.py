"""Each audit event carries its own HMAC from the moment the application writes it (S24).

Events written before this migration have no MAC, and `casework audit verify` reports
the first of them: the product has no production installation from before it, and a
development database is re-created with `casework demo-data` (docs/audit.md).

SQLite adds the column by re-creating the table, which drops its triggers: the
append-only triggers of migration 0005 are created again for it.
"""

from django.db import migrations, models

TABLE = "core_auditevent"


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for operation in ("UPDATE", "DELETE"):
        name = f"{TABLE}_append_only_{operation.lower()}"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {operation} ON {TABLE} "
            "WHEN casework_audit_locked() "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only ({operation} on "
            f"{TABLE})'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_deadline_kind_registered")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
