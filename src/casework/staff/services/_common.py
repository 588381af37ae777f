"""Shared pieces of the staff services: deadline kinds, evidence limits, helpers."""

from datetime import date, datetime, time

from django.db import models
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.documents import UPLOAD_TYPES
from casework.core.errors import RuleViolation, ValidationFailed
from casework.staff.models import (
    User,
)


class StaffDeadline(models.TextChoices):
    """Deadline kinds of this context (rows in core.Deadline; overdue is a query)."""

    REVERIFICATION = "staff_reverification", _("Credential re-verification due")
    EXPIRY = "staff_credential_expiry", _("Credential expires")
    CE = "staff_ce_due", _("Continuing education due")
    TRAINING = "staff_training_due", _("Training due")


EVIDENCE_TYPES = UPLOAD_TYPES
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _audit(
    actor: Actor, action: str, object_type: str, object_id: object, **detail: object
) -> None:
    audit_record(
        actor=actor, action=action, object_type=object_type, object_id=object_id, detail=detail
    )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=clock.now().tzinfo)


def _program(actor: Actor) -> int:
    if actor.user.program_id is None:
        raise RuleViolation(_("you are not a member of a program"))
    return actor.user.program_id


def _same_program(actor: Actor, user: User) -> None:
    if user.program_id is None or user.program_id != actor.user.program_id:
        raise ValidationFailed.single("user", _("no such staff member in your program"))
