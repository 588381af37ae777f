"""PostgreSQL: refuse TRUNCATE on the audit tables too (S23).

A statement trigger refuses it unless the session set `casework.allow_truncate = on`:
the test settings set it on their connections, because the test runner empties
tables with TRUNCATE between transactional tests. Production never sets it. Like the
row triggers of 0003 this stops accidents and the application code; the database
privileges (no TRUNCATE for the application's role) stop everything else, and the HMAC
chain detects what gets through.
"""

from django.db import migrations

TABLES = ("core_auditevent", "core_auditseal")

CREATE = """
CREATE OR REPLACE FUNCTION casework_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('casework.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only (TRUNCATE on %)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION casework_audit_no_truncate()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS casework_audit_no_truncate()")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
