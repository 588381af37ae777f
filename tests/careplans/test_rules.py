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


# --- agreed content: a reason is asked only when it changes -----------------------------


def test_a_first_plan_changes_agreed_content() -> None:
    assert rules.agreed_content_changes(None, plan()) is True


def test_an_unchanged_plan_changes_no_agreed_content() -> None:
    assert rules.agreed_content_changes(plan(), plan()) is False


def _goal(**changes: object) -> rules.PlanSpec:
    return plan(goals=(replace(plan().goals[0], **changes),))  # type: ignore[arg-type]


def _intervention(**changes: object) -> rules.PlanSpec:
    return plan(interventions=(replace(plan().interventions[0], **changes),))  # type: ignore[arg-type]


def test_marking_progress_and_references_are_not_agreed_content() -> None:
    unchanged = [
        _goal(status="achieved"),
        _goal(status="cancelled"),
        _goal(guideline="ADA 2026, section 5"),
        _intervention(status="done"),
        _intervention(guideline="CDC food access"),
        plan(barriers=(rules.BarrierSpec(goal_key="g1", description="No car, no bus pass"),)),
        plan(barriers=()),
        plan(problems=(replace(plan().problems[0], need_id=4),)),
        _goal(description="  Enough   food\nevery day "),
    ]
    assert [rules.agreed_content_changes(plan(), new) for new in unchanged] == [False] * 9


def test_goals_targets_and_outcomes_are_agreed_content() -> None:
    changed = [
        _goal(description="Enough food every day of the week"),
        _goal(target_date=date(2026, 7, 1)),
        _goal(target_value="1 day without a meal per week"),
        _goal(observable_outcome="Eats three meals a day"),
        plan(goals=(*plan().goals, replace(plan().goals[0], key="g2"))),
    ]
    assert [rules.agreed_content_changes(plan(), new) for new in changed] == [True] * 5


def test_interventions_and_their_parties_are_agreed_content() -> None:
    changed = [
        _intervention(responsible_id=8),
        _intervention(due_date=date(2026, 4, 8)),
        _intervention(kind="education"),
        _intervention(description="Refer to the food bank"),
        plan(interventions=()),
    ]
    assert [rules.agreed_content_changes(plan(), new) for new in changed] == [True] * 5


def test_problems_and_priorities_are_agreed_content() -> None:
    problem = plan().problems[0]
    changed = [
        plan(problems=(replace(problem, priority=2),)),
        plan(problems=(replace(problem, consumer_priority=1),)),
        plan(problems=(replace(problem, description="Food insecurity and hunger"),)),
    ]
    assert [rules.agreed_content_changes(plan(), new) for new in changed] == [True] * 3


# --- withheld problems (S40) ----------------------------------------------------------------


def two_problems() -> rules.PlanSpec:
    """The plan of `plan()` with a second problem (p2, first in every list) whose goal,
    intervention and barrier hang from it."""
    base = plan()
    return rules.PlanSpec(
        problems=(
            rules.ProblemSpec(key="p2", description="Alcohol use", priority=1),
            *base.problems,
        ),
        goals=(
            replace(base.goals[0], key="g2", problem_key="p2", description="Drink less"),
            *base.goals,
        ),
        interventions=(
            replace(base.interventions[0], key="i2", goal_key="g2", description="Counselling"),
            *base.interventions,
        ),
        barriers=(rules.BarrierSpec(goal_key="g2", description="Cravings"), *base.barriers),
    )


def test_the_rows_hanging_from_a_withheld_problem_are_withheld() -> None:
    withheld = rules.withheld_rows(two_problems(), frozenset({"p2"}))

    assert withheld == rules.Withheld(
        problem_keys=frozenset({"p2"}),
        goal_keys=frozenset({"g2"}),
        intervention_keys=frozenset({"i2"}),
    )


def test_a_plan_without_the_withheld_rows_is_what_the_reader_sees() -> None:
    withheld = rules.withheld_rows(two_problems(), frozenset({"p2"}))

    assert rules.plan_without(two_problems(), withheld) == plan()


def test_the_withheld_rows_are_put_back_in_their_places() -> None:
    whole = two_problems()
    withheld = rules.withheld_rows(whole, frozenset({"p2"}))

    assert rules.plan_with_withheld(plan(), whole, withheld) == whole


def test_putting_back_keeps_the_readers_change() -> None:
    whole = two_problems()
    withheld = rules.withheld_rows(whole, frozenset({"p2"}))
    change = rules.goal_status_set(plan(), "g1", "achieved")

    merged = rules.plan_with_withheld(change, whole, withheld)

    assert [(g.key, g.status) for g in merged.goals] == [("g2", "active"), ("g1", "achieved")]


def test_a_change_naming_a_withheld_row_is_told() -> None:
    withheld = rules.withheld_rows(two_problems(), frozenset({"p2"}))
    goal_on_it = replace(plan(), goals=(replace(plan().goals[0], problem_key="p2"),))
    barrier_on_it = replace(plan(), barriers=(rules.BarrierSpec(goal_key="g2", description="x"),))

    assert rules.plan_names_withheld(plan(), withheld) is False
    assert rules.plan_names_withheld(goal_on_it, withheld) is True
    assert rules.plan_names_withheld(barrier_on_it, withheld) is True


def test_the_withheld_message_counts_and_says_nothing_more() -> None:
    assert rules.withheld_problems_message(2) == (
        "2 problems withheld: 42 CFR Part 2 records your access is not covered for"
    )
