"""Sequencing barriers and their escalation path (seed: Sequencing): recorded,
escalated level by level by the sweep, responded to and resolved."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set, deadlines_finish
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline
from casework.staff.selectors import clinical_directors_for
from casework.stays.models import Stay
from casework.transitions import rules, selectors
from casework.transitions.deadlines import BARRIER_SUBJECT
from casework.transitions.models import SequencingBarrier, SequencingEscalation, SequencingLevel
from casework.transitions.rules import (
    BarrierReason,
    BarrierState,
    SequencedItem,
    TransitionDeadline,
)
from casework.transitions.services._common import EVENT_SLACK, _audit, _owner_id

# --- sequencing barriers and their escalation (seed: Sequencing) -------------------------


@transaction.atomic
def sequencing_path_set(
    *, actor: Actor, program_id: int, levels: list[rules.EscalationLevel]
) -> tuple[rules.EscalationLevel, ...]:
    """Replace the program's escalation path for sequencing barriers. Who: the program's
    designated clinical director (RuleViolation otherwise). Barriers already escalated
    keep the path they started with. Audits one update (no consumer)."""
    if not clinical_directors_for(program_id=program_id).filter(pk=actor.user.pk).exists():
        raise RuleViolation(_("only the program's clinical director edits the escalation path"))
    try:
        path = rules.escalation_path_check(levels)
    except rules.TransitionError as error:
        raise ValidationFailed.single(error.field, str(error)) from None
    now = clock.now()
    SequencingLevel.objects.filter(program_id=program_id).delete()
    SequencingLevel.objects.bulk_create(
        [
            SequencingLevel(
                program_id=program_id,
                level=level.level,
                role=level.role,
                response_hours=level.response_hours,
                updated_by=actor.user,
                updated_at=now,
            )
            for level in path
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        consumer_id=None,
        object_type="sequencing_path",
        object_id=program_id,
        detail={"levels": [level.as_json() for level in path]},
    )
    return path


@dataclass(frozen=True)
class BarrierFacts:
    item: SequencedItem
    description: str
    ordered_at: datetime
    reason: BarrierReason
    expected_at: datetime | None = None
    note: str = ""


@transaction.atomic
def sequencing_barrier_record(
    *, actor: Actor, stay: Stay, facts: BarrierFacts
) -> SequencingBarrier:
    """Record a barrier to sequencing a consult, test, procedure, therapy or placement of
    the stay (not escalated yet). Ordered not before the admission nor in the future;
    expected not before ordered. Audits one create."""
    errors: dict[str, list[str]] = {}
    if not facts.description.strip():
        errors["description"] = [_("required")]
    if facts.ordered_at < stay.admitted_at - EVENT_SLACK:
        errors["ordered_at"] = [_("may not be before the admission")]
    elif facts.ordered_at > clock.now() + EVENT_SLACK:
        errors["ordered_at"] = [_("may not be in the future")]
    try:
        rules.barrier_dates_check(ordered_at=facts.ordered_at, expected_at=facts.expected_at)
    except rules.TransitionError as error:
        errors[error.field] = [_("may not be before the order")]
    if errors:
        raise ValidationFailed(errors)
    barrier = SequencingBarrier.objects.create(
        program_id=stay.program_id,
        consumer_id=stay.consumer_id,
        stay=stay,
        item=facts.item.value,
        description=facts.description.strip()[:200],
        ordered_at=facts.ordered_at,
        expected_at=facts.expected_at,
        reason=facts.reason.value,
        note=facts.note.strip(),
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "sequencing_barrier", barrier.pk)
    return barrier


def _level_open(
    barrier: SequencingBarrier, level: rules.EscalationLevel, opened_at: datetime
) -> SequencingEscalation:
    """Open `level` for the barrier: its row, and the barrier's response clock moved to
    the level's deadline (one deadline row per barrier; its level in `escalation_level`)."""
    due_at = rules.level_due_at(opened_at, level)
    escalation = SequencingEscalation.objects.create(
        barrier=barrier,
        level=level.level,
        role=level.role,
        response_hours=level.response_hours,
        opened_at=opened_at,
        due_at=due_at,
    )
    deadline = deadline_set(
        kind=TransitionDeadline.SEQUENCING_RESPONSE,
        subject_type=BARRIER_SUBJECT,
        subject_id=barrier.pk,
        due_at=due_at,
        owner_id=_owner_id(barrier.stay),
        consumer_id=barrier.consumer_id,
    )
    Deadline.objects.filter(pk=deadline.pk).update(escalation_level=level.level)
    barrier.state, barrier.level = BarrierState.ESCALATED, level.level
    barrier.save(update_fields=["state", "level"])
    return escalation


def _barrier_locked(barrier: SequencingBarrier) -> SequencingBarrier:
    """The barrier re-read under a row lock, so a request and the sweep never both move
    its level."""
    return (
        SequencingBarrier.objects.select_for_update(of=("self",))
        .select_related("stay__case")
        .get(pk=barrier.pk)
    )


