"""FHIR R4 output for the plan of care: a CarePlan with interventions as activities, one
Goal per goal and one problem-list Condition per problem; the CarePlan and each Goal
address their Conditions. Only the problems the reader may see are in it (S40); a Part 2
problem's Condition and Goals, and the CarePlan holding it, carry the Part 2 security
labels, and the Condition the 42 CFR 2.32 redisclosure notice as its narrative."""

from typing import Any

from casework.careplans.models import CarePlan
from casework.careplans.selectors import PlanView
from casework.coordination.rules import fhir_part2

GOAL_LIFECYCLE = {
    "proposed": "proposed",
    "active": "active",
    "achieved": "completed",
    "not_achieved": "completed",
    "cancelled": "cancelled",
}
GOAL_ACHIEVEMENT = {
    "proposed": "in-progress",
    "active": "in-progress",
    "achieved": "achieved",
    "not_achieved": "not-achieved",
}
ACTIVITY_STATUS = {
    "planned": "not-started",
    "in_progress": "in-progress",
    "done": "completed",
    "cancelled": "cancelled",
}


def _goal_id(plan: CarePlan, key: str) -> str:
    return f"goal-{plan.pk}-{key}"


def _problem_id(plan: CarePlan, key: str) -> str:
    return f"problem-{plan.pk}-{key}"


def condition(plan: CarePlan, problem: Any) -> dict[str, Any]:
    """A problem of the plan as a problem-list-item Condition (its text, priorities in a
    note; the case manager's wording, not a coded diagnosis)."""
    priorities = f"Priority {problem.priority}"
    if problem.consumer_priority is not None:
        priorities += f"; the consumer's own priority {problem.consumer_priority}"
    return {
        "resourceType": "Condition",
        "id": _problem_id(plan, problem.key),
        **fhir_part2(part2=problem.part2, notice=True),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": {"text": problem.description},
        "subject": {"reference": f"Patient/{plan.case.consumer_id}"},
        "note": [{"text": priorities}],
    }


def goal(plan: CarePlan, view: PlanView, g: Any, problem: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": _goal_id(plan, g.key),
        **fhir_part2(part2=problem.part2),
        "lifecycleStatus": GOAL_LIFECYCLE[g.status],
        "description": {"text": g.description},
        "subject": {"reference": f"Patient/{plan.case.consumer_id}"},
        "target": [
            {
                "measure": {"text": g.description},
                "detailString": g.target_value or g.observable_outcome,
                "dueDate": g.target_date.isoformat(),
            }
        ],
        "addresses": [{"reference": f"Condition/{_problem_id(plan, problem.key)}"}],
        "note": [{"text": f"Addresses: {problem.description}"}],
    }
    if g.status in GOAL_ACHIEVEMENT:
        resource["achievementStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": GOAL_ACHIEVEMENT[g.status],
                }
            ]
        }
    if g.guideline:
        resource["note"].append({"text": f"Guideline: {g.guideline}"})
    return resource


def care_plan_bundle(plan: CarePlan, view: PlanView) -> dict[str, Any]:
    goals: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    conditions = [condition(plan, problem) for problem in view.problems]
    for problem in view.problems:
        for g in problem.goals.all():
            goals.append(goal(plan, view, g, problem))
            for item in g.interventions.all():
                detail: dict[str, Any] = {
                    "kind": "Task",
                    "code": {"text": item.get_kind_display()},
                    "status": ACTIVITY_STATUS[item.status],
                    "description": item.description,
                    "goal": [{"reference": f"Goal/{_goal_id(plan, g.key)}"}],
                    "performer": [{"display": item.responsible.name}],
                    "scheduledPeriod": {"end": item.due_date.isoformat()},
                }
                activity: dict[str, Any] = {"detail": detail}
                if item.guideline:
                    activity["progress"] = [{"text": f"Guideline: {item.guideline}"}]
                activities.append(activity)
    notes = [
        {"text": f"Agreed by {a.agreed_by} ({a.role}, {a.method}) on {a.agreed_at:%Y-%m-%d}"}
        for a in view.agreements
    ]
    care_plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"careplan-{plan.pk}-v{view.version.number}",
        **fhir_part2(part2=view.part2),
        "status": "active",
        "intent": "plan",
        "title": "Plan of care",
        "subject": {"reference": f"Patient/{plan.case.consumer_id}"},
        "created": view.version.created_at.isoformat(),
        "author": {"display": view.version.author.get_full_name()},
        "addresses": [{"reference": f"Condition/{c['id']}"} for c in conditions],
        "goal": [{"reference": f"Goal/{g['id']}"} for g in goals],
        "activity": activities,
    }
    if notes:
        care_plan["note"] = notes
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in [care_plan, *goals, *conditions]],
    }
