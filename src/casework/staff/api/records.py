"""Staff records (A1, A2): the list, your own record, the compliance dashboard, the
deadlines, one person's record and profile."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff import selectors, services
from casework.staff.models import StaffProfile, User
from casework.staff.schemas import (
    DashboardOut,
    DeadlinePage,
    ProfileIn,
    ProfileOut,
    StaffPage,
    StaffRecordOut,
)
from casework.web.access import access_staff
from casework.web.api import LIST_THROTTLE, PageParams, actor_of, listed_page, responses
from casework.web.guard import guard

router = Router()


def _staff_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": user.role,
        "team_id": user.team_id,
    }


def _record(user: User) -> dict[str, Any]:
    report = selectors.qualification_report(user=user)
    facts = selectors.assignee_facts(user=user)

    def qs(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{"code": q.code, "met": q.met, "reasons": list(q.reasons)} for q in items]

    return {
        **_staff_out(user),
        "case_manager": qs(report.case_manager),
        "case_manager_met": report.case_manager_met,
        "supervisor": qs(report.supervisor),
        "supervisor_met": report.supervisor_met,
        "clinical": qs(report.clinical),
        "clinical_met": report.clinical_met,
        "ce_hours_in_window": report.ce.hours_in_window,
        "ce_required": report.ce.required,
        "ce_due_date": report.ce.due_date,
        "job_description_gaps": selectors.job_description_gaps(user=user),
        "readiness": {
            "verified_credential": facts.verified_credential,
            "oriented": facts.oriented,
            "confidentiality_signed": facts.confidentiality_signed,
            "weighted_load": facts.weighted_load,
            "limit": facts.limit,
        },
    }


@router.get(
    "/staff",
    response=responses({200: StaffPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List staff (your team, or the program)",
    operation_id="staff_list",
)
@guard(Permission.STAFF_READ, object_type="staff")
def staff_list(request: HttpRequest, actor: Actor, page: Query[PageParams]) -> dict[str, Any]:
    """Audits one list."""
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    result = listed_page(
        actor,
        selectors.staff_list_for(user=actor.user, team_only=team_only),
        page,
        object_type="staff",
    )
    return {"count": result["count"], "items": [_staff_out(u) for u in result["items"]]}


@router.get(
    "/staff/me",
    response=responses({200: StaffRecordOut}),
    summary="Your own staff record: qualifications and readiness",
    operation_id="staff_me",
)
def staff_me(request: HttpRequest) -> dict[str, Any]:
    """Audits one read."""
    actor = actor_of(request)
    return _record(access_staff(actor, actor.user.pk))


@router.get(
    "/staff/dashboard",
    response=responses({200: DashboardOut}),
    summary="Credential compliance, training, attestations, caseloads",
    operation_id="staff_dashboard",
)
@guard(Permission.STAFF_READ, object_type="staff_dashboard")
def staff_dashboard(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Each number comes with the ids to drill into. Audits one read."""
    program_id = actor.user.program_id or 0
    dash = selectors.dashboard_build(program_id=program_id)
    people = selectors.staff_by_id(user_ids=dash.caseloads)
    limit = dash.limits.get(Role.CASE_MANAGER)
    audit_record(actor=actor, action=AuditAction.READ, object_type="staff_dashboard")
    ids = selectors.active_staff_ids(program_id=program_id)
    return {
        "staff": dash.staff,
        "credential_compliance_rate": dash.credential_rate,
        "credential_noncompliant": [i for i in ids if i not in dash.credential_compliant],
        "training_completion_rate": dash.training_rate,
        "untrained": [i for i in ids if i not in dash.trained],
        "attestations_outstanding": dash.attestations_outstanding,
        "caseloads": [
            {"user": people[pk], "weighted_load": load, "limit": limit}
            for pk, load in sorted(dash.caseloads.items())
        ],
    }


@router.get(
    "/staff/deadlines",
    response=responses({200: DeadlinePage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Re-verification, expiry, CE and training due in 30 days or overdue",
    operation_id="staff_deadline_list",
)
@guard(Permission.STAFF_READ, object_type="staff_deadline")
def staff_deadline_list(
    request: HttpRequest, actor: Actor, page: Query[PageParams]
) -> dict[str, Any]:
    """Audits one list."""
    return listed_page(
        actor,
        selectors.staff_deadlines_due(program_id=actor.user.program_id or 0),
        page,
        object_type="staff_deadline",
    )


@router.get(
    "/staff/{user_id}",
    response=responses({200: StaffRecordOut}),
    summary="A staff record: qualifications, gaps, readiness",
    operation_id="staff_get",
)
@guard(Permission.STAFF_READ, access_staff, log_read=True)
def staff_get(request: HttpRequest, actor: Actor, user: User) -> dict[str, Any]:
    """Audits one read."""
    return _record(user)


@router.put(
    "/staff/{user_id}/profile",
    response=responses({200: ProfileOut}, write=True),
    summary="Create or update a person's position, hire date and experience",
    operation_id="staff_profile_save",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def staff_profile_save(
    request: HttpRequest, actor: Actor, user: User, payload: ProfileIn
) -> StaffProfile:
    """Send `version` when updating (a stale one is 409). Audits one create or update."""
    job = None
    if payload.job_description_id is not None:
        job = selectors.job_description_in_program(
            program_id=actor.user.program_id or 0, job_description_id=payload.job_description_id
        )
        if job is None:
            raise ValidationFailed.single("job_description_id", "no such position in your program")
    fields = payload.model_dump(exclude={"version", "job_description_id"})
    return services.staff_profile_save(
        actor=actor, user=user, version=payload.version, job_description=job, **fields
    )
