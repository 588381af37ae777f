"""Staff governance API (A1-A8): records, credentials, verification, CE, training,
statements, corrective actions, job descriptions, clinical oversight, caseloads.

Everyone reads their own record (`/staff/me`) and signs statements; supervisors read
their team's records and set caseload guidelines; administrators and compliance
officers read and change everyone's in the program; auditors read. Other staff are 404
(audited). Each request writes exactly one audit event."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff import selectors, services
from casework.staff.models import (
    AttestationDocument,
    CaseloadGuideline,
    CorrectiveAction,
    Course,
    Credential,
    StaffProfile,
    User,
    Verification,
)
from casework.staff.schemas import (
    AttestationIn,
    AttestationOut,
    CeIn,
    ConsultationIn,
    CorrectiveOut,
    CorrectivePage,
    CourseIn,
    CredentialIn,
    CredentialOut,
    CredentialPatch,
    DashboardOut,
    DeadlinePage,
    GuidelineIn,
    GuidelineOut,
    IdOut,
    JobDescriptionIn,
    MfaResetIn,
    MfaResetOut,
    ProfileIn,
    ProfileOut,
    ResolveIn,
    StaffPage,
    StaffRecordOut,
    SuggestionOut,
    TrainingAssignIn,
    TrainingCompleteIn,
    VerificationIn,
    VerificationOut,
)
from casework.web.access import (
    access_attestation_document,
    access_case,
    access_corrective_action,
    access_credential,
    access_staff,
)
from casework.web.api import (
    LIST_THROTTLE,
    PageParams,
    actor_of,
    listed_page,
    require,
    responses,
)
from casework.web.guard import guard

router = Router(tags=["staff"])


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


@router.post(
    "/staff/{user_id}/credentials",
    response=responses({201: CredentialOut}, write=True),
    summary="Record a license, certification or degree",
    operation_id="credential_create",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def credential_create(
    request: HttpRequest, actor: Actor, user: User, payload: CredentialIn
) -> Status[Credential]:
    """Its expiry becomes a deadline row. Audits one create."""
    data = payload.model_dump(exclude={"kind", "credential_type"})
    return Status(
        201,
        services.credential_add(
            actor=actor,
            user=user,
            kind=payload.kind,
            credential_type=payload.credential_type,
            **data,
        ),
    )


@router.patch(
    "/credentials/{credential_id}",
    response=responses({200: CredentialOut}, write=True),
    summary="Change a credential; an adverse change opens a corrective action",
    operation_id="credential_update",
)
@guard(Permission.STAFF_MANAGE, access_credential)
def credential_update(
    request: HttpRequest, actor: Actor, credential: Credential, payload: CredentialPatch
) -> Credential:
    """A stale `version` is 409. Audits one update."""
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = sorted(n for n, v in fields.items() if v is None and n != "expires_date")
    if nulls:
        raise ValidationFailed({n: ["may not be null"] for n in nulls})
    return services.credential_update(
        actor=actor, credential=credential, version=payload.version, **fields
    )


@router.post(
    "/credentials/{credential_id}/verifications",
    response=responses({201: VerificationOut}, write=True),
    summary="Record a verification at the primary source",
    operation_id="verification_create",
)
@guard(Permission.STAFF_MANAGE, access_credential)
def verification_create(
    request: HttpRequest, actor: Actor, credential: Credential, payload: VerificationIn
) -> Status[Verification]:
    """A verified outcome sets re-verification due in three years (program setting); a
    discrepancy opens a corrective action. Audits one create."""
    return Status(
        201,
        services.verification_record(actor=actor, credential=credential, **payload.model_dump()),
    )


@router.post(
    "/staff/{user_id}/continuing-education",
    response=responses({201: IdOut}, write=True),
    summary="Record continuing-education hours",
    operation_id="ce_create",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def ce_create(request: HttpRequest, actor: Actor, user: User, payload: CeIn) -> Status[Any]:
    """The CE deadline moves with the rolling window. Audits one create."""
    return Status(201, services.ce_record(actor=actor, user=user, **payload.model_dump()))


def _course(actor: Actor, course_id: int) -> Course:
    course = selectors.course_in_program(program_id=actor.user.program_id or 0, course_id=course_id)
    if course is None:
        raise ValidationFailed.single("course_id", "no such course in your program")
    return course


@router.post(
    "/courses",
    response=responses({201: IdOut}, write=True),
    summary="Add a course with its Model Act topics",
    operation_id="course_create",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_course")
def course_create(request: HttpRequest, actor: Actor, payload: CourseIn) -> Status[Course]:
    """Antifraud and ethics topics recur at least annually. Audits one create."""
    return Status(201, services.course_create(actor=actor, **payload.model_dump()))


@router.post(
    "/staff/{user_id}/training-assignments",
    response=responses({201: IdOut}, write=True),
    summary="Assign a course with a due date",
    operation_id="training_assign",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def training_assign(
    request: HttpRequest, actor: Actor, user: User, payload: TrainingAssignIn
) -> Status[Any]:
    """Audits one create."""
    course = _course(actor, payload.course_id)
    return Status(
        201,
        services.training_assign(actor=actor, user=user, course=course, due_date=payload.due_date),
    )


@router.post(
    "/staff/{user_id}/training-completions",
    response=responses({201: IdOut}, write=True),
    summary="Document completed training",
    operation_id="training_complete",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def training_complete(
    request: HttpRequest, actor: Actor, user: User, payload: TrainingCompleteIn
) -> Status[Any]:
    """A recurring course is assigned again for its next due date. Audits one create."""
    course = _course(actor, payload.course_id)
    return Status(
        201,
        services.training_complete(
            actor=actor,
            user=user,
            course=course,
            completed_date=payload.completed_date,
            evidence=payload.evidence,
        ),
    )


@router.post(
    "/attestations",
    response=responses({201: AttestationOut}, write=True),
    summary="Publish a new version of a statement (everyone signs again)",
    operation_id="attestation_publish",
)
@guard(Permission.STAFF_MANAGE, object_type="staff_attestation_document")
def attestation_publish(
    request: HttpRequest, actor: Actor, payload: AttestationIn
) -> Status[AttestationDocument]:
    """Audits one create."""
    return Status(201, services.attestation_publish(actor=actor, **payload.model_dump()))


@router.post(
    "/attestations/{document_id}/sign",
    response=responses({201: IdOut}, write=True),
    summary="Sign the current version of a statement yourself",
    operation_id="attestation_sign",
)
def attestation_sign(request: HttpRequest, document_id: int) -> Status[Any]:
    """Only the current version can be signed (409 otherwise). Audits one create."""
    actor = actor_of(request)
    document = access_attestation_document(actor, document_id)
    return Status(201, services.attestation_sign(actor=actor, document=document))


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


@router.put(
    "/caseload-guidelines/{role}",
    response=responses({200: GuidelineOut}, write=True),
    summary="Set a role's caseload limit with its written rationale (MA 5.1(n))",
    operation_id="caseload_guideline_set",
)
def caseload_guideline_set(
    request: HttpRequest, role: str, payload: GuidelineIn
) -> CaseloadGuideline:
    """Audits one create or update."""
    actor = actor_of(request)
    require(actor, Permission.CASELOAD_SET, "staff_caseload_guideline", role)
    return services.caseload_guideline_set(
        actor=actor,
        role=role,
        max_weighted_load=payload.max_weighted_load,
        rationale=payload.rationale,
    )


@router.get(
    "/cases/{case_id}/assignment-suggestions",
    response=responses({200: list[SuggestionOut]}),
    summary="Who on your team may take this case, best first",
    operation_id="assignment_suggestions",
)
@guard(Permission.CASE_REASSIGN, access_case, log_read=True)
def assignment_suggestions(request: HttpRequest, actor: Actor, case: Any) -> list[dict[str, Any]]:
    """Eligible case managers (credential, orientation, statement, capacity), by
    continuity, language match and load. Audits one read of the case."""
    # `case` is a cases.models.Case: staff sits below cases, so the type is not named.
    members = selectors.team_case_managers_by_id(supervisor_id=actor.user.pk)
    suggested = services.assignment_suggestions(
        team_members=members,
        complexity=case.complexity,
        severity=case.severity,
        consumer_id=case.consumer_id,
        language=case.consumer.preferred_language,
    )
    loads = selectors.caseload_weights(user_ids=[u.pk for u in suggested])
    limits = selectors.caseload_limits(program_ids={u.program_id or 0 for u in suggested})
    return [
        {
            "user": u,
            "weighted_load": loads[u.pk],
            "limit": limits.get((u.program_id or 0, u.role)),
        }
        for u in suggested
    ]


@router.post(
    "/staff/{user_id}/mfa-resets",
    response=responses({201: MfaResetOut}, write=True),
    summary="Request the reset of a person's second sign-in factor (a second person approves)",
    operation_id="mfa_reset_request",
)
@guard(Permission.MFA_RESET, access_staff)
def mfa_reset_request(
    request: HttpRequest, actor: Actor, user: User, payload: MfaResetIn
) -> Status[Any]:
    """Administrators only; one open request per person. Audits one create."""
    return Status(201, services.mfa_reset_request(actor=actor, person=user, reason=payload.reason))


@router.post(
    "/staff/{user_id}/mfa-resets/approve",
    response=responses({200: MfaResetOut}, write=True),
    summary="Approve the open reset of a person's second factor: their authenticators go",
    operation_id="mfa_reset_approve",
)
@guard(Permission.STAFF_MANAGE, access_staff)
def mfa_reset_approve(request: HttpRequest, actor: Actor, user: User) -> Any:
    """A second administrator or a compliance officer, never the requester nor the
    person. Audits one privilege change."""
    return services.mfa_reset_approve(actor=actor, person=user)
