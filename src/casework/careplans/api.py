"""The plan of care (E1-E5, F6) and its FHIR output.

Reads need consumer.read over the case; revisions, agreement and informed choice need
care.plan; progress needs record.note. Every write needs active consent (409
otherwise). Each request writes exactly one audit event."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

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
    care_plan_version_numbered,
    care_plan_version_view,
)
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import access_care_plan, access_case, refuse
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
@guard(Permission.CONSUMER_READ, access_care_plan, log_read=True)
def care_plan_read(request: HttpRequest, actor: Actor, plan: CarePlan) -> dict[str, Any]:
    """Problems by priority, their goals, interventions, barriers and progress; agreement
    and informed choice on this version. 404 when the case has no plan. Audits one read."""
    assert plan.current is not None
    return plan_out(plan, care_plan_version_view(version=plan.current))


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
    """Any version, as it was written (versions never change). Audits one read."""
    plan = care_plan_for_case(case_id=case.pk)
    version = care_plan_version_numbered(plan_id=plan.pk, number=number) if plan else None
    if plan is None or version is None:
        raise refuse(actor, AuditAction.READ, "care_plan_version", f"case {case.pk} v{number}")
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        consumer_id=case.consumer_id,
        object_type="care_plan_version",
        object_id=version.pk,
    )
    return plan_out(plan, care_plan_version_view(version=version))


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
    intervention, no duplicates) are 422 with the path of each field. Audits one create."""
    version = services.care_plan_revise(
        actor=actor, case=case, plan=_spec(payload), reason=payload.reason, version=payload.version
    )
    plan = care_plan_by_id(plan_id=version.plan_id)
    return Status(201, plan_out(plan, care_plan_version_view(version=version)))


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
    Audits one create."""
    entry = services.goal_progress_record(actor=actor, plan=plan, **payload.model_dump())
    return Status(201, {"id": entry.pk})


@router.get(
    "/cases/{case_id}/care-plan/fhir",
    response=responses({200: dict[str, Any]}),
    summary="The current plan as FHIR R4 CarePlan and Goals",
    operation_id="care_plan_fhir",
)
@guard(Permission.CONSUMER_READ, access_care_plan, log_read=True)
def care_plan_fhir(request: HttpRequest, actor: Actor, plan: CarePlan) -> dict[str, Any]:
    """A Bundle (collection): the CarePlan (interventions as activities) and its Goals.
    Audits one read."""
    assert plan.current is not None
    return fhir.care_plan_bundle(plan, care_plan_version_view(version=plan.current))
