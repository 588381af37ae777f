"""Break-glass (N2, S19): declare an emergency to read one consumer's records outside
your relationship, for a limited time, and the compliance review of every declaration.

- Who may declare: a role the program allows (`BreakGlassSettings`, default
  `policy.BREAK_GLASS_DEFAULT_ROLES`), with a reason, for a consumer of their own program
  they do not already reach. Restricted records (protections) are never opened.
- What it opens: reads (`consumer.read`) of that consumer's records through the loads of
  `web.access`, until `CASEWORK_BREAK_GLASS_MINUTES` (60) after the declaration. Lists
  and searches stay within the relationship; nothing may be written under it.
- What it records: the declaration (one `create` event), and every event of a request
  that opened a record under it, carries purpose ETREAT and `break_glass=true`; the
  declaration waits in the compliance review queue until a compliance officer accepts or
  escalates it, with a note (one `update` event).
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import BREAK_GLASS_DEFAULT_ROLES, Permission, Scope, scope_for
from casework.core.roles import PurposeOfUse, Role
from casework.staff.models import User
from casework.web.models import BreakGlassSettings, EmergencyAccess, ReviewOutcome

logger = logging.getLogger("casework.security")

REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000
# Who reviews declarations: the compliance office (auditors read the queue, read-only).
REVIEWER_ROLES = frozenset({Role.COMPLIANCE_OFFICER})


def emergency_actor(actor: Actor) -> Actor:
    """`actor` acting under a declared emergency: purpose ETREAT, `break_glass=true`."""
    return replace(actor, purpose_of_use=PurposeOfUse.EMERGENCY, break_glass=True)


def break_glass_roles(*, program_id: int) -> frozenset[str]:
    """The roles of the program that may declare an emergency."""
    row = BreakGlassSettings.objects.filter(program_id=program_id).first()
    return BREAK_GLASS_DEFAULT_ROLES if row is None else frozenset(row.roles)


def may_break_glass(*, user: User) -> bool:
    """Whether `user`'s role may declare an emergency in their program."""
    if user.program_id is None or not user.is_active:
        return False
    if scope_for(user.role, Permission.CONSUMER_READ) == Scope.NONE:
        return False
    return user.role in break_glass_roles(program_id=user.program_id)


def emergency_grants(user: User) -> dict[int, datetime]:
    """consumer id → expiry of the unexpired emergency accesses `user` holds (none when the
    program no longer allows the role): asked of the database at most once per request,
    and only when a load missed (the user object is loaded afresh for each request)."""
    cached = getattr(user, "_casework_emergency_grants", None)
    if cached is None:
        cached = {}
        program_id = user.program_id
        if program_id is not None and may_break_glass(user=user):
            rows = EmergencyAccess.objects.filter(
                user_id=user.pk, program_id=program_id, expires_at__gt=clock.now()
            ).values_list("consumer_id", "expires_at")
            for consumer_id, expires_at in rows:
                cached[consumer_id] = max(expires_at, cached.get(consumer_id, expires_at))
        user._casework_emergency_grants = cached  # type: ignore[attr-defined]
    return dict(cached)


def emergency_grants_known(user: User) -> dict[int, datetime]:
    """The emergency accesses this request has looked up already (none when it has not
    needed to): lets the guard mark its actor without asking the database."""
    return dict(getattr(user, "_casework_emergency_grants", None) or {})


