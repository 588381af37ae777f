"""Who may reach which record (S3, S4, S41): one relationship filter, one refusal, one
audit-action mapping and the signed-statement gate, for pages and the API alike.

"Who may" lives in two places: the role table (`casework.core.policy`: which role holds
which permission, over whose records) and this module (the relationship behind a scope,
and the permission-checked loads). A load:

1. refuses (403 on the API, the attestation page on pages) anyone without a signed
   current confidentiality statement (MA 7.3(e)); the check runs once per request;
2. loads the record only through `reach_q`, so a record out of reach and a missing record
   look the same: 404, with one denied audit event;
3. on a read (`log_read=True`) writes one read event; a write passes `log_read=False`
   and the service writes the event.

Break-glass (N2, S19, `web.break_glass`): a read load (`consumer.read`) that misses the
relationship opens the record when the user holds an unexpired declared emergency over
its consumer; every event of that request about that consumer then carries purpose
ETREAT and `break_glass=true` (`acting`). Restricted records are never opened so.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Protocol

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from casework.assessments.models import AssessmentResponse, Need
from casework.assessments.selectors import need_visible_q, response_visible_q
from casework.careplans.models import CarePlan
from casework.careplans.selectors import care_plan_for_case
from casework.cases.models import Case
from casework.complaints.models import Complaint
from casework.consumers.models import Consumer
from casework.coordination.models import WorkItem
from casework.coordination.selectors import care_team_member_exists
from casework.core.actor import Actor, actor_for
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import AttestationRequired, PurposeRefused
from casework.core.models import AuditAction, AuditOutcome
from casework.core.policy import Permission, Scope, scope_for
from casework.core.prepared import PreparedLoad
from casework.governance.models import AccessRequest, ComplianceRequirement, LegalHold
from casework.protections.models import AbuseReport, EthicsConsultation, Incident
from casework.protections.selectors import restricted_q
from casework.staff.models import AttestationDocument, CorrectiveAction, Credential, User
from casework.staff.selectors import confidentiality_signed
from casework.stays.models import AdtMessage, Stay
from casework.stays.selectors import unit_assignment_exists
from casework.transitions.models import (
    CommunityReferral,
    Handoff,
    ReceiverCredential,
    SequencingBarrier,
)
from casework.web.break_glass import emergency_actor, emergency_grants, emergency_grants_known

NOTHING = Q(pk__in=[])

# Permissions over consumer records need the signed statement. Deny by default: every
# permission is one, except these (staff governance records hold no consumer data).
NOT_CONSUMER_PERMISSIONS = frozenset(
    {
        Permission.STAFF_READ,
        Permission.STAFF_MANAGE,
        Permission.CASELOAD_SET,
        Permission.COMPLIANCE_MANAGE,
        Permission.MFA_RESET,
    }
)
CONSUMER_PERMISSIONS = frozenset(Permission) - NOT_CONSUMER_PERMISSIONS


def audit_action(permission: Permission) -> str:
    """The audit action of an attempt under `permission`: a read, or an update."""
    if permission in (Permission.CONSUMER_READ, Permission.STAFF_READ, Permission.AUDIT_READ):
        return AuditAction.READ
    return AuditAction.UPDATE


def user_may(actor: Actor, permission: Permission) -> bool:
    """Whether the actor's role holds `permission` over anyone at all."""
    return scope_for(actor.role, permission) != Scope.NONE


def page_refused_unless(actor: Actor, permission: Permission, *, action: str, reason: str) -> None:
    """A page open only to roles holding `permission`: anyone else gets the 404 of a page
    that does not exist, with one denied audit event."""
    if user_may(actor, permission):
        return
    raise refuse(actor, action, PAGE_OBJECTS[permission], "", reason=reason)


