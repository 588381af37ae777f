"""Writes for consumers and their support system (C4, C5). Each writes one audit event."""

from collections.abc import Callable
from datetime import date
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.consumers.selectors import record_number_holder
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

# Whether the acting person reaches a consumer (by id): given by the web layer, which
# owns the relationship rules. Without it nobody is reached.
type Reaches = Callable[[int], bool]


def _reaches_nobody(consumer_id: int) -> bool:
    return False


def record_number_pending(
    *, program_id: int, mrn: str, reaches: Reaches, other_than: int | None = None
) -> bool:
    """Whether a record given record number `mrn` must await a supervisor's link (S5).

    The number held by a consumer the actor reaches: refused, naming the field (they
    see that record already; refer them as a returning consumer). Held by one they do
    not reach: True, and the record is taken exactly as if the number were new, so the
    answer does not tell that it exists; the caller's audit event names the match."""
    if not mrn:
        return False
    holder = record_number_holder(program_id=program_id, mrn=mrn, other_than=other_than)
    if holder is None:
        return False
    if reaches(holder):
        raise ValidationFailed.single(
            "mrn",
            _(
                "a consumer you work with has this medical record number: refer them as"
                " a returning consumer"
            ),
        )
    return True


def consumer_build(
    *, program_id: int, reaches: Reaches = _reaches_nobody, **fields: Unpack[ConsumerFields]
) -> Consumer:
    """A validated, unsaved consumer (used by referral intake, which audits the whole act).
    A record number another consumer holds: see `record_number_pending`."""
    now = clock.now()
    consumer = Consumer(program_id=program_id, created_at=now, updated_at=now, **fields)
    consumer.mrn_link_pending = record_number_pending(
        program_id=program_id, mrn=fields.get("mrn", ""), reaches=reaches
    )
    return validated(consumer)


def consumer_update(
    *,
    actor: Actor,
    consumer: Consumer,
    version: int,
    reaches: Reaches = _reaches_nobody,
    **fields: Unpack[ConsumerFields],
) -> Consumer:
    """Change demographics, language and decision-making; stale `version` → StaleVersion.
    A record number another consumer holds: see `record_number_pending`.

    Who: the consumer's case manager or supervisor (case.manage). Audits one update."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValidationFailed({f: ["this field cannot be changed"] for f in sorted(unknown)})
    with transaction.atomic():
        changes: dict[str, object] = dict(fields)
        detail: dict[str, object] = {"fields": sorted(fields)}
        if "mrn" in fields:
            pending = record_number_pending(
                program_id=consumer.program_id,
                mrn=fields["mrn"],
                reaches=reaches,
                other_than=consumer.pk,
            )
            changes["mrn_link_pending"] = pending
            if pending:
                detail["mrn_link_pending"] = True
        for name, value in changes.items():
            setattr(consumer, name, value)
        consumer.updated_at = clock.now()
        validated(consumer)
        versioned_update(
            consumer, version=version, changes={**changes, "updated_at": consumer.updated_at}
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=consumer.pk,
            object_type="consumer",
            object_id=consumer.pk,
            detail=detail,
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
