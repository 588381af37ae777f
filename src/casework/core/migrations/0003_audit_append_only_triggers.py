"""PostgreSQL: refuse UPDATE and DELETE on the audit tables at the database (S23).

Row-level triggers, so raw SQL from the application role fails too. TRUNCATE is left to
privileges (REVOKE TRUNCATE from the application role in production; see docs/audit.md):
a TRUNCATE trigger would also break the test database flush. A superuser can still get
past them (`SET session_replication_role = replica`): that is what the HMAC chain detects.
SQLite has its own triggers (migration 0005).
"""

from django.db import migrations

TABLES = ("core_auditevent", "core_auditseal")

CREATE = """
CREATE OR REPLACE FUNCTION casework_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
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
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION casework_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS casework_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