PAGE_OBJECTS = {
    Permission.CASE_INTAKE: "case",
    Permission.CASE_REASSIGN: "case",
    Permission.AUDIT_READ: "audit_event",
    Permission.PRIVACY_MANAGE: "governance",
    Permission.COMPLIANCE_MANAGE: "compliance_requirement",
    Permission.DASHBOARD_READ: "dashboard",
}


def reach_q(
    user: User, permission: Permission, *, consumer: str = "pk", program: str = "program_id"
) -> Q:
    """A filter on any model for the rows whose consumer `user` reaches with `permission`.

    `consumer` is the path from the model to its consumer's id ("pk" on Consumer,
    "consumer_id" on Case, "case__consumer_id" below a case), `program` the path to its
    program's id. The relationship behind each scope:
      own      a case of the consumer is assigned to the user, or the user is on the
               consumer's care team
      team     a case of the consumer belongs to a team the user supervises
      program  every consumer of the user's program
    """
    scope = reach_scope(user, permission)
    if scope is None:
        return NOTHING  # (restricted records have their own filter: `restricted_reach_q`)
    assert user.program_id is not None  # reach_scope says so
    return scope_q(scope, user.pk, user.program_id, consumer=consumer, program=program)


def reach_scope(user: User, permission: Permission) -> Scope | None:
    """The scope behind `reach_q`, or None where it reaches nothing (no scope, no program,
    an inactive user, a restricted record's own filter)."""
    scope = scope_for(user.role, permission)
    if scope in (Scope.NONE, Scope.RESTRICTED) or user.program_id is None or not user.is_active:
        return None
    return scope


def scope_q(scope: Scope, user_id: int, program_id: int, *, consumer: str, program: str) -> Q:
    """`reach_q` of one scope, for the user `user_id` of program `program_id`."""
    in_program = Q(**{program: program_id})
    if scope == Scope.PROGRAM:
        return in_program
    of_consumer = Case.objects.filter(consumer_id=OuterRef(consumer))
    if scope == Scope.TEAM:
        return in_program & Q(Exists(of_consumer.filter(team__supervisor_id=user_id)))
    return in_program & (
        Q(Exists(of_consumer.filter(assigned_to_id=user_id)))
        | Q(care_team_member_exists(user_id=user_id, consumer_ref=OuterRef(consumer)))
    )


def prepared_load[M: Model](
    queryset: Callable[[], QuerySet[M]], *, consumer: str, program: str
) -> PreparedLoad[M]:
    """A load of one row by primary key within `reach_q`, compiled once per scope: the
    hot loads (a case, a consumer) skip Django's query compilation, most of a read's CPU.
    `queryset` must not depend on anything but itself (no user, no time)."""
    return PreparedLoad(
        lambda scope, user, program_id, pk: queryset().filter(
            scope_q(scope, user, program_id, consumer=consumer, program=program), pk=pk
        ),
        user=987_654_301,
        program_id=987_654_302,
        pk=987_654_303,
    )


class Refused(Http404):
    """A 404 whose denied audit event is written: the guard adds no second one."""


def reaches_consumer(actor: Actor) -> Callable[[int], bool]:
    """Whether `actor` reads consumer `consumer_id`: given to services that must answer
    differently for a record the actor sees already (a record number's holder, S5)."""

    def reaches(consumer_id: int) -> bool:
        within = reach_q(actor.user, Permission.CONSUMER_READ)
        return Consumer.objects.filter(within, pk=consumer_id).exists()

    return reaches


def refuse(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    reason: str = "not found or not permitted",
) -> Refused:
    """Audit a denied attempt and return the 404 to raise. Every 404 on a consumer path
    is one of these: raised by a load, or made by the guard from a handler's plain 404."""
    audit_denied(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
    )
    return Refused(f"No {object_type} matches the given query.")


def purpose_refused_audit(user: User, address: str | None, refused: PurposeRefused) -> None:
    """One denied event for a refused purpose of use (recorded under the role's default
    purpose: the stated one was not granted)."""
    audit_denied(
        actor=actor_for(user, address=address),
        action=AuditAction.READ,
        object_type="purpose_of_use",
        object_id=refused.purpose,
        reason=refused.reason,
    )


