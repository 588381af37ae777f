"""Records governance (N4, N6, S28, S29, S42) through the API.

Retention, legal holds, access requests and accountings need `privacy.manage`; recording
a disclosure needs `disclosure.record` over the consumer; the compliance register needs
`compliance.manage`. A record out of reach is 404 (audited). Each request writes exactly
one audit event (a retention schedule read writes none: it holds no consumer data); bad
input is 422 naming the field. Destroying records is not an API call: it is
`casework retention run --apply` (docs/governance.md)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction, Program
from casework.core.policy import Permission
from casework.governance import documents, selectors, services
from casework.governance.models import AccessRequest, ComplianceRequirement, Disclosure, LegalHold
from casework.governance.rules import accounting_since
from casework.governance.schemas import (
    AccessCloseIn,
    AccessExtendIn,
    AccessRequestIn,
    AccessRequestOut,
    AccessRequestPage,
    AccountingOut,
    DisclosureIn,
    DisclosureOut,
    LegalHoldIn,
    LegalHoldOut,
    LegalHoldPage,
    LegalHoldReleaseIn,
    PlanRowOut,
    RequirementIn,
    RequirementOut,
    RequirementPage,
    RequirementReviewIn,
    RetentionRuleIn,
    ScheduleRowOut,
)
from casework.web.access import (
    access_access_request,
    access_consumer,
    access_legal_hold,
    access_requirement,
)
from casework.web.api import LIST_THROTTLE, PageParams, listed_page, responses
from casework.web.guard import guard

router = Router(tags=["governance"])


# --- retention ------------------------------------------------------------------------------


@router.get(
    "/retention/schedule",
    response=responses({200: list[ScheduleRowOut]}),
    summary="The retention schedule: each record type, its years and the rule behind them",
    operation_id="retention_schedule",
)
@guard(Permission.PRIVACY_MANAGE, object_type="retention_rule")
def retention_schedule(request: HttpRequest, actor: Actor) -> list[selectors.ScheduleRow]:
    """No consumer data: not audited."""
    return selectors.retention_schedule(program_id=_program_id(actor))


@router.post(
    "/retention/schedule",
    response=responses({200: list[ScheduleRowOut]}, write=True),
    summary="Set the program's retention of one record type",
    operation_id="retention_rule_set",
)
@guard(Permission.PRIVACY_MANAGE, object_type="retention_rule")
def retention_rule_set(
    request: HttpRequest, actor: Actor, payload: RetentionRuleIn
) -> list[selectors.ScheduleRow]:
    """Never below the record type's floor (422 naming `years`). Audits one update."""
    services.retention_rule_set(
        actor=actor,
        program=_program(actor),
        **payload.model_dump(),
    )
    return selectors.retention_schedule(program_id=_program_id(actor))


@router.get(
    "/retention/plan",
    response=responses({200: list[PlanRowOut]}),
    summary="What a retention run would destroy now, and what legal holds keep",
    operation_id="retention_plan",
)
@guard(Permission.PRIVACY_MANAGE, object_type="retention_plan")
def retention_plan(request: HttpRequest, actor: Actor) -> list[selectors.PlanRow]:
    """A dry run: changes nothing. Audits one list."""
    plan = selectors.retention_plan(program_id=_program_id(actor), now=clock.now())
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="retention_plan",
        detail={str(p.record_type): len(p.due_ids) for p in plan},
    )
    return plan


def _program(actor: Actor) -> Program:
    assert actor.user.program is not None  # the guard admits program members only
    return actor.user.program


def _program_id(actor: Actor) -> int:
    assert actor.user.program_id is not None  # the guard admits program members only
    return actor.user.program_id


# --- legal holds ------------------------------------------------------------------------------


