"""Plan-of-care invariants as pure functions (E1): no ORM.

A plan is given flat: problems; goals naming their problem; interventions naming their
goal; barriers naming their goal. `plan_errors` returns field → reasons for
  - a goal whose problem is not in the plan (no goal without a problem);
  - a goal without a target date, or with neither a target value nor an observable
    outcome (a goal must be measurable);
  - an intervention without a responsible party, or one not on the care team;
  - the same intervention (goal, type and wording) listed twice, whether for one party
    or for two (no duplication: one responsible party per intervention);
  - keys repeated, and barriers or interventions naming an unknown goal.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

GOAL_STATUSES = ("proposed", "active", "achieved", "not_achieved", "cancelled")
OPEN_GOAL_STATUSES = ("proposed", "active")
INTERVENTION_KINDS = ("education", "coordination", "referral", "monitoring", "advocacy")
INTERVENTION_STATUSES = ("planned", "in_progress", "done", "cancelled")


@dataclass(frozen=True)
class ProblemSpec:
    key: str
    description: str
    priority: int
    consumer_priority: int | None = None
    need_id: int | None = None


@dataclass(frozen=True)
class GoalSpec:
    key: str
    problem_key: str
    description: str
    target_date: date | None
    target_value: str = ""
    observable_outcome: str = ""
    status: str = "active"
    guideline: str = ""


@dataclass(frozen=True)
class InterventionSpec:
    key: str
    goal_key: str
    kind: str
    description: str
    responsible_id: int | None
    due_date: date | None
    status: str = "planned"
    guideline: str = ""


@dataclass(frozen=True)
class BarrierSpec:
    goal_key: str
    description: str


@dataclass(frozen=True)
class PlanSpec:
    problems: tuple[ProblemSpec, ...] = ()
    goals: tuple[GoalSpec, ...] = ()
    interventions: tuple[InterventionSpec, ...] = ()
    barriers: tuple[BarrierSpec, ...] = field(default_factory=tuple)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def plan_errors(plan: PlanSpec, *, care_team_ids: frozenset[int]) -> dict[str, list[str]]:
    """Every broken invariant, by field path (e.g. `goals[0].problem_key`)."""
    errors: dict[str, list[str]] = {}

    def add(path: str, reason: str) -> None:
        errors.setdefault(path, []).append(reason)

    if not plan.problems:
        add("problems", "a plan needs at least one problem")
    problem_keys: set[str] = set()
    for i, problem in enumerate(plan.problems):
        if problem.key in problem_keys:
            add(f"problems[{i}].key", "repeated")
        problem_keys.add(problem.key)
        if not problem.description.strip():
            add(f"problems[{i}].description", "describe the problem")
        if problem.priority not in (1, 2, 3):
            add(f"problems[{i}].priority", "priority is 1 (high), 2 or 3 (low)")
    goal_keys: set[str] = set()
    for i, goal in enumerate(plan.goals):
        path = f"goals[{i}]"
        if goal.key in goal_keys:
            add(f"{path}.key", "repeated")
        goal_keys.add(goal.key)
        if goal.problem_key not in problem_keys:
            add(f"{path}.problem_key", "a goal must address a problem in the plan")
        if not goal.description.strip():
            add(f"{path}.description", "describe the goal")
        if goal.target_date is None:
            add(f"{path}.target_date", "a goal needs a target date")
        if not goal.target_value.strip() and not goal.observable_outcome.strip():
            add(f"{path}.target_value", "give a target value or an observable outcome")
        if goal.status not in GOAL_STATUSES:
            add(f"{path}.status", "not a goal status")
    seen: dict[tuple[str, str, str], int | None] = {}
    intervention_keys: set[str] = set()
    for i, item in enumerate(plan.interventions):
        path = f"interventions[{i}]"
        if item.key in intervention_keys:
            add(f"{path}.key", "repeated")
        intervention_keys.add(item.key)
        if item.goal_key not in goal_keys:
            add(f"{path}.goal_key", "an intervention must serve a goal in the plan")
        if item.kind not in INTERVENTION_KINDS:
            add(f"{path}.kind", "not an intervention type")
        if not item.description.strip():
            add(f"{path}.description", "describe the intervention")
        if item.responsible_id is None:
            add(f"{path}.responsible", "an intervention needs one responsible party")
        elif item.responsible_id not in care_team_ids:
            add(f"{path}.responsible", "the responsible party must be on the care team")
        if item.due_date is None:
            add(f"{path}.due_date", "an intervention needs a due date")
        if item.status not in INTERVENTION_STATUSES:
            add(f"{path}.status", "not an intervention status")
        same = (item.goal_key, item.kind, _normal(item.description))
        if same in seen:
            add(
                f"{path}.description",
                "already assigned to another party"
                if seen[same] != item.responsible_id
                else "listed twice",
            )
        seen[same] = item.responsible_id
    for i, barrier in enumerate(plan.barriers):
        if barrier.goal_key not in goal_keys:
            add(f"barriers[{i}].goal_key", "a barrier must name a goal in the plan")
        if not barrier.description.strip():
            add(f"barriers[{i}].description", "describe the barrier")
    return errors


def plan_changes(old: PlanSpec | None, new: PlanSpec) -> bool:
    """Whether a revision changes anything (an unchanged plan is not a new version)."""
    return old != new


# --- agreed content -----------------------------------------------------------------------
#
# The consumer (or their decision maker) agrees to a plan: a reason is asked for a new
# version only when it changes what was agreed. Agreed content is
#   - which problems the plan addresses, their wording, priority and the consumer's own
#     priority;
#   - which goals it sets, the problem each addresses, their wording, target date, target
#     value and observable outcome;
#   - which interventions it commits to, the goal each serves, their type, wording,
#     responsible party and due date.
# Not agreed content: goal and intervention statuses (marking progress: active, achieved,
# in progress, done, cancelled), guideline references (a source for staff), barriers (what
# stands in the way, as the case manager sees it), the confirmed need a problem was taken
# from, the rows' keys, and spacing in any text (runs of spaces, line breaks, leading and
# trailing blanks). Any other edit of the wording of a problem, goal or intervention is a
# change: a typo cannot be told from a change of meaning.

type AgreedProblem = tuple[str, int, int | None]
type AgreedGoal = tuple[str, str, date | None, str, str]
type AgreedIntervention = tuple[str, str, str, int | None, date | None]


@dataclass(frozen=True)
class AgreedContent:
    """The part of a plan the consumer agreed to, by the rows' stable keys."""

    problems: dict[str, AgreedProblem]
    goals: dict[str, AgreedGoal]
    interventions: dict[str, AgreedIntervention]


