"""Writes for consumers and their support system (C4, C5). Each writes one audit event."""

from datetime import date
from typing import TypedDict, Unpack

from django.db import transaction

from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.validation import validated
from casework.core.versioning import versioned_update


class ConsumerFields(TypedDict, total=False):
    mrn: str
    member_id: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    preferred_language: str
    interpreter_needed: bool
    cultural_preferences: str
    makes_own_decisions: bool
    phone: str
    email: str
    address: str
    payer: str
    race: str
    ethnicity: str


UPDATABLE = frozenset(ConsumerFields.__annotations__)


def consumer_build(*, program_id: int, **fields: Unpack[ConsumerFields]) -> Consumer:
    """A validated, unsaved consumer (used by referral intake, which audits the whole act)."""
    now = clock.now()
    consumer = Consumer(program_id=program_id, created_at=now, updated_at=now, **fields)
    mrn = fields.get("mrn", "")
    if mrn and Consumer.objects.filter(program_id=program_id, mrn=mrn).exists():
        raise ValidationFailed.single(
            "mrn", "a consumer with this medical record number is already in the program"
        )
    return validated(consumer)


def consumer_update(
    *, actor: Actor, consumer: Consumer, version: int, **fields: Unpack[ConsumerFields]
) -> Consumer:
    """Change demographics, language and decision-making; stale `version` → StaleVersion.

    Who: the consumer's case manager or supervisor (case.manage). Audits one update."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValidationFailed({f: ["this field cannot be changed"] for f in sorted(unknown)})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(consumer, name, value)
        consumer.updated_at = clock.now()
        validated(consumer)
        versioned_update(
            consumer, version=version, changes={**fields, "updated_at": consumer.updated_at}
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=consumer.pk,
            object_type="consumer",
            object_id=consumer.pk,
            detail={"fields": sorted(fields)},
        )
    return consumer


def support_person_create(
    *,
    actor: Actor,
    consumer: Consumer,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    is_legal_decision_maker: bool = False,
    has_power_of_attorney: bool = False,
    is_emergency_contact: bool = False,
    notes: str = "",
) -> SupportPerson:
    """Record a support person; at most one legal decision maker per consumer (C4)."""
    with transaction.atomic():
        if (
            is_legal_decision_maker
            and SupportPerson.objects.filter(
                consumer=consumer, is_legal_decision_maker=True
            ).exists()
        ):
            raise ValidationFailed.single(
                "is_legal_decision_maker", "this consumer already has a legal decision maker"
            )
        person = validated(
            SupportPerson(
                consumer=consumer,
                name=name,
                relationship=relationship,
                phone=phone,
                email=email,
                is_legal_decision_maker=is_legal_decision_maker,
                has_power_of_attorney=has_power_of_attorney,
                is_emergency_contact=is_emergency_contact,
                notes=notes,
                created_at=clock.now(),
                created_by=actor.user,
            )
        )
        person.save()
        if is_legal_decision_maker and consumer.makes_own_decisions:
            versioned_update(
                consumer,
                version=consumer.version,
                changes={"makes_own_decisions": False, "updated_at": clock.now()},
            )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="support_person",
            object_id=person.pk,
        )
    return person


def advance_directive_create(
    *,
    actor: Actor,
    consumer: Consumer,
    kind: str,
    document_date: date | None = None,
    location: str = "",
    summary: str = "",
) -> AdvanceDirective:
    """Record an advance directive so it is shown wherever decisions are made (C4)."""
    with transaction.atomic():
        directive = validated(
            AdvanceDirective(
                consumer=consumer,
                kind=kind,
                document_date=document_date,
                location=location,
                summary=summary,
                recorded_at=clock.now(),
                recorded_by=actor.user,
            )
        )
        directive.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="advance_directive",
            object_id=directive.pk,
        )
    return directive