@router.get(
    "/legal-holds",
    response=responses({200: LegalHoldPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Legal holds in force",
    operation_id="legal_hold_list",
)
@guard(Permission.PRIVACY_MANAGE, object_type="legal_hold")
def legal_hold_list(request: HttpRequest, actor: Actor, page: Query[PageParams]) -> dict[str, Any]:
    """Newest first. Audits one list."""
    qs = selectors.legal_holds(program_id=_program_id(actor))
    return listed_page(actor, qs, page, object_type="legal_hold")


@router.post(
    "/consumers/{consumer_id}/legal-holds",
    response=responses({201: LegalHoldOut}, write=True),
    summary="Place a legal hold on a consumer's records, or one case of theirs",
    operation_id="legal_hold_place",
)
@guard(Permission.PRIVACY_MANAGE, access_consumer)
def legal_hold_place(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: LegalHoldIn
) -> Status[LegalHold]:
    """Nothing the hold covers is destroyed until it is released. Audits one create."""
    return Status(
        201, services.legal_hold_place(actor=actor, consumer=consumer, **payload.model_dump())
    )


@router.post(
    "/legal-holds/{hold_id}/release",
    response=responses({200: LegalHoldOut}, write=True),
    summary="Release a legal hold, with the reason",
    operation_id="legal_hold_release",
)
@guard(Permission.PRIVACY_MANAGE, access_legal_hold)
def legal_hold_release(
    request: HttpRequest, actor: Actor, hold: LegalHold, payload: LegalHoldReleaseIn
) -> LegalHold:
    """409 when it was already released. Audits one update."""
    return services.legal_hold_release(actor=actor, hold=hold, **payload.model_dump())


# --- disclosures ----------------------------------------------------------------------------


@router.post(
    "/consumers/{consumer_id}/disclosures",
    response=responses({201: DisclosureOut}, write=True),
    summary="Record a disclosure outside treatment, payment and operations",
    operation_id="disclosure_record",
)
@guard(Permission.DISCLOSURE_RECORD, access_consumer)
def disclosure_record(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: DisclosureIn
) -> Status[Disclosure]:
    """To whom, what, why, when and under which authority; a correction is a new entry
    naming the one it corrects. Audits one create."""
    return Status(
        201, services.disclosure_record(actor=actor, consumer=consumer, **payload.model_dump())
    )


@router.get(
    "/consumers/{consumer_id}/disclosure-accounting",
    response=responses({200: AccountingOut}),
    summary="The consumer's accounting of disclosures for the last six years",
    operation_id="disclosure_accounting",
)
@guard(Permission.PRIVACY_MANAGE, access_consumer)
def disclosure_accounting(request: HttpRequest, actor: Actor, consumer: Consumer) -> dict[str, Any]:
    """Oldest first (164.528). Audits one print."""
    now = clock.now()
    rows = selectors.disclosure_accounting(consumer_id=consumer.pk, now=now)
    services.disclosure_accounting_printed(
        actor=actor, consumer=consumer, count=len(rows), form="json"
    )
    return {
        "consumer_id": consumer.pk,
        "since": accounting_since(now),
        "until": now,
        "disclosures": rows,
    }


# --- right of access --------------------------------------------------------------------------


def _access_out(request_: AccessRequest) -> dict[str, Any]:
    deadline = selectors.access_request_clock(request_id=request_.pk)
    return {
        **{f: getattr(request_, f) for f in AccessRequestOut.model_fields if f != "clock"},
        "clock": deadline,
    }


@router.get(
    "/access-requests",
    response=responses({200: AccessRequestPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Right-of-access requests, newest first",
    operation_id="access_request_list",
)
@guard(Permission.PRIVACY_MANAGE, object_type="access_request")
def access_request_list(
    request: HttpRequest, actor: Actor, page: Query[PageParams]
) -> dict[str, Any]:
    """Audits one list."""
    qs = selectors.access_request_list(program_id=_program_id(actor))
    return listed_page(actor, qs, page, object_type="access_request")


@router.post(
    "/consumers/{consumer_id}/access-requests",
    response=responses({201: AccessRequestOut}, write=True),
    summary="Record a request for the consumer's designated record set (30-day clock)",
    operation_id="access_request_receive",
)
@guard(Permission.PRIVACY_MANAGE, access_consumer)
def access_request_receive(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: AccessRequestIn
) -> Status[dict[str, Any]]:
    """Starts the 30-calendar-day clock (164.524(b)(2)), on the recorder's worklist.
    Audits one create."""
    created = services.access_request_receive(
        actor=actor, consumer=consumer, **payload.model_dump()
    )
    return Status(201, _access_out(created))


@router.get(
    "/access-requests/{request_id}",
    response=responses({200: AccessRequestOut}),
    summary="An access request with its clock",
    operation_id="access_request_get",
)
@guard(Permission.PRIVACY_MANAGE, access_access_request, log_read=True)
def access_request_get(
    request: HttpRequest, actor: Actor, access_request: AccessRequest
) -> dict[str, Any]:
    """Audits one read."""
    return _access_out(access_request)


@router.post(
    "/access-requests/{request_id}/extend",
    response=responses({200: AccessRequestOut}, write=True),
    summary="Take the one 30-day extension (with its written notice)",
    operation_id="access_request_extend",
)
@guard(Permission.PRIVACY_MANAGE, access_access_request)
def access_request_extend(
    request: HttpRequest, actor: Actor, access_request: AccessRequest, payload: AccessExtendIn
) -> dict[str, Any]:
    """Only before the first 30 days end, and only once (422 naming why). Audits one update."""
    services.access_request_extend(actor=actor, request=access_request, **payload.model_dump())
    return _access_out(access_request)


@router.post(
    "/access-requests/{request_id}/close",
    response=responses({200: AccessRequestOut}, write=True),
    summary="Close the request as fulfilled or denied",
    operation_id="access_request_close",
)
@guard(Permission.PRIVACY_MANAGE, access_access_request)
def access_request_close(
    request: HttpRequest, actor: Actor, access_request: AccessRequest, payload: AccessCloseIn
) -> dict[str, Any]:
    """A denial says why; the clock is met. Audits one update."""
    services.access_request_close(actor=actor, request=access_request, **payload.model_dump())
    return _access_out(access_request)


@router.get(
    "/access-requests/{request_id}/export",
    response=responses({200: dict[str, Any]}),
    summary="The consumer's designated record set as a FHIR R4 Bundle",
    operation_id="access_request_export",
)
@guard(Permission.PRIVACY_MANAGE, access_access_request)
def access_request_export(
    request: HttpRequest, actor: Actor, access_request: AccessRequest
) -> dict[str, Any]:
    """Patient, Communications and QuestionnaireResponses (a `collection` Bundle). Audits
    one export."""
    records = selectors.designated_record_set(consumer_id=access_request.consumer_id, actor=actor)
    bundle = documents.record_set_bundle(access_request.consumer, records, now=clock.now())
    services.access_request_exported(
        actor=actor, request=access_request, resources=len(bundle["entry"])
    )
    return bundle


# --- compliance register ----------------------------------------------------------------------


@router.get(
    "/compliance-register",
    response=responses({200: RequirementPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="The compliance register, by next review date",
    operation_id="requirement_list",
)
@guard(Permission.COMPLIANCE_MANAGE, object_type="compliance_requirement")
def requirement_list(request: HttpRequest, actor: Actor, page: Query[PageParams]) -> dict[str, Any]:
    """Regulations and accreditation standards per jurisdiction; each with its status
    (scheduled, due within 30 days, overdue). Audits one list."""
    qs = selectors.requirement_list(program_id=_program_id(actor))
    return listed_page(actor, qs, page, object_type="compliance_requirement")


@router.post(
    "/compliance-register",
    response=responses({201: RequirementOut}, write=True),
    summary="Add a regulation or accreditation standard to the register",
    operation_id="requirement_create",
)
@guard(Permission.COMPLIANCE_MANAGE, object_type="compliance_requirement")
def requirement_create(
    request: HttpRequest, actor: Actor, payload: RequirementIn
) -> Status[ComplianceRequirement]:
    """Its review date is a deadline on the owner's worklist. Audits one create."""
    return Status(
        201,
        services.requirement_create(
            actor=actor,
            program=_program(actor),
            **payload.model_dump(),
        ),
    )


@router.post(
    "/compliance-register/{requirement_id}/review",
    response=responses({200: RequirementOut}, write=True),
    summary="Record a review: evidence and the next review date",
    operation_id="requirement_review",
)
@guard(Permission.COMPLIANCE_MANAGE, access_requirement)
def requirement_review(
    request: HttpRequest,
    actor: Actor,
    requirement: ComplianceRequirement,
    payload: RequirementReviewIn,
) -> ComplianceRequirement:
    """Audits one update."""
    return services.requirement_review(actor=actor, requirement=requirement, **payload.model_dump())
