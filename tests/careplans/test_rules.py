"""Plan-of-care invariants (no database)."""

from dataclasses import replace
from datetime import date

from casework.careplans import rules

TEAM = frozenset({7, 8})


def plan(**overrides: object) -> rules.PlanSpec:
    base = rules.PlanSpec(
        problems=(rules.ProblemSpec(key="p1", description="Food insecurity", priority=1),),
        goals=(
            rules.GoalSpec(
                key="g1",
                problem_key="p1",
                description="Enough food every day",
                target_date=date(2026, 6, 1),
                target_value="0 days without a meal per week",
            ),
        ),
        interventions=(
            rules.InterventionSpec(
                key="i1",
                goal_key="g1",
                kind="referral",
                description="Refer to the food pantry",
                responsible_id=7,
                due_date=date(2026, 4, 1),
            ),
        ),
        barriers=(rules.BarrierSpec(goal_key="g1", description="No car"),),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def test_a_complete_plan_has_no_errors() -> None:
    assert rules.plan_errors(plan(), care_team_ids=TEAM) == {}


def test_no_goal_without_a_problem() -> None:
    goal = replace(plan().goals[0], problem_key="missing")
    errors = rules.plan_errors(plan(goals=(goal,)), care_team_ids=TEAM)
    assert errors == {"goals[0].problem_key": ["a goal must address a problem in the plan"]}


def test_a_plan_needs_a_problem() -> None:
    errors = rules.plan_errors(rules.PlanSpec(), care_team_ids=TEAM)
    assert errors == {"problems": ["a plan needs at least one problem"]}


def test_goal_must_be_measurable() -> None:
    goal = replace(plan().goals[0], target_value="", observable_outcome=" ")
    errors = rules.plan_errors(plan(goals=(goal,)), care_team_ids=TEAM)
    assert errors == {"goals[0].target_value": ["give a target value or an observable outcome"]}


def test_an_observable_outcome_makes_a_goal_measurable() -> None:
    goal = replace(plan().goals[0], target_value="", observable_outcome="Pantry visits weekly")
    assert rules.plan_errors(plan(goals=(goal,)), care_team_ids=TEAM) == {}


def test_goal_needs_a_target_date() -> None:
    goal = replace(plan().goals[0], target_date=None)
    errors = rules.plan_errors(plan(goals=(goal,)), care_team_ids=TEAM)
    assert errors == {"goals[0].target_date": ["a goal needs a target date"]}


def test_no_intervention_without_a_responsible_party() -> None:
    item = replace(plan().interventions[0], responsible_id=None)
    errors = rules.plan_errors(plan(interventions=(item,)), care_team_ids=TEAM)
    assert errors == {
        "interventions[0].responsible": ["an intervention needs one responsible party"]
    }


def test_responsible_party_must_be_on_the_care_team() -> None:
    item = replace(plan().interventions[0], responsible_id=99)
    errors = rules.plan_errors(plan(interventions=(item,)), care_team_ids=TEAM)
    assert errors == {
        "interventions[0].responsible": ["the responsible party must be on the care team"]
    }


def test_same_intervention_cannot_go_to_two_parties() -> None:
    first = plan().interventions[0]
    second = replace(first, key="i2", responsible_id=8, description="refer to the  FOOD pantry")
    errors = rules.plan_errors(plan(interventions=(first, second)), care_team_ids=TEAM)
    assert errors == {"interventions[1].description": ["already assigned to another party"]}


def test_same_intervention_listed_twice_for_one_party_is_refused() -> None:
    first = plan().interventions[0]
    errors = rules.plan_errors(
        plan(interventions=(first, replace(first, key="i2"))), care_team_ids=TEAM
    )
    assert errors == {"interventions[1].description": ["listed twice"]}


def test_intervention_type_must_be_one_of_the_five() -> None:
    item = replace(plan().interventions[0], kind="surgery")
    errors = rules.plan_errors(plan(interventions=(item,)), care_team_ids=TEAM)
    assert errors == {"interventions[0].kind": ["not an intervention type"]}


def test_barrier_must_name_a_goal() -> None:
    errors = rules.plan_errors(
        plan(barriers=(rules.BarrierSpec(goal_key="nope", description="x"),)), care_team_ids=TEAM
    )
    assert errors == {"barriers[0].goal_key": ["a barrier must name a goal in the plan"]}


def test_goal_behind_only_when_open_past_target_and_not_progressed() -> None:
    goal = plan().goals[0]
    after = date(2026, 6, 2)
    assert rules.goal_behind(goal, today=after, progressed=False) is True
    assert rules.goal_behind(goal, today=date(2026, 6, 1), progressed=False) is False
    assert rules.goal_behind(goal, today=after, progressed=True) is False
    assert (
        rules.goal_behind(replace(goal, status="achieved"), today=after, progressed=False) is False
    )


def test_goal_status_set_changes_only_that_goal() -> None:
    changed = rules.goal_status_set(plan(), "g1", "achieved")
    assert [g.status for g in changed.goals] == ["achieved"]
    assert changed.problems == plan().problems
