"""Accounts: unique usernames regardless of case, password policy, hashing (S1, S15, S16)."""

import importlib
import secrets
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casework.core.roles import Role
from casework.staff.models import User


@pytest.mark.django_db
def test_usernames_are_unique_regardless_of_case() -> None:
    """S1: `Alice` then `alice` fails."""
    User.objects.create_user(username="Alice", password=None, role=Role.AUDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="alice", password=None, role=Role.AUDITOR)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_fresh_install_has_no_accounts() -> None:
    """S1: no default account, so no default password."""
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "password",
    ["seven77", "password123", "12345678901", "qwertyuiop"],
)
def test_weak_passwords_are_rejected(password: str) -> None:
    """S15: length 7, common and numeric passwords fail."""
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    ["eightchr", "all lower case words here", "x" * 64, "ÿ" * 100 + " long unicode passphrase"],
)
def test_long_and_plain_passwords_are_accepted(password: str) -> None:
    """S15: no composition rules; 64+ characters accepted."""
    validate_password(password)


def test_production_hashes_with_pbkdf2_sha256_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """S16: PBKDF2-SHA256 first, with at least Django's default iterations."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", secrets.token_urlsafe(40))
    sys.modules.pop("casework.settings.production", None)
    try:
        production = importlib.import_module("casework.settings.production")
    finally:
        sys.modules.pop("casework.settings.production", None)
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert PBKDF2PasswordHasher.algorithm == "pbkdf2_sha256"
    assert PBKDF2PasswordHasher.iterations >= 1_000_000


@pytest.mark.django_db
def test_passwords_are_stored_hashed_never_plain() -> None:
    user = User.objects.create_user(username="bob", password="a long passphrase", role="auditor")
    assert "a long passphrase" not in user.password
    assert identify_hasher(user.password).algorithm in {"md5", "pbkdf2_sha256"}
    assert user.check_password("a long passphrase")


@pytest.mark.django_db
def test_a_legacy_hash_is_upgraded_on_login(settings: object) -> None:
    """S16: a password stored with an older hasher is rehashed with the first one."""
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = User.objects.create_user(username="carol", password=None, role="auditor")
    User.objects.filter(pk=user.pk).update(password=make_password("old passphrase", hasher="md5"))
    user.refresh_from_db()
    assert user.check_password("old passphrase")
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
