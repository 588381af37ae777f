"""Writes for consumers and their support system (C4, C5). Each writes one audit event."""

from collections.abc import Callable
from datetime import date
from typing import TypedDict, Unpack

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.consumers.models import (
    AdvanceDirective,
    Consumer,
    SupportPerson,
    SupportRecordChange,
    SupportRecordKind,
    SupportRecordRevision,
)
from casework.consumers.selectors import legal_decision_makers, record_number_holder
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import RuleViolation, ValidationFailed
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
        if is_legal_decision_maker and legal_decision_makers(consumer_id=consumer.pk).exists():
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


class SupportPersonFields(TypedDict, total=False):
    name: str
    relationship: str
    phone: str
    email: str
    is_legal_decision_maker: bool
    has_power_of_attorney: bool
    is_emergency_contact: bool
    notes: str


class AdvanceDirectiveFields(TypedDict, total=False):
    kind: str
    document_date: date | None
    location: str
    summary: str


SUPPORT_PERSON_FIELDS = tuple(SupportPersonFields.__annotations__)
ADVANCE_DIRECTIVE_FIELDS = tuple(AdvanceDirectiveFields.__annotations__)


def _revision_values(record: models.Model, names: tuple[str, ...]) -> dict[str, object]:
    """The record's fields as JSON values (dates as ISO text)."""
    values: dict[str, object] = {}
    for name in names:
        value = getattr(record, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def _revise(
    *,
    actor: Actor,
    record: SupportPerson | AdvanceDirective,
    kind: SupportRecordKind,
    version: int,
    names: tuple[str, ...],
    changes: dict[str, object],
    change: SupportRecordChange,
    reason: str = "",
) -> None:
    """Keep the record as it was, then write `changes` if it is still at `version` and
    not removed (StaleVersion / RuleViolation otherwise), and audit one update or delete
    naming the fields changed (never their values). Runs in the caller's transaction."""
    before = _revision_values(record, names)
    versioned_update(
        record,
        version=version,
        changes=changes,
        where=Q(removed_at=None),
        refused=RuleViolation(_("this record has been removed")),
    )
    SupportRecordRevision.objects.create(
        consumer_id=record.consumer_id,
        record_kind=kind,
        record_id=record.pk,
        version=version,
        values=before,
        change=change,
        reason=reason,
        changed_at=clock.now(),
        changed_by=actor.user,
    )
    removed = change == SupportRecordChange.REMOVED
    audit_record(
        actor=actor,
        action=AuditAction.DELETE if removed else AuditAction.UPDATE,
        consumer_id=record.consumer_id,
        object_type=str(kind),
        object_id=record.pk,
        detail={"version": version + 1}
        if removed
        else {"fields": sorted(changes), "version": version + 1},
    )


def _changed(
    record: models.Model, fields: dict[str, object], allowed: tuple[str, ...]
) -> dict[str, object]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed({f: [_("this field cannot be changed")] for f in unknown})
    changes = {name: value for name, value in fields.items() if getattr(record, name) != value}
    if not changes:
        raise ValidationFailed.single("__all__", _("Nothing was changed."))
    return changes


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.single("reason", _("say why the record is removed"))
    return reason


def support_person_update(
    *,
    actor: Actor,
    person: SupportPerson,
    version: int,
    **fields: Unpack[SupportPersonFields],
) -> SupportPerson:
    """Change a support person (C4), keeping the earlier version. Naming them the legal
    decision maker is refused while another one is recorded, and marks the consumer as
    not making their own decisions; ending it leaves that for the consumer's details.
    Stale `version` → StaleVersion; a removed person → RuleViolation.

    Who: the consumer's case manager or supervisor (case.manage). Audits one update."""
    changes = _changed(person, dict(fields), SUPPORT_PERSON_FIELDS)
    with transaction.atomic():
        if (
            changes.get("is_legal_decision_maker")
            and legal_decision_makers(consumer_id=person.consumer_id).exclude(pk=person.pk).exists()
        ):
            raise ValidationFailed.single(
                "is_legal_decision_maker", _("this consumer already has a legal decision maker")
            )
        candidate = SupportPerson(
            consumer_id=person.consumer_id,
            created_at=person.created_at,
            created_by_id=person.created_by_id,
        )
        for name in SUPPORT_PERSON_FIELDS:
            setattr(candidate, name, changes.get(name, getattr(person, name)))
        validated(candidate, exclude=["consumer", "created_by"], constraints=False)
        _revise(
            actor=actor,
            record=person,
            kind=SupportRecordKind.SUPPORT_PERSON,
            version=version,
            names=SUPPORT_PERSON_FIELDS,
            changes=changes,
            change=SupportRecordChange.UPDATED,
        )
        if changes.get("is_legal_decision_maker"):
            Consumer.objects.filter(pk=person.consumer_id, makes_own_decisions=True).update(
                makes_own_decisions=False,
                updated_at=clock.now(),
                version=models.F("version") + 1,
            )
    return person


def support_person_remove(
    *, actor: Actor, person: SupportPerson, version: int, reason: str
) -> SupportPerson:
    """Remove a support person from the consumer's support system (C4): kept, with who
    removed them, when and why, and no longer offered (a consent they gave still names
    them). Removing the legal decision maker leaves the consumer's decision-making for
    their details page. Stale `version` → StaleVersion; removed already → RuleViolation.

    Who: case.manage. Audits one delete."""
    reason = _reason(reason)
    with transaction.atomic():
        _revise(
            actor=actor,
            record=person,
            kind=SupportRecordKind.SUPPORT_PERSON,
            version=version,
            names=SUPPORT_PERSON_FIELDS,
            changes={"removed_at": clock.now(), "removed_by": actor.user, "removal_reason": reason},
            change=SupportRecordChange.REMOVED,
            reason=reason,
        )
    return person


def advance_directive_update(
    *,
    actor: Actor,
    directive: AdvanceDirective,
    version: int,
    **fields: Unpack[AdvanceDirectiveFields],
) -> AdvanceDirective:
    """Change an advance directive (C4), keeping the earlier version. Stale `version` →
    StaleVersion; a removed directive → RuleViolation.

    Who: case.manage. Audits one update."""
    changes = _changed(directive, dict(fields), ADVANCE_DIRECTIVE_FIELDS)
    with transaction.atomic():
        candidate = AdvanceDirective(
            consumer_id=directive.consumer_id,
            recorded_at=directive.recorded_at,
            recorded_by_id=directive.recorded_by_id,
        )
        for name in ADVANCE_DIRECTIVE_FIELDS:
            setattr(candidate, name, changes.get(name, getattr(directive, name)))
        validated(candidate, exclude=["consumer", "recorded_by"])
        _revise(
            actor=actor,
            record=directive,
            kind=SupportRecordKind.ADVANCE_DIRECTIVE,
            version=version,
            names=ADVANCE_DIRECTIVE_FIELDS,
            changes=changes,
            change=SupportRecordChange.UPDATED,
        )
    return directive


def advance_directive_remove(
    *, actor: Actor, directive: AdvanceDirective, version: int, reason: str
) -> AdvanceDirective:
    """Remove an advance directive (revoked, superseded or recorded in error): kept, with
    who removed it, when and why, and no longer shown where decisions are made.

    Who: case.manage. Audits one delete."""
    reason = _reason(reason)
    with transaction.atomic():
        _revise(
            actor=actor,
            record=directive,
            kind=SupportRecordKind.ADVANCE_DIRECTIVE,
            version=version,
            names=ADVANCE_DIRECTIVE_FIELDS,
            changes={"removed_at": clock.now(), "removed_by": actor.user, "removal_reason": reason},
            change=SupportRecordChange.REMOVED,
            reason=reason,
        )
    return directive
