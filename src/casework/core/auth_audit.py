"""Audit of sign-in, failed sign-in and sign-out through Django's auth signals (N1, S20).

Connected in `CoreConfig.ready()`. A failed sign-in names the username tried (never the
password) and the client address; it has no actor because nobody was authenticated.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from casework.core.actor import actor_for, client_address
from casework.core.audit import audit_record
from casework.core.models import AuditAction, AuditOutcome

USERNAME_MAX = 150


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    address = client_address(request) if request is not None else None
    audit_record(
        actor=actor_for(user, address=address),
        action=AuditAction.LOGIN,
        object_type="session",
    )


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    address = client_address(request) if request is not None else None
    audit_record(
        actor=actor_for(user, address=address),
        action=AuditAction.LOGOUT,
        object_type="session",
    )


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:USERNAME_MAX]
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.DENIED,
        object_type="session",
        username=username,
        client_address=client_address(request) if request is not None else None,
    )


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="casework.auth_audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="casework.auth_audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="casework.auth_audit.login_failed")
