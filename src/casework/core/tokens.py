"""Per-user API tokens for REST clients (S7, S12): issue, verify, revoke, list.

A token is `cw_` followed by 43 URL-safe characters (256 random bits). Only its SHA-256
is stored, with the first 11 characters as a prefix to tell tokens apart in listings.
The raw value is shown once, when issued. A token fails closed: unknown, revoked,
expired, or belonging to a disabled user or one outside any program → no user.
Issuing and revoking write one `privilege` audit event each.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet

from casework.core import clock
from casework.core.audit import audit_record
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import ApiToken, AuditAction, Team
from casework.core.prepared import PreparedQuery
from casework.staff.models import User

TOKEN_PREFIX = "cw_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 11
# The raw token is `cw_` + token_urlsafe(32): 43 characters of base64url.
RAW_LENGTH = len(TOKEN_PREFIX) + 43
# last_used_at is written at most this often per token, so reads stay mostly read-only.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """What is stored of a raw token (API tokens and the receivers' credentials)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(
    *, user: User, name: str, expires_at: datetime | None = None, issued_by: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the raw token (shown once).

    Who: an administrator at the console (`casework apitoken create`). Audits one
    privilege event naming the user and the token id, never the token."""
    name = name.strip()
    if not name:
        raise ValidationFailed.single("name", "name the token (the client that will use it)")
    if len(name) > 100:
        raise ValidationFailed.single("name", "at most 100 characters")
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed.single("expires_at", "the expiry must be in the future")
    if not user.is_active:
        raise RuleViolation("the user is disabled")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            key_hash=token_hash(raw),
            created_at=now,
            expires_at=expires_at,
        )
        audit_record(
            actor=None,
            username=issued_by,
            action=AuditAction.PRIVILEGE,
            object_type="api_token",
            object_id=token.pk,
            detail={"event": "token_issued", "user_id": user.pk, "expires": bool(expires_at)},
        )
    return token, raw


_USER_FIELDS = User._meta.concrete_fields
_TEAM_FIELDS = Team._meta.concrete_fields
_USER_NAMES = [f.attname for f in _USER_FIELDS]
_TEAM_NAMES = [f.attname for f in _TEAM_FIELDS]


def _verify_query(key: str) -> QuerySet[ApiToken, tuple[Any, ...]]:
    """The live token with this hash: its id, expiry, last use, its user's and the user's
    team's columns, and the user's program's time zone (so the request needs no further
    load of any of them)."""
    return ApiToken.objects.filter(key_hash=key, revoked_at__isnull=True).values_list(
        "id",
        "expires_at",
        "last_used_at",
        *(f"user__{f.attname}" for f in _USER_FIELDS),
        *(f"user__team__{f.attname}" for f in _TEAM_FIELDS),
        "user__program__time_zone",
    )[:1]


# Every API request verifies a token: its query is compiled once (see core.prepared). The
# sample is a SHA-256 hex digest no other parameter of the query can equal.
_VERIFY = PreparedQuery(_verify_query, key="0" * 64)


def token_verify(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Never raises on bad input.

    One query (the token with its user, team and program time zone) and, at most once a
    minute per token, an update of `last_used_at`. Nothing is cached between requests: a
    revoked token, an expiry or a disabled user takes effect from the next request."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) != RAW_LENGTH:
        return None
    found = _VERIFY.rows(key=token_hash(raw))
    if not found:
        return None
    row = found[0]
    token_id, expires_at, last_used_at = row[0], row[1], row[2]
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        return None
    split = 3 + len(_USER_FIELDS)
    user = User.from_db(DEFAULT_DB_ALIAS, _USER_NAMES, row[3:split])
    if not user.is_active:
        return None
    team_values = row[split:-1]
    user.team = (
        Team.from_db(DEFAULT_DB_ALIAS, _TEAM_NAMES, team_values)
        if team_values[0] is not None
        else None
    )
    user.loaded_time_zone = row[-1] or ""
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def token_revoke(*, token_id: int, revoked_by: str = "") -> ApiToken:
    """Revoke a token; it fails authentication from the next request on. Audits one
    privilege event. Revoking twice is refused (the first revocation time is kept)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None:
            raise ValidationFailed.single("token", "no such token")
        if token.revoked_at is not None:
            raise RuleViolation("the token is already revoked")
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=None,
            username=revoked_by,
            action=AuditAction.PRIVILEGE,
            object_type="api_token",
            object_id=token.pk,
            detail={"event": "token_revoked", "user_id": token.user_id},
        )
    return token


def token_list(*, user: User | None = None) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("user").order_by("user__username", "created_at", "id")
    return qs.filter(user=user) if user is not None else qs