def statement_signed(user: User) -> bool:
    """Whether `user` has signed the current confidentiality statement: asked of the
    database once per request (the user object is loaded afresh for each request, and
    signing is a request of its own)."""
    cached = getattr(user, "_casework_statement_signed", None)
    if cached is None:
        cached = confidentiality_signed(user=user)
        user._casework_statement_signed = cached  # type: ignore[attr-defined]
    return bool(cached)


def confidentiality_gate(actor: Actor, action: str, object_type: str, object_id: object) -> None:
    """Refuse (audited) anyone without a signed current confidentiality statement."""
    if statement_signed(actor.user):
        return
    audit_denied(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason="confidentiality statement not signed",
    )
    raise AttestationRequired()


# --- break-glass (N2, S19): a declared emergency opens one consumer's reads ----------------


def _emergency_row[M: Model](
    actor: Actor, qs: QuerySet[M], pk: object, *, permission: Permission, consumer: str
) -> M | None:
    """The row a load missed, when the actor holds an unexpired emergency access to its
    consumer (reads only; asked only after the relationship missed, so a load within the
    relationship costs nothing more)."""
    if permission != Permission.CONSUMER_READ or actor.user.program_id is None:
        return None
    grants = emergency_grants(actor.user)
    if not grants:
        return None
    within = Q(**{f"{consumer}__in": list(grants)})
    return qs.filter(within, pk=pk).first()


def acting(actor: Actor, consumer_id: int | None) -> Actor:
    """`actor`, marked as acting under break-glass (purpose ETREAT, `break_glass=true`)
    when this request opened `consumer_id`'s records through a declared emergency."""
    if actor.break_glass or consumer_id is None:
        return actor
    if consumer_id in emergency_grants_known(actor.user):
        return emergency_actor(actor)
    return actor


def acting_on(actor: Actor, record: Model) -> Actor:
    """`acting` for the record a guard loaded."""
    return acting(actor, _consumer_of_record(record)[1])


def emergency_until(actor: Actor, record: Model) -> datetime | None:
    """When the emergency access that opened `record` ends (None: not opened by one)."""
    consumer_id = _consumer_of_record(record)[1]
    if consumer_id is None:
        return None
    return emergency_grants_known(actor.user).get(consumer_id)