def _spaced(text: str) -> str:
    return " ".join(text.split())


def agreed_content(plan: PlanSpec) -> AgreedContent:
    return AgreedContent(
        problems={
            p.key: (_spaced(p.description), p.priority, p.consumer_priority) for p in plan.problems
        },
        goals={
            g.key: (
                g.problem_key,
                _spaced(g.description),
                g.target_date,
                _spaced(g.target_value),
                _spaced(g.observable_outcome),
            )
            for g in plan.goals
        },
        interventions={
            i.key: (i.goal_key, i.kind, _spaced(i.description), i.responsible_id, i.due_date)
            for i in plan.interventions
        },
    )


def agreed_content_changes(old: PlanSpec | None, new: PlanSpec) -> bool:
    """Whether going from `old` (None: no plan yet) to `new` changes agreed content, so
    that the new version needs a reason. A first plan with any problem does."""
    return agreed_content(old or PlanSpec()) != agreed_content(new)


# --- withheld problems (S40) ----------------------------------------------------------------
#
# A problem started from a need a Part 2 record suggested is withheld, with everything
# hanging from it, from a reader the consumer's Part 2 consent does not cover. Such a
# reader may still change the plan: what they send cannot name a withheld row, and the
# withheld rows go into the new version exactly as they were.


@dataclass(frozen=True)
class Withheld:
    """The rows of a plan hidden from one reader, by key: the problems and the goals,
    interventions and barriers hanging from them."""

    problem_keys: frozenset[str] = frozenset()
    goal_keys: frozenset[str] = frozenset()
    intervention_keys: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.problem_keys)


