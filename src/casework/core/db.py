"""Database connection set-up: the SQL function behind SQLite's audit triggers (S23)."""

from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created


def audit_locked() -> int:
    """1: the audit tables refuse UPDATE and DELETE. Only the test settings unlock them
    (``CASEWORK_AUDIT_UNLOCKED``), for the test runner's flush between tests."""
    return 0 if getattr(settings, "CASEWORK_AUDIT_UNLOCKED", False) else 1


def _on_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "casework_audit_locked", 0, audit_locked, deterministic=False
        )


def connect() -> None:
    connection_created.connect(_on_connection, dispatch_uid="casework.core.db.audit_locked")
