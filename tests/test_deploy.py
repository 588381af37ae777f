"""Production settings pass Django's deployment checks and refuse to start without secrets
(S31, S32, S50)."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "casework.settings.production",
            "CASEWORK_DATA_DIR": str(tmp_path),
            "CASEWORK_ALLOWED_HOSTS": "cm.example.org",
            "CASEWORK_AUDIT_CHECKPOINT_FILE": str(tmp_path.parent / "audit-checkpoints.log"),
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "casework.cli", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=base,
        check=False,
    )


def test_deploy_check_is_clean(tmp_path: Path) -> None:
    result = run_check(
        tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), CASEWORK_AUDIT_KEY="k" * 32
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_the_audit_key(tmp_path: Path) -> None:
    result = run_check(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), CASEWORK_AUDIT_KEY="")
    assert result.returncode == 1
    assert "CASEWORK_AUDIT_KEY must be set in production" in result.stderr


def test_production_security_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", "k" * 32)
    monkeypatch.setenv("CASEWORK_AUDIT_CHECKPOINT_FILE", "/var/log/casework/audit.log")
    sys.modules.pop("casework.settings.production", None)
    production = importlib.import_module("casework.settings.production")
    sys.modules.pop("casework.settings.production", None)

    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.DEBUG is False
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
