"""Writes for consumers and their support system (C4, C5). Each writes one audit event."""

from collections.abc import Callable
from datetime import date
from typing import TypedDict, Unpack

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.consumers.models import (
    AdvanceDirective,
    Consumer,
    ConsumerMerge,
    SupportPerson,
    SupportRecordChange,
    SupportRecordKind,
    SupportRecordRevision,
)
from casework.consumers.rules import DuplicateDecision
from casework.consumers.selectors import (
    legal_decision_makers,
    likely_duplicates,
    record_number_holder,
)
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


class LikelyDuplicate(ValidationFailed):
    """A new consumer is likely the same person as consumers the actor works with
    (`candidates`, by id): the caller asks whether they are, before a record is made."""

    def __init__(self, candidates: list[int]) -> None:
        self.candidates = candidates
        super().__init__(
            {
                "duplicate_decision": [
                    _(
                        "someone you work with has this name and birth date: say whether"
                        " this is the same person"
                    )
                ]
            }
        )


class Returning(TypedDict, total=False):
    """How intake found an existing record for a new consumer's details (audit detail)."""

    returning: str
    duplicate_candidates: list[int]
    duplicate_decision: str
    possible_duplicates: list[int]


def returning_consumer(
    *,
    program_id: int,
    fields: ConsumerFields,
    reaches: Reaches,
    decision: str = "",
) -> tuple[Consumer | None, Returning]:
    """The existing consumer a new referral's details name, if any (issue 13, item 9).

    - The record number held by a consumer the actor reaches: that consumer (a returning
      consumer is linked, not created again).
    - The same normalised name and birth date as consumers the actor reaches, with
      another record number or none: `LikelyDuplicate` naming them, unless `decision` is
      "different" (recorded).
    - Matches the actor does not reach are never told (S5): the record is made as new,
      and the audit detail names them (`possible_duplicates`) for a supervisor."""
    mrn = fields.get("mrn", "")
    if mrn:
        holder = record_number_holder(program_id=program_id, mrn=mrn)
        if holder is not None and reaches(holder):
            return Consumer.objects.get(pk=holder), {"returning": "record_number"}
    if "birth_date" not in fields:
        return None, {}
    matches = likely_duplicates(
        program_id=program_id,
        given_name=fields.get("given_name", ""),
        family_name=fields.get("family_name", ""),
        birth_date=fields["birth_date"],
        mrn=mrn,
    )
    reached = [pk for pk in matches if reaches(pk)]
    detail: Returning = {}
    if reached:
        if decision != DuplicateDecision.DIFFERENT:
            raise LikelyDuplicate(reached)
        detail = {"duplicate_candidates": reached, "duplicate_decision": decision}
    unreached = [pk for pk in matches if pk not in reached]
    if unreached:
        detail["possible_duplicates"] = unreached
    return None, detail


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


# --- merging a duplicate consumer (issue 13, item 9) ---------------------------------------

# Why a merge must not happen now (a legal hold, two open cases): facts owned by contexts
# above this one, so given by the web layer (which may read them); each refusal's reason.
type MergeBlockers = Callable[[Consumer, Consumer], list[str]]

# Rows that name a consumer but are not moved: the merge record itself and the link.
_NOT_MOVED = frozenset({"consumers.ConsumerMerge.survivor", "consumers.ConsumerMerge.merged"})


def _consumer_references() -> list[tuple[str, type[models.Model], str]]:
    """Every foreign key to Consumer in the project ("app.Model.field", model, field),
    found from the models, so a context added later is merged without being named here."""
    found = []
    for relation in Consumer._meta.related_objects:
        if relation.many_to_many or relation.related_model is Consumer:
            continue
        model = relation.related_model
        assert isinstance(model, type) and issubclass(model, models.Model)
        label = f"{model._meta.app_label}.{model.__name__}.{relation.field.name}"
        if label not in _NOT_MOVED:
            found.append((label, model, relation.field.attname))
    return sorted(found, key=lambda row: row[0])


