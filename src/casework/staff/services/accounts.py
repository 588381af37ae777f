"""Staff accounts created from the console (`casework createstaff`, demo data) (S1, S15, S21).

There is no default account and no default password: every password is typed by the
operator or generated here, and checked by Django's password validators.
"""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest

from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction, Program, Team
from casework.core.roles import Role
from casework.staff.models import User


def password_generate() -> str:
    """A random password: 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


def staff_account_create(
    *,
    username: str,
    role: str,
    password: str,
    program: Program | None = None,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    languages: str = "",
) -> User:
    """Create an active staff account with a role; the administrator role may use the admin
    site. Usernames are unique regardless of case (S1); the password must pass the
    validators (S15). Audits one privilege change (S21), by the console."""
    if role not in Role.values:
        raise ValidationFailed.single("role", f"unknown role '{role}'")
    if not username.strip():
        raise ValidationFailed.single("username", "a username is required")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed.single("username", f"the username '{username}' is taken")
    if team is not None and program is not None and team.program_id != program.pk:
        raise ValidationFailed.single("team", "the team belongs to another program")
    if team is not None and program is None:
        program = team.program
    user = User(
        username=username,
        role=role,
        program=program,
        team=team,
        first_name=first_name,
        last_name=last_name,
        email=email,
        languages=languages,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    try:
        validate_password(password, user)
    except Exception as error:  # django ValidationError: a list of reasons
        reasons = getattr(error, "messages", [str(error)])
        raise ValidationFailed({"password": list(reasons)}) from error
    user.set_password(password)
    with transaction.atomic():
        user.save()
        if team is not None and role == Role.SUPERVISOR and team.supervisor_id is None:
            Team.objects.filter(pk=team.pk, supervisor__isnull=True).update(supervisor=user)
        audit_record(
            actor=None,
            username="console",
            action=AuditAction.PRIVILEGE,
            object_type="user",
            object_id=user.pk,
            detail={"target": user.username, "old_role": "", "new_role": role},
        )
    return user


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name a sign-in attempt is counted under for throttling (S14, django-axes
    ``AXES_USERNAME_CALLABLE``): case-folded, because usernames are unique regardless of
    case, so ``Alice`` and ``alice`` share one count."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return str(username).casefold() if username else None
