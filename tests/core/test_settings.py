"""Settings that security and durability depend on (S26, S46, S22)."""

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

from casework.settings.base import sqlite_database


def test_sqlite_is_configured_wal_full_immediate() -> None:
    """S46: WAL, synchronous=FULL, IMMEDIATE transactions, foreign keys on."""
    options = sqlite_database(Path("x.sqlite3"))["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    pragmas = options["init_command"]
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        assert f"PRAGMA {pragma};" in pragmas


def test_a_sqlite_connection_really_runs_in_wal_full_mode(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    params = sqlite_database(tmp_path / "db.sqlite3")
    params.update(
        {"TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True}
    )
    params.update({"ATOMIC_REQUESTS": False, "USER": "", "PASSWORD": "", "HOST": "", "PORT": ""})
    params["TEST"] = {}
    wrapper = DatabaseWrapper(params, alias="s46")
    with django_db_blocker.unblock():
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA synchronous")
                assert cursor.fetchone()[0] == 2  # FULL
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1
            assert wrapper.transaction_mode == "IMMEDIATE"
        finally:
            wrapper.close()


def test_time_is_utc_and_aware() -> None:
    """S26: aware UTC timestamps everywhere."""
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "UTC"


def test_audit_key_comes_from_settings_not_the_database() -> None:
    assert settings.CASEWORK_AUDIT_KEY


def test_tasks_use_the_database_backend() -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def _import_fresh(name: str) -> ModuleType:
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


# Strong enough for the production settings' check (issue 12, defect 6): random-looking.
SECRET_KEY = "q7Vb2-Lx9Tn4Rz8Wc1Hy6Jk3Pm5Sd0Fg_Ua8Eo2Ni7Bt4Xw9Qr1Zv6Cy3Mh5Kp0Ls"
AUDIT_KEY = "Zq3vN8pL0tXr5YwB2mKc7HsDf4Jg9AeU"


def test_production_settings_require_their_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("CASEWORK_AUDIT_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _import_fresh("casework.settings.production")


def test_production_settings_are_hardened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", "/var/log/casework/audit.log")
    production = _import_fresh("casework.settings.production")
    assert production.CASEWORK_PRODUCTION is True
    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.CASEWORK_AUDIT_KEY == AUDIT_KEY


def test_production_settings_require_a_checkpoint_file_off_the_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """S24: the audit chain's checkpoints live outside the database, on another volume."""
    from django.core.exceptions import ImproperlyConfigured

    from casework.settings.base import DATA_DIR

    monkeypatch.setenv("DJANGO_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.delenv("CASEWORK_AUDIT_CHECKPOINT_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="CASEWORK_AUDIT_CHECKPOINT_FILE must be set"):
        _import_fresh("casework.settings.production")
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "sub" / "audit.log"))
    with pytest.raises(ImproperlyConfigured, match="must not be in the data directory"):
        _import_fresh("casework.settings.production")
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", "/var/log/casework/audit.log")
    production = _import_fresh("casework.settings.production")
    assert production.CASEWORK_AUDIT_CHECKPOINT_FILE == "/var/log/casework/audit.log"


def test_dev_generates_its_audit_key_into_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASEWORK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CASEWORK_AUDIT_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    base = sys.modules.pop("casework.settings.base")
    try:
        dev = _import_fresh("casework.settings.dev")
    finally:
        sys.modules["casework.settings.base"] = base
    key_file = tmp_path / "audit.key"
    assert key_file.read_text().strip() == dev.CASEWORK_AUDIT_KEY
    assert len(dev.CASEWORK_AUDIT_KEY) >= 40
    assert key_file.stat().st_mode & 0o777 == 0o600