def _repoint(moved: dict[str, list[int]], source: int, target: int) -> None:
    """Point the rows listed in `moved` ("app.Model.field" → ids) from `source` to `target`."""
    for label, ids in moved.items():
        app_label, model_name, field = label.split(".")
        model = apps.get_model(app_label, model_name)
        attname = model._meta.get_field(field).attname
        model._default_manager.filter(pk__in=ids, **{attname: source}).update(**{attname: target})


def _constraint_refusal() -> RuleViolation:
    return RuleViolation(
        _(
            "both records hold something only one consumer may have (for example a legal"
            " decision maker): end one of them first"
        )
    )


def consumer_merge(
    *,
    actor: Actor,
    survivor: Consumer,
    duplicate: Consumer,
    reason: str,
    blockers: MergeBlockers,
) -> ConsumerMerge:
    """Merge `duplicate` into `survivor` (issue 13, item 9): every record that points at
    the duplicate (cases, referrals, contacts, consents, support persons, plans...) is
    pointed at the survivor, and the duplicate is marked merged into it (no longer found
    by a search). What was moved is stored, so `consumer_merge_undo` restores it.
    Refused, changing nothing: the same record, another program's, one merged already,
    no reason, or any of `blockers` (a legal hold on either, both with an open case).

    Who: a supervisor reaching both (case.reassign). Audits one update of the merge on
    the survivor, naming the duplicate and how many rows of each kind moved."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.single("reason", _("say why these are the same person"))
    if duplicate.pk == survivor.pk:
        raise ValidationFailed.single("duplicate_id", _("choose another consumer's record"))
    if duplicate.program_id != survivor.program_id:
        raise ValidationFailed.single("duplicate_id", _("not a consumer of your program"))
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Consumer.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
        }
        if locked[duplicate.pk].merged_into_id or locked[survivor.pk].merged_into_id:
            raise RuleViolation(_("one of these records is merged into another already"))
        refusals = blockers(survivor, duplicate)
        if refusals:
            raise RuleViolation(" ".join(refusals))
        moved: dict[str, list[int]] = {}
        for label, model, attname in _consumer_references():
            ids = list(
                model._default_manager.filter(**{attname: duplicate.pk})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if ids:
                moved[label] = ids
        try:
            with transaction.atomic():
                _repoint(moved, duplicate.pk, survivor.pk)
        except IntegrityError:
            raise _constraint_refusal() from None
        now = clock.now()
        merge = ConsumerMerge.objects.create(
            program_id=survivor.program_id,
            survivor=survivor,
            merged=duplicate,
            reason=reason,
            moved=moved,
            merged_at=now,
            merged_by=actor.user,
        )
        Consumer.objects.filter(pk=duplicate.pk).update(
            merged_into=survivor, updated_at=now, version=models.F("version") + 1
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=survivor.pk,
            object_type="consumer_merge",
            object_id=merge.pk,
            detail={
                "merged": duplicate.pk,
                "moved": {label: len(ids) for label, ids in moved.items()},
            },
        )
    duplicate.merged_into = survivor
    return merge


def consumer_merge_undo(
    *, actor: Actor, merge: ConsumerMerge, version: int, reason: str
) -> ConsumerMerge:
    """Undo a merge: the rows it moved go back to the duplicate record, which is found
    again; rows recorded on the survivor since stay there. Refused, changing nothing: no
    reason, undone already, a stale `version`, or a row that can no longer go back.

    Who: a supervisor reaching the kept record (case.reassign). Audits one update of the
    merge on the survivor (`undone`), naming the duplicate."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.single("reason", _("say why the merge is undone"))
    with transaction.atomic():
        now = clock.now()
        versioned_update(
            merge,
            version=version,
            changes={"undone_at": now, "undone_by": actor.user, "undo_reason": reason},
            where=Q(undone_at=None),
            refused=RuleViolation(_("this merge is undone already")),
        )
        try:
            with transaction.atomic():
                _repoint(merge.moved, merge.survivor_id, merge.merged_id)
        except IntegrityError:
            raise _constraint_refusal() from None
        Consumer.objects.filter(pk=merge.merged_id).update(
            merged_into=None, updated_at=now, version=models.F("version") + 1
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=merge.survivor_id,
            object_type="consumer_merge",
            object_id=merge.pk,
            detail={"merged": merge.merged_id, "undone": True},
        )
    return merge