def withheld_rows(plan: PlanSpec, problem_keys: frozenset[str]) -> Withheld:
    """The rows of `plan` hanging from the problems `problem_keys`."""
    goals = frozenset(g.key for g in plan.goals if g.problem_key in problem_keys)
    return Withheld(
        problem_keys=problem_keys & {p.key for p in plan.problems},
        goal_keys=goals,
        intervention_keys=frozenset(i.key for i in plan.interventions if i.goal_key in goals),
    )


def plan_without(plan: PlanSpec, withheld: Withheld) -> PlanSpec:
    """`plan` as a reader who may not see `withheld` sees it."""
    return PlanSpec(
        problems=tuple(p for p in plan.problems if p.key not in withheld.problem_keys),
        goals=tuple(g for g in plan.goals if g.key not in withheld.goal_keys),
        interventions=tuple(
            i for i in plan.interventions if i.key not in withheld.intervention_keys
        ),
        barriers=tuple(b for b in plan.barriers if b.goal_key not in withheld.goal_keys),
    )


def plan_names_withheld(change: PlanSpec, withheld: Withheld) -> bool:
    """Whether `change` names a withheld row: its key, or a goal, intervention or barrier
    hanging from one."""
    return (
        any(p.key in withheld.problem_keys for p in change.problems)
        or any(
            g.key in withheld.goal_keys or g.problem_key in withheld.problem_keys
            for g in change.goals
        )
        or any(
            i.key in withheld.intervention_keys or i.goal_key in withheld.goal_keys
            for i in change.interventions
        )
        or any(b.goal_key in withheld.goal_keys for b in change.barriers)
    )


def _put_back[T](rows: tuple[T, ...], before: tuple[T, ...], kept: list[bool]) -> tuple[T, ...]:
    merged = list(rows)
    for index, (row, keep) in enumerate(zip(before, kept, strict=True)):
        if keep:
            merged.insert(min(index, len(merged)), row)
    return tuple(merged)


def plan_with_withheld(change: PlanSpec, before: PlanSpec, withheld: Withheld) -> PlanSpec:
    """The plan a reader who may not see `withheld` sent (`change`, naming no withheld
    row), with the withheld rows of `before` put back unchanged, each in its place."""
    return PlanSpec(
        problems=_put_back(
            change.problems,
            before.problems,
            [p.key in withheld.problem_keys for p in before.problems],
        ),
        goals=_put_back(
            change.goals, before.goals, [g.key in withheld.goal_keys for g in before.goals]
        ),
        interventions=_put_back(
            change.interventions,
            before.interventions,
            [i.key in withheld.intervention_keys for i in before.interventions],
        ),
        barriers=_put_back(
            change.barriers,
            before.barriers,
            [b.goal_key in withheld.goal_keys for b in before.barriers],
        ),
    )


def withheld_problems_message(count: int) -> str:
    """What a page or a document says in place of `count` withheld problems: the count,
    never their content."""
    return ngettext(
        "%(count)d problem withheld: a 42 CFR Part 2 record your access is not covered for",
        "%(count)d problems withheld: 42 CFR Part 2 records your access is not covered for",
        count,
    ) % {"count": count}


def goal_status_set(plan: PlanSpec, goal_key: str, status: str) -> PlanSpec:
    return replace(
        plan,
        goals=tuple(replace(g, status=status) if g.key == goal_key else g for g in plan.goals),
    )


def goal_not_met_title(description: str) -> str:
    """The title of the work item raised when a goal is past its target date, naming the
    goal (cut to fit a work item's 200-character title)."""
    text = _("Goal not met by its target date: %(goal)s") % {"goal": description}
    return text if len(text) <= 200 else text[:199] + "…"


def goal_behind(goal: GoalSpec, *, today: date, progressed: bool) -> bool:
    """Lack of progress (D4, F6): an open goal past its target date that is not met."""
    return (
        goal.status in OPEN_GOAL_STATUSES
        and goal.target_date is not None
        and goal.target_date < today
        and not progressed
    )