def _read(
    actor: Actor,
    consumer_id: int | None,
    object_type: str,
    object_id: object,
    detail: dict[str, object] | None = None,
) -> None:
    audit_record(
        actor=acting(actor, consumer_id),
        action=AuditAction.READ,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _load[M: Model](
    actor: Actor,
    qs: QuerySet[M],
    pk: object,
    *,
    permission: Permission,
    object_type: str,
    consumer: str,
    program: str,
    log_read: bool,
    consumer_of: Any,
    action: str | None = None,
    prepared: PreparedLoad[M] | None = None,
) -> M:
    """The one permission-checked load behind every `access_*` of consumer data
    (`prepared`: the same load, compiled once; `qs` must then be its queryset)."""
    action = action or audit_action(permission)
    confidentiality_gate(actor, action, object_type, pk)
    row: M | None
    if prepared is not None and type(pk) is int:
        user = actor.user
        scope = reach_scope(user, permission)
        found = (
            prepared.objects(scope, user=user.pk, program_id=user.program_id, pk=pk)
            if scope is not None
            else []
        )
        row = found[0] if found else None
    else:
        row = qs.filter(
            reach_q(actor.user, permission, consumer=consumer, program=program), pk=pk
        ).first()
    if row is None:
        row = _emergency_row(actor, qs, pk, permission=permission, consumer=consumer)
    if row is None:
        raise refuse(actor, action, object_type, pk)
    if log_read:
        _read(actor, consumer_of(row), object_type, row.pk)
    return row


class Loader[M: Model](Protocol):
    """An `access_*` load: the record `pk` if `actor` reaches it with `permission`."""

    def __call__(
        self, actor: Actor, pk: int, /, *, permission: Permission = ..., log_read: bool = ...
    ) -> M: ...


@dataclass(frozen=True)
class RecordLoad:
    """What the guard needs of a load: the URL parameter that names the record, the object
    type a refusal before the load names, and whether the load fixes its own permission
    (and writes its own event)."""

    id_param: str
    refused_type: str
    fixed_permission: bool = False


LOADS: dict[Callable[..., Any], RecordLoad] = {}
"""Every load a guard may use, registered where it is defined (`registered`)."""

READ_EVENTS: dict[type[Model], tuple[str, Callable[[Any], int | None]]] = {}
"""The read event of each record a guard loads: its object type and whose record it is."""


def _no_consumer(record: Any) -> None:
    return None


def _consumer_path(path: str) -> Callable[[Any], int | None]:
    """The consumer id of a record by its path (`pk`, `consumer_id`, `case__consumer_id`)."""
    return attrgetter(path.replace("__", "."))


def registered[F: Callable[..., Any]](
    model: type[Model],
    id_param: str,
    object_type: str,
    *,
    consumer_of: Callable[[Any], int | None] | None = _no_consumer,
    refused_type: str = "",
    fixed_permission: bool = False,
) -> Callable[[F], F]:
    """Register a load: the guard's URL parameter and refusal type, and the read event
    of what it loads (none when `consumer_of` is None: the load writes its own)."""

    def register(load: F) -> F:
        LOADS[load] = RecordLoad(id_param, refused_type or object_type, fixed_permission)
        if consumer_of is not None:
            READ_EVENTS[model] = (object_type, consumer_of)
        return load

    return register


def consumer_record_load[M: Model](
    model: type[M],
    queryset: Callable[[], QuerySet[M]],
    *,
    id_param: str,
    object_type: str,
    consumer: str = "consumer_id",
    program: str = "program_id",
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
    compiled: bool = False,
) -> Loader[M]:
    """The load of a record of a consumer (`consumer`: the path to the consumer's id)
    through `_load`, registered for the guard. `compiled`: the hot loads compile their
    query once per scope (`prepared_load`)."""
    prepared = prepared_load(queryset, consumer=consumer, program=program) if compiled else None
    consumer_of = _consumer_path(consumer)
    default_permission, default_log_read = permission, log_read

    def load(
        actor: Actor,
        pk: int,
        /,
        *,
        permission: Permission = default_permission,
        log_read: bool = default_log_read,
    ) -> M:
        return _load(
            actor,
            queryset(),
            pk,
            permission=permission,
            object_type=object_type,
            consumer=consumer,
            program=program,
            log_read=log_read,
            consumer_of=consumer_of,
            prepared=prepared,
        )

    load.__doc__ = f"A {object_type} the actor reaches with `permission`: 404 (audited) otherwise."
    return registered(model, id_param, object_type, consumer_of=consumer_of)(load)


access_consumer = consumer_record_load(
    Consumer,
    Consumer.objects.all,
    id_param="consumer_id",
    object_type="consumer",
    consumer="pk",
    compiled=True,
)
access_case = consumer_record_load(
    Case,
    lambda: Case.objects.select_related("consumer", "assigned_to", "team", "program", "referral"),
    id_param="case_id",
    object_type="case",
    compiled=True,
)
access_work_item = consumer_record_load(
    WorkItem,
    lambda: WorkItem.objects.select_related("case", "case__consumer", "owner"),
    id_param="work_item_id",
    object_type="work_item",
    consumer="case__consumer_id",
    program="case__program_id",
    permission=Permission.CASE_MANAGE,
    log_read=False,
    compiled=True,
)


@registered(Need, "need_id", "need", consumer_of=None, fixed_permission=True)
def access_need(actor: Actor, need_id: int) -> Need:
    """A need the actor may change (care.plan); the service audits the write. A need
    suggested by a Part 2 record the actor may not see (S40, `need_visible_q`) is refused
    as if it were not there."""
    need = _load(
        actor,
        Need.objects.select_related("case", "source_response"),
        need_id,
        permission=Permission.CARE_PLAN,
        object_type="need",
        consumer="case__consumer_id",
        program="case__program_id",
        log_read=False,
        consumer_of=None,
    )
    source = need.source_response
    if (
        source is not None
        and source.part2
        and not Need.objects.filter(need_visible_q(actor), pk=need.pk).exists()
    ):
        raise refuse(actor, AuditAction.UPDATE, "need", need_id)
    return need


@registered(
    AssessmentResponse,
    "response_id",
    "assessment_response",
    consumer_of=None,
    fixed_permission=True,
)
def access_response(
    actor: Actor,
    response_id: int,
    *,
    case_id: int | None = None,
    action: str = AuditAction.READ,
    detail: dict[str, object] | None = None,
) -> AssessmentResponse:
    """A response the actor may read (of case `case_id`, when given); one audited
    `action` (a read, or a print of the summary). A Part 2 record the actor may not see
    (S40, `response_visible_q`, judged for the actor as this request acts: never under
    break-glass) is refused as if it were not there."""
    qs = AssessmentResponse.objects.select_related(
        "case__consumer", "instrument", "administered_by"
    )
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    response = _load(
        actor,
        qs,
        response_id,
        permission=Permission.CONSUMER_READ,
        object_type="assessment_response",
        consumer="case__consumer_id",
        program="case__program_id",
        log_read=False,
        consumer_of=None,
        action=action,
    )
    as_acting = acting(actor, response.case.consumer_id)
    if (
        response.part2
        and not AssessmentResponse.objects.filter(
            response_visible_q(as_acting), pk=response.pk
        ).exists()
    ):
        raise refuse(actor, action, "assessment_response", response_id)
    audit_record(
        actor=as_acting,
        action=action,
        consumer_id=response.case.consumer_id,
        object_type="assessment_response",
        object_id=response.pk,
        detail=detail,
    )
    return response


@registered(
    CarePlan,
    "case_id",
    "care_plan",
    consumer_of=_consumer_path("case__consumer_id"),
    refused_type="case",
)
def access_care_plan(
    actor: Actor,
    case_id: int,
    *,
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
) -> CarePlan:
    """The case's plan: 404 (audited) when the case is out of reach or has no plan yet.
    A read writes one read event naming the plan; a write passes log_read=False."""
    case = access_case(actor, case_id, permission=permission, log_read=False)
    plan = care_plan_for_case(case_id=case.pk)
    if plan is None or plan.current is None:
        raise refuse(actor, audit_action(permission), "care_plan", f"case {case_id}")
    plan.case = case
    if log_read:
        _read(actor, case.consumer_id, "care_plan", plan.pk)
    return plan


def _consumer_of_record(record: Model) -> tuple[str, int | None]:
    """The object type of a loaded record's read event (empty for loads that write their
    own event, or none) and its consumer's id."""
    known = READ_EVENTS.get(type(record))
    if known is not None:
        object_type, consumer_of = known
        return object_type, consumer_of(record)
    if isinstance(record, Need | AssessmentResponse):  # loads that write their own event
        return "", record.case.consumer_id
    return "", None  # staff governance records: no consumer, no read event of the guard


def audit_load_read(
    actor: Actor, record: Model, *, detail: dict[str, object] | None = None
) -> None:
    """The one read event of a record a guard loaded, written once the handler has
    answered (a handler's 404 is a denial, never a read). A handler that writes it itself
    (`log_read=False`) gives the `detail` (what the answer withheld, S40)."""
    known = READ_EVENTS.get(type(record))
    if known is None:  # pragma: no cover - a load the guard does not know
        raise TypeError(f"no read event for {type(record).__name__}")
    object_type, consumer_of = known
    _read(actor, consumer_of(record), object_type, record.pk, detail)


# --- staff records (A1): no consumer data, so no signed-statement gate ------------------


def staff_reachable(actor: Actor, user: User, permission: Permission) -> bool:
    """Your own record always (to read); others by the role's scope over staff."""
    if user.pk == actor.user.pk and permission == Permission.STAFF_READ:
        return True
    scope = scope_for(actor.role, permission)
    if scope == Scope.NONE or actor.user.program_id is None:
        return False
    if user.program_id != actor.user.program_id:
        return False
    if scope == Scope.PROGRAM:
        return True
    if scope == Scope.TEAM:
        return user.team is not None and user.team.supervisor_id == actor.user.pk
    return False


@registered(User, "user_id", "staff")
def access_staff(
    actor: Actor,
    user_id: int,
    *,
    permission: Permission = Permission.STAFF_READ,
    log_read: bool = True,
) -> User:
    """The staff member `user_id` if `actor` reaches them with `permission`; 404 else."""
    user = User.objects.select_related("team", "program").filter(pk=user_id).first()
    if user is None or not staff_reachable(actor, user, permission):
        raise refuse(actor, audit_action(permission), "staff", user_id)
    if log_read:
        _read(actor, None, "staff", user.pk)
    return user


def _staff_owned[M: Model](
    actor: Actor, qs: QuerySet[M], pk: int, object_type: str, users: Iterable[str] = ("user",)
) -> M:
    row = qs.filter(pk=pk).first()
    if row is None or not all(
        staff_reachable(actor, getattr(row, u), Permission.STAFF_MANAGE) for u in users
    ):
        raise refuse(actor, AuditAction.UPDATE, object_type, pk)
    return row


@registered(
    Credential, "credential_id", "staff_credential", consumer_of=None, fixed_permission=True
)
def access_credential(actor: Actor, credential_id: int) -> Credential:
    """A credential of someone the actor manages (staff.manage); 404 otherwise."""
    qs = Credential.objects.select_related("user__team")
    return _staff_owned(actor, qs, credential_id, "staff_credential")


@registered(
    CorrectiveAction,
    "action_id",
    "staff_corrective_action",
    consumer_of=None,
    fixed_permission=True,
)
def access_corrective_action(actor: Actor, action_id: int) -> CorrectiveAction:
    qs = CorrectiveAction.objects.select_related("user__team")
    return _staff_owned(actor, qs, action_id, "staff_corrective_action")


@registered(
    AttestationDocument,
    "document_id",
    "staff_attestation_document",
    consumer_of=None,
    fixed_permission=True,
)
def access_attestation_document(actor: Actor, document_id: int) -> AttestationDocument:
    qs = AttestationDocument.objects.filter(program_id=actor.user.program_id or 0)
    return _staff_owned(actor, qs, document_id, "staff_attestation_document", users=())


# --- complaints (K1) -----------------------------------------------------------------------


access_complaint = consumer_record_load(
    Complaint,
    lambda: Complaint.objects.select_related("consumer", "program", "owner", "reviewer"),
    id_param="complaint_id",
    object_type="complaint",
)


# --- restricted records: protections (J1-J3) ---------------------------------------------


def restricted_reach_q(user: User) -> Q:
    """The restricted records `user` reaches: none without `protection.read`; with it,
    those they recorded, and every one of the program when the program names their role.
    Break-glass never widens this."""
    scope = scope_for(user.role, Permission.PROTECTION_READ)
    if scope != Scope.RESTRICTED or user.program_id is None or not user.is_active:
        return NOTHING
    return restricted_q(user_id=user.pk, role=user.role, program_id=user.program_id)


def _restricted_load[M: Model](
    actor: Actor, qs: QuerySet[M], pk: object, *, object_type: str, log_read: bool
) -> M:
    """The one load of a restricted record: the signed-statement gate, the restricted
    reach (404 and one denied event otherwise), and one read event on a read."""
    action = AuditAction.READ if log_read else AuditAction.UPDATE
    confidentiality_gate(actor, action, object_type, pk)
    row = qs.filter(restricted_reach_q(actor.user), pk=pk).first()
    if row is None:
        raise refuse(actor, action, object_type, pk)
    if log_read:
        _read(actor, getattr(row, "consumer_id", None), object_type, row.pk)
    return row


@registered(AbuseReport, "report_id", "abuse_report", consumer_of=_consumer_path("consumer_id"))
def access_abuse_report(
    actor: Actor,
    report_id: int,
    *,
    permission: Permission = Permission.PROTECTION_READ,
    log_read: bool = True,
) -> AbuseReport:
    qs = AbuseReport.objects.select_related("consumer", "rule", "recorded_by")
    return _restricted_load(actor, qs, report_id, object_type="abuse_report", log_read=log_read)


@registered(Incident, "incident_id", "incident", consumer_of=_consumer_path("consumer_id"))
def access_incident(
    actor: Actor,
    incident_id: int,
    *,
    permission: Permission = Permission.PROTECTION_READ,
    log_read: bool = True,
) -> Incident:
    qs = Incident.objects.select_related("consumer", "staff_member", "recorded_by")
    return _restricted_load(actor, qs, incident_id, object_type="incident", log_read=log_read)


@registered(
    EthicsConsultation,
    "consultation_id",
    "ethics_consultation",
    consumer_of=_consumer_path("consumer_id"),
)
def access_consultation(
    actor: Actor,
    consultation_id: int,
    *,
    permission: Permission = Permission.PROTECTION_READ,
    log_read: bool = True,
) -> EthicsConsultation:
    qs = EthicsConsultation.objects.select_related("consumer", "recorded_by")
    return _restricted_load(
        actor, qs, consultation_id, object_type="ethics_consultation", log_read=log_read
    )


# --- hospital stays: the consumer relationship, or the units the user covers -------------


def stay_reach_q(user: User, permission: Permission) -> Q:
    """Stays `user` reaches with `permission`: those of consumers they reach (`reach_q`),
    and, below program scope, those on a unit they are assigned to (a unit assignment is a
    relationship in the policy)."""
    base = reach_q(user, permission, consumer="consumer_id", program="program_id")
    scope = scope_for(user.role, permission)
    if scope in (Scope.NONE, Scope.PROGRAM) or user.program_id is None or not user.is_active:
        return base
    on_unit = Q(program_id=user.program_id) & Q(
        unit_assignment_exists(user_id=user.pk, unit_ref=OuterRef("unit_id"))
    )
    return base | on_unit


@registered(Stay, "stay_id", "stay", consumer_of=_consumer_path("consumer_id"))
def access_stay(
    actor: Actor,
    stay_id: int,
    *,
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
) -> Stay:
    """A stay the actor reaches (consumer relationship or unit): 404 (audited) otherwise."""
    action = audit_action(permission)
    confidentiality_gate(actor, action, "stay", stay_id)
    stay = (
        Stay.objects.select_related("consumer", "unit", "reviewer", "program")
        .filter(stay_reach_q(actor.user, permission), pk=stay_id)
        .first()
    )
    if stay is None:
        stay = _emergency_row(
            actor,
            Stay.objects.select_related("consumer", "unit", "reviewer", "program"),
            stay_id,
            permission=permission,
            consumer="consumer_id",
        )
    if stay is None:
        raise refuse(actor, action, "stay", stay_id)
    if log_read:
        _read(actor, stay.consumer_id, "stay", stay.pk)
    return stay


access_sequencing_barrier = consumer_record_load(
    SequencingBarrier,
    lambda: SequencingBarrier.objects.select_related(
        "consumer", "stay", "stay__case", "recorded_by", "resolved_by"
    ),
    id_param="barrier_id",
    object_type="sequencing_barrier",
)


access_referral = consumer_record_load(
    CommunityReferral,
    lambda: CommunityReferral.objects.select_related(
        "consumer", "service", "service__organization", "sent_by"
    ),
    id_param="referral_id",
    object_type="community_referral",
)


def access_receiver_handoff(
    credential: ReceiverCredential, stay_id: int, *, action: str, address: str | None = None
) -> Handoff:
    """The handoff of a stay addressed to the credential's provider (a receiving
    system's only reach): 404 and one denied event (named for the receiver) otherwise."""
    handoff = (
        Handoff.objects.select_related("stay", "stay__consumer", "receiver_provider")
        .filter(
            stay_id=stay_id,
            receiver_provider_id=credential.provider_id,
            stay__program_id=credential.program_id,
        )
        .first()
    )
    if handoff is None:
        audit_record(
            actor=None,
            username=credential.audit_name,
            client_address=address,
            action=action,
            outcome=AuditOutcome.DENIED,
            object_type="handoff",
            object_id=stay_id,
            detail={"reason": "not found or not addressed to this receiver"},
        )
        raise Refused("No handoff matches the given query.")
    return handoff


# --- records governance (N4, N6, S28, S29, S42) ----------------------------------------


access_legal_hold = consumer_record_load(
    LegalHold,
    lambda: LegalHold.objects.select_related("consumer", "case", "placed_by", "released_by"),
    id_param="hold_id",
    object_type="legal_hold",
    permission=Permission.PRIVACY_MANAGE,
)
access_access_request = consumer_record_load(
    AccessRequest,
    lambda: AccessRequest.objects.select_related("consumer", "owner", "program"),
    id_param="request_id",
    object_type="access_request",
    permission=Permission.PRIVACY_MANAGE,
)


@registered(ComplianceRequirement, "requirement_id", "compliance_requirement")
def access_requirement(
    actor: Actor,
    requirement_id: int,
    *,
    permission: Permission = Permission.COMPLIANCE_MANAGE,
    log_read: bool = True,
) -> ComplianceRequirement:
    """A compliance register entry of the actor's program (no consumer data, so no
    signed-statement gate); 404 otherwise."""
    row = None
    if user_may(actor, permission) and actor.user.program_id is not None:
        row = (
            ComplianceRequirement.objects.select_related("owner")
            .filter(program_id=actor.user.program_id, pk=requirement_id)
            .first()
        )
    if row is None:
        raise refuse(actor, audit_action(permission), "compliance_requirement", requirement_id)
    if log_read:
        _read(actor, None, "compliance_requirement", row.pk)
    return row


def adt_message_consumer(message: AdtMessage) -> int | None:
    """The consumer an ADT message was applied to, when it reached a stay."""
    return message.stay.consumer_id if message.stay is not None else None


@registered(AdtMessage, "message_id", "adt_message", consumer_of=lambda m: adt_message_consumer(m))
def access_adt_message(
    actor: Actor,
    message_id: int,
    *,
    permission: Permission = Permission.ADT_MANAGE,
    log_read: bool = True,
) -> AdtMessage:
    """An ADT message of the actor's program, for those who work the error queue
    (adt.manage, program scope): 404 (audited) otherwise. Raw messages hold PHI, so the
    signed-statement gate applies."""
    action = audit_action(permission)
    confidentiality_gate(actor, action, "adt_message", message_id)
    message = None
    if scope_for(actor.role, permission) == Scope.PROGRAM and actor.user.is_active:
        message = (
            AdtMessage.objects.select_related("stay", "handled_by")
            .filter(program_id=actor.user.program_id or 0, pk=message_id)
            .first()
        )
    if message is None:
        raise refuse(actor, action, "adt_message", message_id)
    if log_read:
        _read(actor, adt_message_consumer(message), "adt_message", message.pk)
    return message
