"""Corrective actions (A5), job descriptions (A4) and clinical oversight (A3: the
clinical director's designation, consultations)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff import selectors, services
from casework.staff.models import CorrectiveAction, User
from casework.staff.schemas import (
    ConsultationIn,
    CorrectiveOut,
    CorrectivePage,
    IdOut,
    JobDescriptionIn,
    ResolveIn,
)
from casework.web.access import access_corrective_action, access_staff
from casework.web.api import LIST_THROTTLE, PageParams, listed_page, responses
from casework.web.guard import guard

router = Router()


@router.get(
    "/corrective-actions",
    response=responses({200: CorrectivePage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Open corrective actions",
    operation_id="corrective_action_list",
)
@guard(Permission.STAFF_READ, object_type="staff_corrective_action")
def corrective_action_list(
    request: HttpRequest, actor: Actor, page: Query[PageParams]
) -> dict[str, Any]:
    """Audits one list."""
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    qs = selectors.corrective_actions_open_for(user=actor.user, team_only=team_only)
    return listed_page(actor, qs, page, object_type="staff_corrective_action")


@router.post(
    "/corrective-actions/{action_id}/resolve",
    response=responses({200: CorrectiveOut}, write=True),
    summary="Resolve a corrective action",
    operation_id="corrective_action_resolve",
)
@guard(Permission.STAFF_MANAGE, access_corrective_action)
def corrective_action_resolve(
    request: HttpRequest, actor: Actor, action: CorrectiveAction, payload: ResolveIn
) -> CorrectiveAction:
    """A stale `version` is 409. Audits one update."""
    return services.corrective_action_resolve(
        actor=actor, action=action, version=payload.version, resolution=payload.resolution
    )


@router.post(
    "/job-descriptions",
    response=responses({201: IdOut}, write=True),
    summary="Create or revise a written job description (MA 3.4)",
    operation_id="job_description_save",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_job_description")
def job_description_save(
    request: HttpRequest, actor: Actor, payload: JobDescriptionIn
) -> Status[Any]:
    """Audits one create or update."""
    if payload.role not in Role.values:
        raise ValidationFailed.single("role", "unknown role")
    return Status(201, services.job_description_save(actor=actor, **payload.model_dump()))


@router.post(
    "/staff/{user_id}/clinical-director",
    response=responses({200: IdOut}, write=True),
    summary="Designate the clinical director (must meet MA 3.3)",
    operation_id="clinical_director_designate",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def clinical_director_designate(request: HttpRequest, actor: Actor, user: User) -> Any:
    """409 with the unmet paragraphs when the person does not qualify. Audits one update."""
    return services.clinical_director_designate(actor=actor, user=user)


@router.post(
    "/clinical-consultations",
    response=responses({201: IdOut}, write=True),
    summary="Log a consultation with the clinical director (no consumer identifiers)",
    operation_id="consultation_create",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_consultation")
def consultation_create(request: HttpRequest, actor: Actor, payload: ConsultationIn) -> Status[Any]:
    """Audits one create."""
    director = selectors.staff_member_in_program(
        program_id=actor.user.program_id or 0, user_id=payload.director_id
    )
    if director is None:
        raise ValidationFailed.single("director_id", "no such staff member in your program")
    data = payload.model_dump(exclude={"director_id"})
    return Status(201, services.consultation_log(actor=actor, director=director, **data))