@transaction.atomic
def sequencing_barrier_escalate(
    *, actor: Actor, barrier: SequencingBarrier
) -> SequencingEscalation:
    """Escalate an open barrier: level 1 of the program's path (copied onto the barrier)
    opens with its response deadline. A level that passes its deadline unresolved goes to
    the next (the sweep; `sequencing_level_lapsed`). Refused when already escalated or
    resolved. Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state != BarrierState.OPEN:
        raise RuleViolation(_("only an open barrier that is not escalated yet can be escalated"))
    path = selectors.sequencing_path(program_id=barrier.program_id)
    barrier.path = [level.as_json() for level in path]
    barrier.save(update_fields=["path"])
    escalation = _level_open(barrier, path[0], clock.now())
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        escalated_to=1,
    )
    return escalation


def sequencing_level_lapsed(*, deadline: Deadline) -> None:
    """Sweep handler: the barrier's current level passed its deadline unresolved. The
    level is marked lapsed and the next level of the barrier's path opens from that
    deadline; at the last level the clock stays breached (on the worklist until the
    barrier is resolved). Audited as a system act (`casework-sweep`)."""
    barrier = (
        SequencingBarrier.objects.select_for_update(of=("self",))
        .select_related("stay__case")
        .filter(pk=deadline.subject_id)
        .first()
    )
    if barrier is None or barrier.state != BarrierState.ESCALATED:
        return
    lapsed = barrier.level
    SequencingEscalation.objects.filter(barrier=barrier, level=lapsed, lapsed_at=None).update(
        lapsed_at=deadline.due_at
    )
    following = rules.next_level(rules.escalation_path_from_json(barrier.path), lapsed)
    if following is not None:
        _level_open(barrier, following, deadline.due_at)
    audit_record(
        actor=None,
        username="casework-sweep",
        action=AuditAction.UPDATE,
        consumer_id=barrier.consumer_id,
        object_type="sequencing_barrier",
        object_id=barrier.pk,
        detail={
            "lapsed_level": lapsed,
            "escalated_to": following.level if following is not None else None,
        },
    )


@transaction.atomic
def sequencing_response_record(
    *,
    actor: Actor,
    barrier: SequencingBarrier,
    responder: str,
    response: str,
    responded_at: datetime,
    resolves: bool = False,
) -> SequencingEscalation:
    """Record who responded at the barrier's current level and what they said; not
    before the level opened nor in the future. A response that resolves the barrier
    closes its clock; otherwise the clock runs on and the level still escalates when its
    deadline passes unresolved. Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state != BarrierState.ESCALATED:
        raise RuleViolation(_("only an escalated barrier awaits a response"))
    escalation = SequencingEscalation.objects.get(barrier=barrier, level=barrier.level)
    errors: dict[str, list[str]] = {}
    if not responder.strip():
        errors["responder"] = [_("required")]
    if not response.strip():
        errors["response"] = [_("required")]
    if responded_at < escalation.opened_at - EVENT_SLACK:
        errors["responded_at"] = [_("may not be before the level was opened")]
    elif responded_at > clock.now() + EVENT_SLACK:
        errors["responded_at"] = [_("may not be in the future")]
    if errors:
        raise ValidationFailed(errors)
    escalation.responded_at = responded_at
    escalation.responder = responder.strip()[:120]
    escalation.response = response.strip()
    escalation.recorded_by = actor.user
    escalation.save(update_fields=["responded_at", "responder", "response", "recorded_by"])
    if resolves:
        _barrier_close(barrier, actor=actor, resolution=escalation.response)
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        responded_level=escalation.level,
        resolved=resolves,
    )
    return escalation


def _barrier_close(barrier: SequencingBarrier, *, actor: Actor, resolution: str) -> None:
    barrier.state = BarrierState.RESOLVED
    barrier.resolved_at = clock.now()
    barrier.resolved_by = actor.user
    barrier.resolution = resolution
    barrier.save(update_fields=["state", "resolved_at", "resolved_by", "resolution"])
    deadlines_finish(
        Deadline.objects.filter(
            kind=TransitionDeadline.SEQUENCING_RESPONSE,
            subject_type=BARRIER_SUBJECT,
            subject_id=barrier.pk,
        )
    )


@transaction.atomic
def sequencing_barrier_resolve(
    *, actor: Actor, barrier: SequencingBarrier, resolution: str
) -> SequencingBarrier:
    """Resolve a barrier (escalated or not) with what resolved it: its response clock is
    met (a level already breached keeps its miss on record) and leaves the worklist.
    Audits one update."""
    barrier = _barrier_locked(barrier)
    if barrier.state == BarrierState.RESOLVED:
        raise RuleViolation(_("the barrier is already resolved"))
    if not resolution.strip():
        raise ValidationFailed.single("resolution", _("required"))
    _barrier_close(barrier, actor=actor, resolution=resolution.strip())
    _audit(
        actor,
        AuditAction.UPDATE,
        barrier.consumer_id,
        "sequencing_barrier",
        barrier.pk,
        resolved=True,
        level=barrier.level,
    )
    return barrier
