"""Reads for the plan of care: the current version with everything it holds, in a fixed
number of queries (no N+1)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from casework.assessments.selectors import need_visible_q
from casework.careplans import rules
from casework.careplans.models import (
    CarePlan,
    CarePlanVersion,
    GoalProgress,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
)
from casework.core.actor import Actor


def care_plan_for_case(*, case_id: int) -> CarePlan | None:
    return (
        CarePlan.objects.filter(case_id=case_id)
        .select_related("current", "current__author", "case")
        .first()
    )


def care_plan_version_list(*, plan_id: int) -> QuerySet[CarePlanVersion]:
    return (
        CarePlanVersion.objects.filter(plan_id=plan_id).select_related("author").order_by("-number")
    )


def plan_problem_visible_q(actor: Actor) -> Q:
    """The plan problems `actor` may see (S40): one written by hand, and one started from
    a need `actor` may see (`need_visible_q`). A problem started from a need a Part 2
    record suggested is a Part 2 record, and so is everything hanging from it."""
    return Q(need=None) | need_visible_q(actor, prefix="need__")


@dataclass
class PlanView:
    """A version laid out for display: problems in priority order, each with its goals,
    each goal with its interventions, barriers and progress entries. The problems are
    those the reader may see; `withheld_problem_ids` are the others (Part 2 records the
    reader's access is not covered for, S40), to be counted and audited, never shown.
    Each problem shown has `part2`: whether it is a Part 2 record."""

    version: CarePlanVersion
    problems: list = field(default_factory=list)  # type: ignore[type-arg]
    agreements: list = field(default_factory=list)  # type: ignore[type-arg]
    informed_choices: list = field(default_factory=list)  # type: ignore[type-arg]
    withheld_problem_ids: list[int] = field(default_factory=list)

    @property
    def part2(self) -> bool:
        """Whether a problem shown is a Part 2 record (its disclosure carries the notice)."""
        return any(p.part2 for p in self.problems)


def care_plan_version_view(*, version: CarePlanVersion, actor: Actor) -> PlanView:
    """The version as `actor` may see it (`plan_problem_visible_q`). Five queries whatever
    the size of the plan."""
    goals = PlanGoal.objects.filter(plan_version=version).order_by("target_date", "id")
    interventions = PlanIntervention.objects.filter(plan_version=version).select_related(
        "responsible"
    )
    problems = list(
        PlanProblem.objects.filter(plan_problem_visible_q(actor), plan_version=version)
        .annotate(
            part2=Coalesce(
                F("need__source_response__part2"), Value(False), output_field=BooleanField()
            )
        )
        .order_by("priority", "consumer_priority", "id")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=goals.prefetch_related(
                    Prefetch("interventions", queryset=interventions.order_by("due_date", "id")),
                    "barriers",
                ),
            )
        )
    )
    progress: dict[str, list[GoalProgress]] = {}
    for entry in (
        GoalProgress.objects.filter(plan_id=version.plan_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    ):
        progress.setdefault(entry.goal_key, []).append(entry)
    for problem in problems:
        for goal in problem.goals.all():
            goal.progress_entries = progress.get(goal.key, [])  # type: ignore[attr-defined]
    shown = {p.pk for p in problems}
    return PlanView(
        version=version,
        problems=problems,
        agreements=list(version.agreements.select_related("recorded_by").order_by("agreed_at")),
        informed_choices=list(version.informed_choices.order_by("discussed_at")),
        withheld_problem_ids=[
            pk
            for pk in version.problems.order_by("id").values_list("id", flat=True)
            if pk not in shown
        ],
    )


def care_plan_spec_seen(
    *, version: CarePlanVersion, actor: Actor
) -> tuple[rules.PlanSpec, rules.Withheld]:
    """The whole of `version` as the plan a revision starts from, and the rows `actor`
    may not see in it (`plan_problem_visible_q`): a revision by `actor` names none of them
    and carries them over unchanged (`rules.plan_with_withheld`)."""
    spec = care_plan_spec(version)
    seen = set(version.problems.filter(plan_problem_visible_q(actor)).values_list("key", flat=True))
    hidden = frozenset(p.key for p in spec.problems if p.key not in seen)
    return spec, rules.withheld_rows(spec, hidden)


def care_plan_spec(version: CarePlanVersion) -> rules.PlanSpec:
    """A stored version as the plan a revision starts from."""
    problems = list(version.problems.order_by("id"))
    goals = list(version.goals.select_related("problem").order_by("id"))
    interventions = list(version.interventions.select_related("goal").order_by("id"))
    return rules.PlanSpec(
        problems=tuple(
            rules.ProblemSpec(
                key=p.key,
                description=p.description,
                priority=p.priority,
                consumer_priority=p.consumer_priority,
                need_id=p.need_id,
            )
            for p in problems
        ),
        goals=tuple(
            rules.GoalSpec(
                key=g.key,
                problem_key=g.problem.key,
                description=g.description,
                target_date=g.target_date,
                target_value=g.target_value,
                observable_outcome=g.observable_outcome,
                status=g.status,
                guideline=g.guideline,
            )
            for g in goals
        ),
        interventions=tuple(
            rules.InterventionSpec(
                key=i.key,
                goal_key=i.goal.key,
                kind=i.kind,
                description=i.description,
                responsible_id=i.responsible_id,
                due_date=i.due_date,
                status=i.status,
                guideline=i.guideline,
            )
            for i in interventions
        ),
        barriers=tuple(
            rules.BarrierSpec(goal_key=b.goal.key, description=b.description)
            for b in version.barriers.select_related("goal").order_by("id")
        ),
    )


def case_section(*, case_id: int, actor: Actor) -> dict[str, Any]:
    """The current plan of care as `actor` may see it, as the case page shows it (E1-E5)."""
    plan = care_plan_for_case(case_id=case_id)
    current = plan.current if plan is not None else None
    view = care_plan_version_view(version=current, actor=actor) if current else None
    withheld = len(view.withheld_problem_ids) if view is not None else 0
    return {
        "plan_view": view,
        "plan_withheld_message": rules.withheld_problems_message(withheld) if withheld else "",
        "plan_versions": list(
            CarePlanVersion.objects.filter(plan__case_id=case_id)
            .select_related("author")
            .order_by("number")
        )
        if plan is not None
        else [],
    }


def care_plan_by_id(*, plan_id: int) -> CarePlan:
    return CarePlan.objects.select_related("current").get(pk=plan_id)


def care_plan_version_numbered(*, plan_id: int, number: int) -> CarePlanVersion | None:
    """Version `number` of plan `plan_id`, with its author."""
    return (
        CarePlanVersion.objects.filter(plan_id=plan_id, number=number)
        .select_related("author")
        .first()
    )
