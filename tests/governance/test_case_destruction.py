"""A retention run destroys an ended case as a whole record (N4, S42): its notes with
their amendments, work items, assessments and needs, the plan of care with every
version, communications, consents, notices and clocks, in one transaction, counted per
kind on the destruction certificate; a held case keeps every row."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from casework.assessments.models import AssessmentResponse, Need
from casework.careplans import rules as plan_rules
from casework.careplans import services as plan_services
from casework.careplans.models import (
    CarePlan,
    CarePlanVersion,
    PlanBarrier,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
)
from casework.cases.models import Case, CaseAssignment, CaseState, Consent, Notice
from casework.coordination import services as coordination_services
from casework.coordination.models import Communication, Note, WorkItem
from casework.core import clock
from casework.core.models import AuditAction, AuditEvent, Deadline
from casework.governance import services
from casework.governance.models import DestructionCertificate, LegalHold
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World
from tests.governance.test_services import communication

pytestmark = pytest.mark.django_db

ELEVEN_YEARS = timedelta(days=11 * 366)
POSITIVE_PHQ2 = {"phq2_1": "LA6570-1", "phq2_2": "LA6570-1"}


def _plan(world: World, case: Case) -> None:
    member = factories.care_team_member(world.cm, case)
    plan_services.care_plan_revise(
        actor=factories.actor(world.cm),
        case=case,
        plan=plan_rules.PlanSpec(
            problems=(plan_rules.ProblemSpec(key="p1", description="Food", priority=1),),
            goals=(
                plan_rules.GoalSpec(
                    key="g1",
                    problem_key="p1",
                    description="Enough food every day",
                    target_date=clock.now().date() + timedelta(days=30),
                    target_value="0 days without a meal",
                ),
            ),
            interventions=(
                plan_rules.InterventionSpec(
                    key="i1",
                    goal_key="g1",
                    kind="referral",
                    description="Refer to the food pantry",
                    responsible_id=member.pk,
                    due_date=clock.now().date() + timedelta(days=7),
                ),
            ),
            barriers=(plan_rules.BarrierSpec(goal_key="g1", description="No car"),),
        ),
        reason="Initial plan",
        version=None,
    )


def _whole_case(world: World) -> Case:
    """An ended case holding one of everything: a plan, two notes (one amending the
    other), a work item, a positive screen and the need it suggested, a communication."""
    case = factories.active_case(world.cm)
    actor = factories.actor(world.cm)
    _plan(world, case)
    note = coordination_services.note_create(
        actor=actor, case=case, kind="progress", text="Pantry visit."
    )
    coordination_services.note_create(
        actor=actor,
        case=case,
        kind="progress",
        text="Pantry visit on Tuesday.",
        amends=note,
        amendment_reason="day added",
    )
    coordination_services.work_item_create(
        actor=actor,
        case=case,
        title="Arrange transport",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=3),
    )
    factories.assessment(world.cm, case, "phq2", POSITIVE_PHQ2)
    communication(world, case)
    # Closing is the cases context's (tests/cases); here only the end matters.
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, ended_at=clock.now())
    return case


def _rows(case_id: int) -> dict[str, list[Any]]:
    """Every row the case holds, by kind (for before/after comparisons)."""
    plan = CarePlanVersion.objects.filter(plan__case_id=case_id)
    goals = PlanGoal.objects.filter(plan_version__in=plan)
    items = WorkItem.objects.filter(case_id=case_id)
    subjects = (
        ("case", [case_id]),
        ("work_item", list(items.values_list("pk", flat=True))),
        ("plan_goal", list(goals.values_list("pk", flat=True))),
    )
    deadlines = [
        pk
        for subject_type, ids in subjects
        for pk in Deadline.objects.filter(
            subject_type=subject_type, subject_id__in=ids
        ).values_list("pk", flat=True)
    ]
    found = {
        "case": list(Case.objects.filter(pk=case_id).values()),
        "care_plan": list(CarePlan.objects.filter(case_id=case_id).values()),
        "care_plan_version": list(plan.values()),
        "plan_problem": list(PlanProblem.objects.filter(plan_version__in=plan).values()),
        "plan_goal": list(goals.values()),
        "plan_intervention": list(PlanIntervention.objects.filter(plan_version__in=plan).values()),
        "plan_barrier": list(PlanBarrier.objects.filter(plan_version__in=plan).values()),
        "note": list(Note.objects.filter(case_id=case_id).values()),
        "work_item": list(items.values()),
        "assessment_response": list(AssessmentResponse.objects.filter(case_id=case_id).values()),
        "need": list(Need.objects.filter(case_id=case_id).values()),
        "communication": list(Communication.objects.filter(case_id=case_id).values()),
        "consent": list(Consent.objects.filter(case_id=case_id).values()),
        "notice": list(Notice.objects.filter(case_id=case_id).values()),
        "case_assignment": list(CaseAssignment.objects.filter(case_id=case_id).values()),
        "deadline": list(Deadline.objects.filter(pk__in=deadlines).values()),
    }
    return found


def _counts(rows: dict[str, list[Any]]) -> dict[str, int]:
    return {kind: len(found) for kind, found in sorted(rows.items()) if found}


EXPECTED = {
    "care_plan": 1,
    "care_plan_version": 1,
    "case": 1,
    "case_assignment": 1,
    "communication": 1,
    "consent": 1,
    "deadline": 3,
    "need": 1,
    "note": 2,
    "notice": 3,
    "plan_barrier": 1,
    "plan_goal": 1,
    "plan_intervention": 1,
    "plan_problem": 1,
    "work_item": 1,
    "assessment_response": 1,
}


def test_an_ended_case_is_destroyed_as_a_whole_record_counted_per_kind(world: World) -> None:
    case = _whole_case(world)
    before = _counts(_rows(case.pk))
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        since = last_event_id()
        certificates = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )
        events = events_since(since)

    by_type = {c.record_type: c for c in certificates}
    certificate = by_type["case"]
    assert before == dict(sorted(EXPECTED.items()))
    assert (certificate.count, certificate.record_ids, certificate.retention_years) == (
        1,
        [case.pk],
        10,
    )
    # The communication's own rule (10 years from it) took it first, in the same run.
    assert by_type["communication"].counts == {"communication": 1}
    assert certificate.counts == {k: n for k, n in before.items() if k != "communication"}
    assert _counts(_rows(case.pk)) == {}
    assert [
        (e.action, e.object_type, e.object_id, e.consumer_id)
        for e in events
        if e.object_type == "case"
    ] == [(AuditAction.DELETE, "case", str(case.pk), case.consumer_id)]


def test_a_held_case_keeps_every_row(world: World) -> None:
    held = _whole_case(world)
    free = _whole_case(world)
    hold = services.legal_hold_place(
        actor=factories.actor(world.compliance),
        consumer=held.consumer,
        case_id=held.pk,
        reason="Litigation notice 2026-114",
    )
    before = _rows(held.pk)
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        certificates = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )

    (certificate,) = [c for c in certificates if c.record_type == "case"]
    assert (certificate.record_ids, certificate.held_back) == ([free.pk], 1)
    assert _rows(held.pk) == before
    assert LegalHold.objects.filter(pk=hold.pk, released_at=None).exists()
    assert _counts(_rows(free.pk)) == {}


def test_a_case_not_yet_past_retention_or_still_open_is_kept(world: World) -> None:
    ended = _whole_case(world)
    still_open = factories.active_case(world.cm)
    with time_machine.travel(clock.now() + timedelta(days=9 * 365), tick=False):
        certificates = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        later = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )

    assert [c.record_type for c in certificates] == []
    assert [c.record_ids for c in later if c.record_type == "case"] == [[ended.pk]]
    assert Case.objects.filter(pk=still_open.pk).exists()


def test_a_released_hold_on_the_case_goes_with_it(world: World) -> None:
    case = _whole_case(world)
    actor = factories.actor(world.compliance)
    hold = services.legal_hold_place(
        actor=actor, consumer=case.consumer, case_id=case.pk, reason="Subpoena 7"
    )
    services.legal_hold_release(actor=actor, hold=hold, version=hold.version, reason="Settled")
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        certificates = services.retention_run(actor=actor, program=world.program, apply=True)

    (certificate,) = [c for c in certificates if c.record_type == "case"]
    assert certificate.counts["legal_hold"] == 1
    assert not LegalHold.objects.filter(pk=hold.pk).exists()
    assert AuditEvent.objects.filter(object_type="legal_hold", object_id=str(hold.pk)).count() == 2


def test_a_failure_midway_destroys_nothing(world: World, monkeypatch: Any) -> None:
    case = _whole_case(world)
    before = _rows(case.pk)
    certificates_before = DestructionCertificate.objects.count()

    def broken(case_ids: list[int]) -> int:
        raise RuntimeError("disk full")

    # The plan, needs and assessments are gone by the time the notes fail.
    monkeypatch.setattr("casework.governance.destruction._notes_destroy", broken)
    with (
        time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False),
        pytest.raises(RuntimeError),
    ):
        services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )

    assert _rows(case.pk) == before
    assert DestructionCertificate.objects.count() == certificates_before


def test_the_case_rule_is_in_the_schedule_with_its_floor(world: World) -> None:
    from casework.governance.selectors import retention_schedule

    (row,) = [r for r in retention_schedule(program_id=world.program.pk) if r.record_type == "case"]
    assert (row.years, row.floor_years, row.destroyable) == (10, 6, True)
