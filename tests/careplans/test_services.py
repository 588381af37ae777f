"""Plan versions, invariants at the service, agreement, informed choice, progress and
the lack-of-progress trigger."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from casework.careplans import rules, services
from casework.careplans.models import CarePlan, CarePlanVersion, PlanGoal
from casework.careplans.selectors import care_plan_spec
from casework.coordination.models import WorkItem
from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditEvent, Deadline
from casework.core.sweep import sweep_once
from tests import factories
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def spec(member_id: int, **goal: object) -> rules.PlanSpec:
    return rules.PlanSpec(
        problems=(rules.ProblemSpec(key="p1", description="Food insecurity", priority=1),),
        goals=(
            replace(
                rules.GoalSpec(
                    key="g1",
                    problem_key="p1",
                    description="Enough food every day",
                    target_date=date(2026, 4, 1),
                    target_value="0 days without a meal",
                ),
                **goal,  # type: ignore[arg-type]
            ),
        ),
        interventions=(
            rules.InterventionSpec(
                key="i1",
                goal_key="g1",
                kind="referral",
                description="Refer to the food pantry",
                responsible_id=member_id,
                due_date=date(2026, 3, 9),
            ),
        ),
        barriers=(rules.BarrierSpec(goal_key="g1", description="No car"),),
    )


def first_plan(world: World, case=None):  # type: ignore[no-untyped-def]
    case = case or factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    version = services.care_plan_revise(
        actor=factories.actor(world.cm),
        case=case,
        plan=spec(member.pk),
        reason="Initial plan",
        version=None,
    )
    return case, member, version


def test_first_revision_creates_plan_version_one_and_audits_once(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    before = AuditEvent.objects.count()
    version = services.care_plan_revise(
        actor=factories.actor(world.cm),
        case=case,
        plan=spec(member.pk),
        reason="Initial",
        version=None,
    )
    plan = CarePlan.objects.get(case=case)
    assert (version.number, version.author_id, plan.current_id, plan.version) == (
        1,
        world.cm.pk,
        version.pk,
        2,
    )
    assert care_plan_spec(version) == spec(member.pk)
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("create", "care_plan_version", str(version.pk))
    ]


def test_revision_keeps_the_earlier_version_unchanged(world: World) -> None:
    case, member, v1 = first_plan(world)
    plan = CarePlan.objects.get(case=case)
    changed = rules.goal_status_set(spec(member.pk), "g1", "achieved")
    v2 = services.care_plan_revise(
        actor=factories.actor(world.cm),
        case=case,
        plan=changed,
        reason="Goal met",
        version=plan.version,
    )
    assert (v2.number, v2.reason) == (2, "Goal met")
    assert care_plan_spec(CarePlanVersion.objects.get(pk=v1.pk)) == spec(member.pk)
    assert care_plan_spec(v2) == changed
    assert CarePlan.objects.get(case=case).current_id == v2.pk


def test_version_rows_cannot_be_changed_or_deleted(world: World) -> None:
    _, _, v1 = first_plan(world)
    goal = PlanGoal.objects.get(plan_version=v1)
    goal.description = "Edited"
    with pytest.raises(RuntimeError, match="immutable"):
        goal.save()
    with pytest.raises(RuntimeError, match="immutable"):
        v1.delete()
    assert PlanGoal.objects.get(pk=goal.pk).description == "Enough food every day"


def test_stale_plan_version_is_refused_and_writes_nothing(world: World) -> None:
    case, member, _ = first_plan(world)
    before = (CarePlanVersion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(StaleVersion) as exc:
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=rules.goal_status_set(spec(member.pk), "g1", "achieved"),
            reason="Goal met",
            version=1,
        )
    assert exc.value.current_version == 2
    assert (CarePlanVersion.objects.count(), AuditEvent.objects.count()) == before


def test_an_unchanged_plan_is_not_a_new_version(world: World) -> None:
    case, member, _ = first_plan(world)
    with pytest.raises(ValidationFailed) as exc:
        services.care_plan_revise(
            actor=factories.actor(world.cm), case=case, plan=spec(member.pk), reason="x", version=2
        )
    assert exc.value.errors == {"__all__": ["nothing in the plan changed"]}


def test_a_revision_needs_a_reason(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    with pytest.raises(ValidationFailed) as exc:
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=spec(member.pk),
            reason=" ",
            version=None,
        )
    assert exc.value.errors == {
        "reason": ["say why the plan changes: the change alters what was agreed"]
    }
    assert not CarePlan.objects.exists()


def test_responsible_party_from_another_consumers_team_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    other = factories.care_team_member(world.cm, factories.active_case(world.cm))
    with pytest.raises(ValidationFailed) as exc:
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=spec(other.pk),
            reason="x",
            version=None,
        )
    assert exc.value.errors == {
        "interventions[0].responsible": ["the responsible party must be on the care team"]
    }
    assert not CarePlan.objects.exists()


def test_unmeasurable_goal_is_refused_by_the_service(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    with pytest.raises(ValidationFailed) as exc:
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=spec(member.pk, target_value=""),
            reason="x",
            version=None,
        )
    assert exc.value.errors == {
        "goals[0].target_value": ["give a target value or an observable outcome"]
    }


def test_plan_needs_active_consent(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    from casework.cases import services as case_services

    case_services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="revoked",
        method="verbal",
        decided_at=clock.now(),
    )
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation):
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=spec(member.pk),
            reason="x",
            version=None,
        )
    assert (CarePlan.objects.count(), AuditEvent.objects.count()) == (0, before)


def test_agreement_is_recorded_on_the_current_version(world: World) -> None:
    case, _, v1 = first_plan(world)
    plan = CarePlan.objects.get(case=case)
    agreement = services.plan_agreement_record(
        actor=factories.actor(world.cm),
        plan=plan,
        plan_version=1,
        agreed_by="Consumer",
        role="consumer",
        method="in_person",
        participants="Consumer, daughter, case manager",
        agreed_at=clock.now() - timedelta(minutes=5),
    )
    assert (agreement.plan_version_id, agreement.role, agreement.method) == (
        v1.pk,
        "consumer",
        "in_person",
    )


def test_agreement_on_an_old_version_is_refused(world: World) -> None:
    case, _, _ = first_plan(world)
    plan = CarePlan.objects.get(case=case)
    with pytest.raises(RuleViolation):
        services.plan_agreement_record(
            actor=factories.actor(world.cm),
            plan=plan,
            plan_version=7,
            agreed_by="Consumer",
            role="consumer",
            method="phone",
            participants="Consumer",
            agreed_at=clock.now(),
        )


def test_informed_choice_needs_every_element(world: World) -> None:
    case, _, _ = first_plan(world)
    plan = CarePlan.objects.get(case=case)
    with pytest.raises(ValidationFailed) as exc:
        services.informed_choice_record(
            actor=factories.actor(world.cm),
            plan=plan,
            plan_version=1,
            topic="Home-delivered meals",
            benefits="Daily hot meal",
            risks="",
            costs="None",
            alternatives=" ",
            consumer_choice="Accepts",
            discussed_at=clock.now(),
        )
    assert exc.value.errors == {"risks": ["required"], "alternatives": ["required"]}


def test_progress_on_an_unknown_goal_is_refused(world: World) -> None:
    case, _, _ = first_plan(world)
    plan = CarePlan.objects.get(case=case)
    with pytest.raises(ValidationFailed) as exc:
        services.goal_progress_record(
            actor=factories.actor(world.cm), plan=plan, goal_key="zz", trend="improving", note="x"
        )
    assert exc.value.errors == {"goal": ["no such goal in the current plan"]}


def test_goal_past_target_without_progress_raises_a_work_item(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        case, _, v1 = first_plan(world)
    goal = PlanGoal.objects.get(plan_version=v1)
    deadline = Deadline.objects.get(kind="goal_target", subject_id=goal.pk)
    # The target day (1 April) ends at midnight in New York, the program's zone (EDT).
    assert deadline.due_at == datetime(2026, 4, 2, 4, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 4, 2, 3, 59, tzinfo=UTC), tick=False):
        sweep_once()
    assert WorkItem.objects.filter(case=case).count() == 0
    with time_machine.travel(datetime(2026, 4, 2, 4, 1, tzinfo=UTC), tick=False):
        sweep_once()
    item = WorkItem.objects.get(case=case)
    assert (item.title, item.owner_id) == (
        "Goal not met by its target date: Enough food every day",
        world.cm.pk,
    )
    assert item.description == "Target date 2026-04-01. Review the plan with the consumer."


def test_a_past_due_goal_raises_one_work_item_across_plan_versions(world: World) -> None:
    """Issue 13 item 4: four versions of a plan with the same past-due goal raised four
    identical items. One per goal, naming it; none for superseded versions."""
    with time_machine.travel(T0, tick=False):
        case, member, _ = first_plan(world)
    for number in (2, 3, 4):
        with time_machine.travel(datetime(2026, 4, number + 1, 9, 0, tzinfo=UTC), tick=False):
            sweep_once()
            services.care_plan_revise(
                actor=factories.actor(world.cm),
                case=case,
                plan=replace(
                    spec(member.pk),
                    barriers=(rules.BarrierSpec(goal_key="g1", description=f"Barrier {number}"),),
                ),
                reason=f"Review {number}",
                version=number,
            )
    with time_machine.travel(datetime(2026, 4, 10, tzinfo=UTC), tick=False):
        sweep_once()

    titles = list(WorkItem.objects.filter(case=case).values_list("title", flat=True))
    assert titles == ["Goal not met by its target date: Enough food every day"]


def test_two_past_due_goals_raise_one_work_item_each(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        case, member, _ = first_plan(world)
        plan = spec(member.pk)
        second = replace(plan.goals[0], key="g2", description="A steady home")
        services.care_plan_revise(
            actor=factories.actor(world.cm),
            case=case,
            plan=replace(plan, goals=(*plan.goals, second)),
            reason="Add housing",
            version=2,
        )
    with time_machine.travel(datetime(2026, 4, 3, tzinfo=UTC), tick=False):
        sweep_once()
        sweep_once()

    titles = sorted(WorkItem.objects.filter(case=case).values_list("title", flat=True))
    assert titles == [
        "Goal not met by its target date: A steady home",
        "Goal not met by its target date: Enough food every day",
    ]


def test_goal_marked_met_raises_nothing_at_its_target(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        case, _, _ = first_plan(world)
        services.goal_progress_record(
            actor=factories.actor(world.cm),
            plan=CarePlan.objects.get(case=case),
            goal_key="g1",
            trend="met",
            note="Pantry weekly",
        )
    with time_machine.travel(datetime(2026, 4, 3, tzinfo=UTC), tick=False):
        sweep_once()
    assert WorkItem.objects.filter(case=case).count() == 0


def test_revision_moves_goal_deadlines_to_the_new_version(world: World) -> None:
    case, member, v1 = first_plan(world)
    old_goal = PlanGoal.objects.get(plan_version=v1)
    v2 = services.care_plan_revise(
        actor=factories.actor(world.cm),
        case=case,
        plan=spec(member.pk, target_date=date(2026, 5, 1)),
        reason="More time",
        version=2,
    )
    new_goal = PlanGoal.objects.get(plan_version=v2)
    assert Deadline.objects.get(subject_id=old_goal.pk, kind="goal_target").state == "waived"
    assert Deadline.objects.get(subject_id=new_goal.pk, kind="goal_target").state == "open"
