"""Database connection set-up: the SQL function behind SQLite's audit triggers (S23), and
owner-only SQLite files (the database, its -wal and -shm: they hold PHI)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from casework.settings.files import private_file


def audit_locked() -> int:
    """1: the audit tables refuse UPDATE and DELETE. Only the test settings unlock them
    (``CASEWORK_AUDIT_UNLOCKED``), for the test runner's flush between tests."""
    return 0 if getattr(settings, "CASEWORK_AUDIT_UNLOCKED", False) else 1


def sqlite_files_private(name: str) -> None:
    """Make the database file and its -wal/-shm 0600 (SQLite creates them with the
    process umask, and later -wal/-shm files with the database file's mode)."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm"):
        private_file(Path(f"{name}{suffix}"))


def _on_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "casework_audit_locked", 0, audit_locked, deterministic=False
        )
        sqlite_files_private(str(connection.settings_dict["NAME"]))


def connect() -> None:
    connection_created.connect(_on_connection, dispatch_uid="casework.core.db.audit_locked")
