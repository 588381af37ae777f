"""Sequencing barriers (seed: Sequencing): recorded on a stay, escalated along the
program's path with a deadline row per level, passed to the next level by the sweep,
answered, resolved; the path edited by the clinical director only."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from casework.core.actor import Actor
from casework.core.deadlines import deadline_worklist
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, AuditEvent, Deadline
from casework.core.sweep import deadlines_sweep
from casework.staff.models import StaffProfile
from casework.transitions import selectors, services
from casework.transitions.models import SequencingBarrier, SequencingEscalation, SequencingLevel
from casework.transitions.rules import (
    BarrierReason,
    EscalationLevel,
    SequencedItem,
    TransitionDeadline,
)
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World
from tests.transitions.helpers import admit

pytestmark = pytest.mark.django_db

# Monday 2026-11-02 15:00 UTC.
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _barrier(world: World) -> SequencingBarrier:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SQ1")
    return services.sequencing_barrier_record(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.BarrierFacts(
            item=SequencedItem.CONSULT,
            description="Cardiology consult",
            ordered_at=NOW - timedelta(hours=20),
            expected_at=NOW - timedelta(hours=2),
            reason=BarrierReason.SCHEDULING,
            note="No cardiologist on the weekend rota",
        ),
    )


def _clock(barrier: SequencingBarrier) -> tuple[datetime, str, int, datetime | None]:
    row = Deadline.objects.get(
        kind=TransitionDeadline.SEQUENCING_RESPONSE,
        subject_type="sequencing_barrier",
        subject_id=barrier.pk,
    )
    return (row.due_at, row.state, row.escalation_level, row.closed_at)


def _levels(barrier: SequencingBarrier) -> list[tuple[int, str, datetime, datetime, object]]:
    return [
        (e.level, e.role, e.opened_at, e.due_at, e.lapsed_at)
        for e in SequencingEscalation.objects.filter(barrier=barrier).order_by("level")
    ]


def _director(world: World) -> Actor:
    StaffProfile.objects.create(user=world.senior, hired_date=NOW.date(), clinical_director=True)
    return factories.actor(world.senior)


def test_a_barrier_is_recorded_open_with_one_create_event(world: World) -> None:
    since = last_event_id()
    barrier = _barrier(world)
    assert (barrier.item, barrier.description, barrier.reason, barrier.state, barrier.level) == (
        "consult",
        "Cardiology consult",
        "scheduling",
        "open",
        0,
    )
    assert [(e.action, e.object_type, e.object_id, e.consumer_id) for e in events_since(since)][
        -1:
    ] == [(AuditAction.CREATE, "sequencing_barrier", str(barrier.pk), barrier.consumer_id)]


def test_an_order_before_the_admission_is_refused_and_nothing_is_written(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SQ2")
    before, since = snapshot(), last_event_id()
    with pytest.raises(ValidationFailed) as error:
        services.sequencing_barrier_record(
            actor=factories.actor(world.cm),
            stay=stay,
            facts=services.BarrierFacts(
                item=SequencedItem.TEST,
                description="MRI",
                ordered_at=NOW - timedelta(days=3),
                reason=BarrierReason.EQUIPMENT,
            ),
        )
    assert error.value.errors == {"ordered_at": ["may not be before the admission"]}
    assert snapshot() == before
    assert events_since(since) == []


def test_expected_before_ordered_is_refused(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=2), visit="SQ3")
    with pytest.raises(ValidationFailed) as error:
        services.sequencing_barrier_record(
            actor=factories.actor(world.cm),
            stay=stay,
            facts=services.BarrierFacts(
                item=SequencedItem.PROCEDURE,
                description="Cardiac catheterization",
                ordered_at=NOW - timedelta(hours=5),
                expected_at=NOW - timedelta(hours=6),
                reason=BarrierReason.AUTHORIZATION,
            ),
        )
    assert error.value.errors == {"expected_at": ["may not be before the order"]}
    assert SequencingBarrier.objects.count() == 0


def test_escalating_opens_level_one_with_its_deadline_owned_by_the_case_manager(
    world: World,
) -> None:
    barrier = _barrier(world)
    since = last_event_id()
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    barrier.refresh_from_db()
    assert (barrier.state, barrier.level, len(barrier.path)) == ("escalated", 1, 4)
    assert _clock(barrier) == (NOW + timedelta(hours=4), "open", 1, None)
    assert Deadline.objects.get(
        subject_id=barrier.pk, subject_type="sequencing_barrier"
    ).owner_id == (world.cm.pk)
    assert _levels(barrier) == [
        (1, "Charge nurse or unit manager", NOW, NOW + timedelta(hours=4), None)
    ]
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.UPDATE, "sequencing_barrier")
    ]


def test_an_escalated_barrier_is_not_escalated_again(world: World) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    before = snapshot()
    with pytest.raises(RuleViolation):
        services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    assert snapshot() == before


def test_a_level_one_second_before_its_deadline_is_not_escalated(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    frozen.move_to(NOW + timedelta(hours=4) - timedelta(seconds=1))
    deadlines_sweep()
    assert _clock(barrier) == (NOW + timedelta(hours=4), "open", 1, None)
    assert len(_levels(barrier)) == 1


def test_a_level_exactly_at_its_deadline_passes_to_the_next(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    lapsed = NOW + timedelta(hours=4)
    frozen.move_to(lapsed)
    since = last_event_id()
    deadlines_sweep()
    barrier.refresh_from_db()
    assert (barrier.state, barrier.level) == ("escalated", 2)
    assert _clock(barrier) == (lapsed + timedelta(hours=4), "open", 2, None)
    assert _levels(barrier) == [
        (1, "Charge nurse or unit manager", NOW, lapsed, lapsed),
        (2, "Attending physician", lapsed, lapsed + timedelta(hours=4), None),
    ]
    (event,) = events_since(since)
    assert (event.action, event.actor_username, event.consumer_id, event.detail) == (
        AuditAction.UPDATE,
        "casework-sweep",
        barrier.consumer_id,
        {"lapsed_level": 1, "escalated_to": 2},
    )


def test_the_last_level_stays_breached_on_the_worklist(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    at = NOW
    for hours in (4, 4, 8, 24):
        at += timedelta(hours=hours)
        frozen.move_to(at)
        deadlines_sweep()
    barrier.refresh_from_db()
    last_due = NOW + timedelta(hours=40)
    assert (barrier.state, barrier.level) == ("escalated", 4)
    assert _clock(barrier) == (last_due, "breached", 4, None)
    assert [e[4] for e in _levels(barrier)] == [
        NOW + timedelta(hours=4),
        NOW + timedelta(hours=8),
        NOW + timedelta(hours=16),
        last_due,
    ]
    frozen.move_to(at + timedelta(days=1))
    deadlines_sweep()
    assert _clock(barrier) == (last_due, "breached", 4, None)
    rows = deadline_worklist(owner_ids=[world.cm.pk], due_before=at + timedelta(days=2))
    assert [
        (r["kind"], r["url"], r["escalation_level"])
        for r in rows
        if r["kind"].endswith("sequencing_response")
    ] == [("transition_sequencing_response", f"/sequencing-barriers/{barrier.pk}/", 4)]


def test_a_response_that_does_not_resolve_leaves_the_clock_running(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    frozen.move_to(NOW + timedelta(hours=1))
    since = last_event_id()
    services.sequencing_response_record(
        actor=factories.actor(world.cm),
        barrier=barrier,
        responder="RN Diaz, charge nurse",
        response="Asked cardiology for a slot tomorrow",
        responded_at=NOW + timedelta(minutes=50),
    )
    level = SequencingEscalation.objects.get(barrier=barrier, level=1)
    assert (level.responder, level.response, level.responded_at) == (
        "RN Diaz, charge nurse",
        "Asked cardiology for a slot tomorrow",
        NOW + timedelta(minutes=50),
    )
    assert _clock(barrier) == (NOW + timedelta(hours=4), "open", 1, None)
    assert [(e.action, e.detail) for e in events_since(since)] == [
        (AuditAction.UPDATE, {"responded_level": 1, "resolved": False})
    ]
    frozen.move_to(NOW + timedelta(hours=4))
    deadlines_sweep()
    barrier.refresh_from_db()
    assert barrier.level == 2


def test_a_response_before_the_level_opened_is_refused(world: World) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    before = snapshot()
    with pytest.raises(ValidationFailed) as error:
        services.sequencing_response_record(
            actor=factories.actor(world.cm),
            barrier=barrier,
            responder="Dr. Reyes",
            response="Will see today",
            responded_at=NOW - timedelta(hours=1),
        )
    assert error.value.errors == {"responded_at": ["may not be before the level was opened"]}
    assert snapshot() == before


def test_a_response_on_a_barrier_not_escalated_is_refused(world: World) -> None:
    barrier = _barrier(world)
    with pytest.raises(RuleViolation):
        services.sequencing_response_record(
            actor=factories.actor(world.cm),
            barrier=barrier,
            responder="Dr. Reyes",
            response="Will see today",
            responded_at=NOW,
        )


def test_a_resolving_response_closes_the_clock_and_leaves_the_worklist(
    world: World, frozen
) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    frozen.move_to(NOW + timedelta(hours=2))
    services.sequencing_response_record(
        actor=factories.actor(world.cm),
        barrier=barrier,
        responder="Dr. Reyes, attending",
        response="Consult booked for 16:00 today",
        responded_at=NOW + timedelta(hours=2),
        resolves=True,
    )
    barrier.refresh_from_db()
    assert (barrier.state, barrier.resolution, barrier.resolved_at) == (
        "resolved",
        "Consult booked for 16:00 today",
        NOW + timedelta(hours=2),
    )
    assert _clock(barrier) == (NOW + timedelta(hours=4), "met", 1, NOW + timedelta(hours=2))
    frozen.move_to(NOW + timedelta(hours=5))
    deadlines_sweep()
    assert len(_levels(barrier)) == 1
    assert deadline_worklist(owner_ids=[world.cm.pk], due_before=NOW + timedelta(days=9)) == []


def test_resolving_after_the_last_level_keeps_the_miss_on_record(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    at = NOW
    for hours in (4, 4, 8, 24):
        at += timedelta(hours=hours)
        frozen.move_to(at)
        deadlines_sweep()
    services.sequencing_barrier_resolve(
        actor=factories.actor(world.cm), barrier=barrier, resolution="CMO moved the list"
    )
    assert _clock(barrier) == (NOW + timedelta(hours=40), "breached", 4, at)


def test_resolving_twice_is_refused(world: World) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_resolve(
        actor=factories.actor(world.cm), barrier=barrier, resolution="Slot found"
    )
    with pytest.raises(RuleViolation):
        services.sequencing_barrier_resolve(
            actor=factories.actor(world.cm), barrier=barrier, resolution="Again"
        )


def test_resolving_needs_what_resolved_it(world: World) -> None:
    barrier = _barrier(world)
    with pytest.raises(ValidationFailed) as error:
        services.sequencing_barrier_resolve(
            actor=factories.actor(world.cm), barrier=barrier, resolution="  "
        )
    assert error.value.errors == {"resolution": ["required"]}


PATH = [EscalationLevel(1, "Unit manager", 2), EscalationLevel(2, "Chief medical officer", 6)]


def test_only_the_clinical_director_edits_the_path(world: World) -> None:
    since = last_event_id()
    with pytest.raises(RuleViolation):
        services.sequencing_path_set(
            actor=factories.actor(world.supervisor), program_id=world.program.pk, levels=PATH
        )
    assert SequencingLevel.objects.count() == 0
    assert events_since(since) == []


def test_the_clinical_directors_path_replaces_the_default(world: World) -> None:
    director = _director(world)
    since = last_event_id()
    services.sequencing_path_set(actor=director, program_id=world.program.pk, levels=PATH)
    assert selectors.sequencing_path(program_id=world.program.pk) == tuple(PATH)
    (event,) = events_since(since)
    assert (event.action, event.object_type, event.consumer_id) == (
        AuditAction.UPDATE,
        "sequencing_path",
        None,
    )


def test_a_path_with_a_gap_is_refused_naming_the_field(world: World) -> None:
    director = _director(world)
    with pytest.raises(ValidationFailed) as error:
        services.sequencing_path_set(
            actor=director,
            program_id=world.program.pk,
            levels=[EscalationLevel(1, "A", 2), EscalationLevel(3, "B", 2)],
        )
    assert list(error.value.errors) == ["levels"]
    assert SequencingLevel.objects.count() == 0


def test_an_escalation_under_way_keeps_the_path_it_started_with(world: World, frozen) -> None:
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    services.sequencing_path_set(actor=_director(world), program_id=world.program.pk, levels=PATH)
    frozen.move_to(NOW + timedelta(hours=4))
    deadlines_sweep()
    assert _levels(barrier)[1][1:4] == (
        "Attending physician",
        NOW + timedelta(hours=4),
        NOW + timedelta(hours=8),
    )


def test_a_new_escalation_follows_the_edited_path(world: World) -> None:
    services.sequencing_path_set(actor=_director(world), program_id=world.program.pk, levels=PATH)
    barrier = _barrier(world)
    services.sequencing_barrier_escalate(actor=factories.actor(world.cm), barrier=barrier)
    assert _clock(barrier) == (NOW + timedelta(hours=2), "open", 1, None)
    assert AuditEvent.objects.filter(object_type="sequencing_barrier").count() == 2
