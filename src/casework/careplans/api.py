"""The plan of care (E1-E5, F6) and its FHIR output.

Reads need consumer.read over the case; revisions, agreement and informed choice need
care.plan; progress needs record.note. Every write needs active consent (409
otherwise). Each request writes exactly one audit event."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from casework.assessments.selectors import need_of_case
from casework.careplans import fhir, rules, services
from casework.careplans.models import CarePlan
from casework.careplans.schemas import (
    AgreementIn,
    CreatedOut,
    InformedChoiceIn,
    PlanOut,
    PlanRevisionIn,
    ProgressIn,
)
from casework.careplans.selectors import (
    PlanView,
    care_plan_by_id,
    care_plan_for_case,
    care_plan_spec_seen,
    care_plan_version_numbered,
    care_plan_version_view,
)
from casework.cases.models import Case
from casework.coordination.rules import PART2_NOTICE
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import (
    access_care_plan,
    access_case,
    audit_action,
    audit_load_read,
    refuse,
)
from casework.web.api import responses
from casework.web.guard import guard

router = Router(tags=["care plans"])


def plan_out(plan: CarePlan, view: PlanView) -> dict[str, Any]:
    version = view.version
    return {
        "plan_id": plan.pk,
        "version": plan.version,
        "number": version.number,
        "current_number": plan.current.number if plan.current else version.number,
        "reason": version.reason,
        "author": version.author,
        "created_at": version.created_at,
        "problems": [
            {
                "key": p.key,
                "description": p.description,
                "priority": p.priority,
                "consumer_priority": p.consumer_priority,
                "need_id": p.need_id,
                "part2": p.part2,
                "redisclosure_notice": PART2_NOTICE if p.part2 else None,
                "goals": [
                    {
                        "key": g.key,
                        "description": g.description,
                        "target_value": g.target_value,
                        "observable_outcome": g.observable_outcome,
                        "target_date": g.target_date,
                        "status": g.status,
                        "guideline": g.guideline,
                        "interventions": list(g.interventions.all()),
                        "barriers": [b.description for b in g.barriers.all()],
                        "progress": g.progress_entries,
                    }
                    for g in p.goals.all()
                ],
            }
            for p in view.problems
        ],
        "agreements": view.agreements,
        "informed_choices": view.informed_choices,
    }


def _withheld_detail(view: PlanView) -> dict[str, object] | None:
    """The detail of the one read of a plan that withheld problems (S40): their ids."""
    if not view.withheld_problem_ids:
        return None
    return {"part2_withheld_problems": view.withheld_problem_ids}


def _spec(payload: PlanRevisionIn) -> rules.PlanSpec:
    return rules.PlanSpec(
        problems=tuple(rules.ProblemSpec(**p.model_dump()) for p in payload.problems),
        goals=tuple(rules.GoalSpec(**g.model_dump()) for g in payload.goals),
        interventions=tuple(
            rules.InterventionSpec(
                **i.model_dump(exclude={"responsible"}), responsible_id=i.responsible
            )
            for i in payload.interventions
        ),
        barriers=tuple(rules.BarrierSpec(**b.model_dump()) for b in payload.barriers),
    )


@router.get(
    "/cases/{case_id}/care-plan",
    response=responses({200: PlanOut}),
    summary="The current plan of care",
    operation_id="care_plan_read",
)
@guard(Permission.CONSUMER_READ, access_care_plan)
def care_plan_read(request: HttpRequest, actor: Actor, plan: CarePlan) -> dict[str, Any]:
    """Problems by priority, their goals, interventions, barriers and progress; agreement
    and informed choice on this version. 404 when the case has no plan. A problem started
    from a need a 42 CFR Part 2 record suggested (`part2`, with the redisclosure notice)
    is listed only to a caller the consumer's Part 2 consent covers; for anyone else it
    and everything hanging from it are left out. Audits one read, naming the problems it
    left out."""
    assert plan.current is not None
    view = care_plan_version_view(version=plan.current, actor=actor)
    audit_load_read(actor, plan, detail=_withheld_detail(view))
    return plan_out(plan, view)


@router.get(
    "/cases/{case_id}/care-plan/versions/{number}",
    response=responses({200: PlanOut}),
    summary="An earlier version of the plan of care",
    operation_id="care_plan_version_read",
)
@guard(Permission.CONSUMER_READ, access_case)
def care_plan_version_read(
    request: HttpRequest, actor: Actor, case: Case, number: int
) -> dict[str, Any]:
    """Any version, as it was written (versions never change), without the Part 2
    problems the caller may not see. Audits one read, naming the problems it left out."""
    plan = care_plan_for_case(case_id=case.pk)
    version = care_plan_version_numbered(plan_id=plan.pk, number=number) if plan else None
    if plan is None or version is None:
        raise refuse(actor, AuditAction.READ, "care_plan_version", f"case {case.pk} v{number}")
    view = care_plan_version_view(version=version, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        consumer_id=case.consumer_id,
        object_type="care_plan_version",
        object_id=version.pk,
        detail=_withheld_detail(view),
    )
    return plan_out(plan, view)


@router.post(
    "/cases/{case_id}/care-plan/versions",
    response=responses({201: PlanOut}, write=True),
    summary="Write a new version of the plan of care",
    operation_id="care_plan_revise",
)
@guard(Permission.CARE_PLAN, access_case)
def care_plan_revise(
    request: HttpRequest, actor: Actor, case: Case, payload: PlanRevisionIn
) -> Status[dict[str, Any]]:
    """Send the whole plan with the reason for the change; it becomes the next version.
    Invariants (measurable goals, one responsible party from the care team per
    intervention, no duplicates) are 422 with the path of each field. The whole plan is
    the plan as the caller reads it: problems withheld from the caller (42 CFR Part 2)
    are carried over unchanged, and naming one of them, or a need the caller may not see,
    is 404 (one denied event, nothing written). Audits one create."""
    change = _spec(payload)
    for problem in change.problems:
        if problem.need_id is None:
            continue
        if need_of_case(case_id=case.pk, need_id=problem.need_id, actor=actor) is None:
            raise refuse(actor, audit_action(Permission.CARE_PLAN), "need", problem.need_id)
    current = care_plan_for_case(case_id=case.pk)
    if current is not None and current.current is not None:
        before, withheld = care_plan_spec_seen(version=current.current, actor=actor)
        if withheld and rules.plan_names_withheld(change, withheld):
            raise refuse(
                actor,
                audit_action(Permission.CARE_PLAN),
                "care_plan",
                current.pk,
                reason="names a problem withheld from the caller (42 CFR Part 2)",
            )
        change = rules.plan_with_withheld(change, before, withheld)
    version = services.care_plan_revise(
        actor=actor, case=case, plan=change, reason=payload.reason, version=payload.version
    )
    plan = care_plan_by_id(plan_id=version.plan_id)
    return Status(201, plan_out(plan, care_plan_version_view(version=version, actor=actor)))


@router.post(
    "/cases/{case_id}/care-plan/agreements",
    response=responses({201: CreatedOut}, write=True),
    summary="Record agreement to the current plan",
    operation_id="plan_agreement_create",
)
@guard(Permission.CARE_PLAN, access_care_plan)
def plan_agreement_create(
    request: HttpRequest, actor: Actor, plan: CarePlan, payload: AgreementIn
) -> Status[dict[str, int]]:
    """Who agreed (consumer, legal decision maker or family), how and when, and who took
    part (E2). Only the current version. Audits one create."""
    agreement = services.plan_agreement_record(actor=actor, plan=plan, **payload.model_dump())
    return Status(201, {"id": agreement.pk})


@router.post(
    "/cases/{case_id}/care-plan/informed-choices",
    response=responses({201: CreatedOut}, write=True),
    summary="Record an informed-choice discussion",
    operation_id="informed_choice_create",
)
@guard(Permission.CARE_PLAN, access_care_plan)
def informed_choice_create(
    request: HttpRequest, actor: Actor, plan: CarePlan, payload: InformedChoiceIn
) -> Status[dict[str, int]]:
    """Benefits, risks, costs and alternatives including no treatment (E5). Audits one
    create."""
    choice = services.informed_choice_record(actor=actor, plan=plan, **payload.model_dump())
    return Status(201, {"id": choice.pk})


@router.post(
    "/cases/{case_id}/care-plan/progress",
    response=responses({201: CreatedOut}, write=True),
    summary="Record progress on a goal",
    operation_id="goal_progress_create",
)
@guard(Permission.RECORD_NOTE, access_care_plan)
def goal_progress_create(
    request: HttpRequest, actor: Actor, plan: CarePlan, payload: ProgressIn
) -> Status[dict[str, int]]:
    """A trend, an optional measured value and a note on a goal of the current plan (F6).
    A goal of a problem withheld from the caller (42 CFR Part 2) is 404 (one denied
    event, nothing written). Audits one create."""
    assert plan.current is not None
    _spec_whole, withheld = care_plan_spec_seen(version=plan.current, actor=actor)
    if payload.goal_key in withheld.goal_keys:
        raise refuse(actor, audit_action(Permission.RECORD_NOTE), "plan_goal", payload.goal_key)
    entry = services.goal_progress_record(actor=actor, plan=plan, **payload.model_dump())
    return Status(201, {"id": entry.pk})


@router.get(
    "/cases/{case_id}/care-plan/fhir",
    response=responses({200: dict[str, Any]}),
    summary="The current plan as FHIR R4 CarePlan and Goals",
    operation_id="care_plan_fhir",
)
@guard(Permission.CONSUMER_READ, access_care_plan)
def care_plan_fhir(request: HttpRequest, actor: Actor, plan: CarePlan) -> dict[str, Any]:
    """A Bundle (collection): the CarePlan (interventions as activities), its Goals and
    its problems as Conditions. A Part 2 problem (42 CFR Part 2) is in it only for a
    caller the consumer's Part 2 consent covers, labelled (R, 42CFRPart2) with the
    redisclosure notice. Audits one read, naming the problems it left out."""
    assert plan.current is not None
    view = care_plan_version_view(version=plan.current, actor=actor)
    audit_load_read(actor, plan, detail=_withheld_detail(view))
    return fhir.care_plan_bundle(plan, view)