def emergency_access_declare(
    *, actor: Actor, record_number: str, reason: str, reaches: Callable[[int], bool]
) -> EmergencyAccess:
    """Declare an emergency over the consumer of the actor's program with this record
        number (`reaches` answers whether the actor's relationship reaches a consumer). Who
    may: a role the program allows. Refused (nothing written) without a
        reason of at least 20 characters, for a number no consumer holds, and for a consumer
        the actor already reaches or already holds an emergency access to. Audits one
        `create` event (purpose ETREAT, break_glass) naming the consumer, and logs a
        notification for the compliance office (ids only)."""
    user = actor.user
    if not may_break_glass(user=user):
        raise RuleViolation("your role may not declare an emergency (break-glass) in this program")
    program_id = user.program_id
    assert program_id is not None  # may_break_glass refuses a user without a program
    reason = (reason or "").strip()
    record_number = (record_number or "").strip()
    errors: dict[str, list[str]] = {}
    if not record_number:
        errors["record_number"] = ["give the consumer's medical record number"]
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = [
            f"say why this is an emergency, in at least {REASON_MIN_LENGTH} characters"
        ]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"at most {REASON_MAX_LENGTH} characters"]
    if errors:
        raise ValidationFailed(errors)
    consumer = (
        Consumer.objects.filter(program_id=program_id, mrn=record_number, mrn_link_pending=False)
        .only("pk")
        .first()
    )
    if consumer is None:
        raise ValidationFailed.single(
            "record_number", "no consumer of your program has this medical record number"
        )
    if reaches(consumer.pk):
        raise RuleViolation(
            "you already reach this consumer's records: break-glass is only for records "
            "outside your relationship"
        )
    now = clock.now()
    with transaction.atomic():
        if EmergencyAccess.objects.filter(
            user_id=user.pk, consumer_id=consumer.pk, expires_at__gt=now
        ).exists():
            raise RuleViolation("you already hold an emergency access to this consumer")
        minutes = int(getattr(settings, "CASEWORK_BREAK_GLASS_MINUTES", 60))
        grant = EmergencyAccess.objects.create(
            program_id=program_id,
            user=user,
            consumer_id=consumer.pk,
            reason=reason,
            declared_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        audit_record(
            actor=emergency_actor(actor),
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="break_glass",
            object_id=grant.pk,
            detail={"expires_at": grant.expires_at.isoformat(), "minutes": minutes},
        )
    user._casework_emergency_grants = None  # type: ignore[attr-defined]
    logger.warning(
        "break-glass declared: emergency access %s by user %s; review it in the queue",
        grant.pk,
        user.pk,
    )
    return grant


def emergency_access_queue(*, user: User, outcome: str = "") -> QuerySet[EmergencyAccess]:
    """The declarations of `user`'s program, newest first (`outcome` filters); the caller
    checks the role (audit.read)."""
    qs = EmergencyAccess.objects.filter(program_id=user.program_id or 0).select_related(
        "user", "consumer", "reviewed_by"
    )
    if outcome:
        qs = qs.filter(review_outcome=outcome)
    return qs.order_by("-declared_at", "-pk")


def emergency_access_get(*, user: User, access_id: int) -> EmergencyAccess | None:
    """One declaration of `user`'s program, or None."""
    return emergency_access_queue(user=user).filter(pk=access_id).first()


def emergency_access_review(
    *, actor: Actor, access: EmergencyAccess, outcome: str, note: str
) -> EmergencyAccess:
    """Accept or escalate a pending declaration with a note. Who may: a role that reads
    the audit trail (compliance officers), never on their own declaration. Refused
    (nothing written) without a note, with another outcome, or when already reviewed.
    Audits one `update` event naming the consumer."""
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in (ReviewOutcome.ACCEPTED, ReviewOutcome.ESCALATED):
        errors["outcome"] = ["choose accepted or escalated"]
    if not note:
        errors["note"] = ["write what you found"]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"at most {NOTE_MAX_LENGTH} characters"]
    if errors:
        raise ValidationFailed(errors)
    if actor.role not in REVIEWER_ROLES:
        raise RuleViolation("only a compliance officer reviews an emergency access")
    if access.user_id == actor.user.pk:
        raise RuleViolation("another person reviews your own emergency access")
    with transaction.atomic():
        updated = EmergencyAccess.objects.filter(
            Q(pk=access.pk) & Q(review_outcome=ReviewOutcome.PENDING)
        ).update(
            review_outcome=outcome,
            reviewed_by=actor.user,
            reviewed_at=clock.now(),
            review_note=note,
        )
        if not updated:
            raise RuleViolation("this emergency access has been reviewed already")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=access.consumer_id,
            object_type="break_glass",
            object_id=access.pk,
            detail={"outcome": outcome},
        )
    access.refresh_from_db()
    return access
