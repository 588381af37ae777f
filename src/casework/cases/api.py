"""Referrals and cases: intake, worklist, notices, consent, activation, withdrawal,
closure and reassignment (B2, C1-C3, I1).

Reads need consumer.read over the consumer; intake needs case.intake; enrollment and
lifecycle changes need case.manage; reassignment needs case.reassign (supervisors).
Each request writes exactly one audit event (read, list, create, update or denied)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from casework.cases import selectors, services
from casework.cases.models import Case, Consent, Notice, RecipientType
from casework.cases.schemas import (
    CaseFilters,
    CaseOut,
    CaseSummaryPage,
    CloseIn,
    ConsentIn,
    ConsentOut,
    ConsentPage,
    IntakeIn,
    NoticeIn,
    NoticeOut,
    NoticePage,
    ReassignIn,
    WithdrawIn,
    WorklistPage,
)
from casework.consumers.models import Consumer
from casework.consumers.selectors import support_person_of
from casework.consumers.services import LikelyDuplicate
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_case, access_consumer, reaches_consumer
from casework.web.api import (
    LIST_THROTTLE,
    PageParams,
    VersionIn,
    actor_of,
    listed_page,
    require,
    responses,
    staff_member,
)
from casework.web.guard import guard
from casework.web.lists import case_record_list

router = Router(tags=["cases"])


@router.post(
    "/referrals",
    response=responses({201: CaseOut}, write=True),
    summary="Take a referral and open a case",
    operation_id="referral_intake",
)
def referral_intake(request: HttpRequest, payload: IntakeIn) -> Status[Case]:
    """Open a case in state `referred` for a new consumer or one you already reach.
    A case manager opens it for themself; a supervisor for their team, optionally
    assigned. Audits one create."""
    actor = actor_of(request)
    require(actor, Permission.CASE_INTAKE, "consumer", payload.consumer_id or "")
    data = payload.model_dump(
        exclude={"consumer_id", "consumer", "assign_to", "duplicate_decision"}
    )
    consumer = None
    if payload.consumer_id is not None:
        consumer = access_consumer(
            actor, payload.consumer_id, permission=Permission.CASE_INTAKE, log_read=False
        )
    assign_to = None
    if payload.assign_to is not None:
        assign_to = staff_member(actor, payload.assign_to, "assign_to")
    new_consumer = payload.consumer.model_dump() if payload.consumer is not None else None
    try:
        case = services.referral_intake(
            actor=actor,
            consumer=consumer,
            new_consumer=new_consumer,  # type: ignore[arg-type]
            assign_to=assign_to,
            reaches_consumer=reaches_consumer(actor),
            duplicate_decision=str(payload.duplicate_decision or ""),
            **data,
        )
    except LikelyDuplicate as exc:
        ids = ", ".join(str(pk) for pk in exc.candidates)
        raise ValidationFailed(
            {
                "duplicate_decision": [
                    *exc.errors["duplicate_decision"],
                    _("consumer_id %(ids)s") % {"ids": ids},
                ]
            }
        ) from exc
    except ValidationFailed as exc:
        if new_consumer is None:
            raise
        raise _under_consumer(exc, set(new_consumer)) from exc
    return Status(201, _reload(case))


def _under_consumer(exc: ValidationFailed, consumer_fields: set[str]) -> ValidationFailed:
    """Point errors about the new consumer's fields at `consumer.<field>` in the body."""
    return ValidationFailed(
        {
            (f"consumer.{field}" if field in consumer_fields else field): reasons
            for field, reasons in exc.errors.items()
        }
    )


def _reload(case: Case) -> Case:
    return selectors.case_for_response(case_id=case.pk)


@router.get(
    "/cases",
    response=responses({200: WorklistPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List my cases or my team's cases",
    operation_id="case_list",
)
@guard(Permission.CONSUMER_READ, object_type="case")
def case_list(
    request: HttpRequest, actor: Actor, filters: Query[CaseFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Cases assigned to you (`scope=mine`) or to the teams you supervise (`scope=team`),
    open states unless `state` says otherwise; cases with overdue work first. Audits one
    list event with the count and the case ids returned."""
    qs = selectors.case_list_for_worklist(
        user=actor.user, team=filters.scope == "team", states=[str(s) for s in filters.state]
    )
    return listed_page(actor, qs, page, object_type="case")


@router.get(
    "/consumers/{consumer_id}/cases",
    response=responses({200: CaseSummaryPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List a consumer's cases",
    operation_id="consumer_case_list",
    tags=["consumers"],
)
@guard(Permission.CONSUMER_READ, access_consumer, log_read=False)
def consumer_case_list(
    request: HttpRequest, actor: Actor, consumer: Consumer, page: Query[PageParams]
) -> dict[str, Any]:
    """Every case episode of the consumer, newest first. Audits one list."""
    qs = selectors.case_list_for_consumer(consumer_id=consumer.pk).select_related("consumer")
    return listed_page(
        actor,
        qs,
        page,
        object_type="case",
        consumer_id=consumer.pk,
        parent=consumer.pk,
    )


@router.get(
    "/cases/{case_id}",
    response=responses({200: CaseOut}),
    summary="Get a case",
    operation_id="case_get",
)
@guard(Permission.CONSUMER_READ, access_case, log_read=True)
def case_get(request: HttpRequest, actor: Actor, case: Case) -> Case:
    """The case, its consumer, referral, state and assignment. Audits one read."""
    return case


case_record_list(
    router,
    "/cases/{case_id}/notices",
    page_schema=NoticePage,
    rows=lambda case: selectors.notice_list_for_case(case_id=case.pk),
    object_type="notice",
    summary="List the notices given on a case",
    operation_id="notice_list",
    description="Enrollment and closure notices, in the order given. Audits one list.",
)


@router.post(
    "/cases/{case_id}/notices",
    response=responses({201: NoticeOut}, write=True),
    summary="Record an enrollment notice",
    operation_id="notice_create",
)
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def notice_create(
    request: HttpRequest, actor: Actor, case: Case, payload: NoticeIn
) -> Status[Notice]:
    """Program purpose, complaint process or privacy practices (C1-C3). With all three
    and consent granted the case becomes `engaged`. Audits one create."""
    return Status(201, services.notice_record(actor=actor, case=case, **payload.model_dump()))


case_record_list(
    router,
    "/cases/{case_id}/consents",
    page_schema=ConsentPage,
    rows=lambda case: selectors.consent_history(case_id=case.pk),
    object_type="consent",
    summary="Consent history of a case",
    operation_id="consent_list",
    description="Every decision in the order recorded; the last one is current. Audits one list.",
)


@router.post(
    "/cases/{case_id}/consents",
    response=responses({201: ConsentOut}, write=True),
    summary="Record consent, refusal or revocation",
    operation_id="consent_create",
)
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def consent_create(
    request: HttpRequest, actor: Actor, case: Case, payload: ConsentIn
) -> Status[Consent]:
    """Consent to case management (C1, S39). Refusal declines a referred case; revocation
    stops new clinical activity. A surrogate decides through `surrogate` (the legal
    decision maker's support-person id). Audits one create."""
    surrogate = None
    if payload.surrogate is not None:
        surrogate = support_person_of(
            consumer_id=case.consumer_id, support_person_id=payload.surrogate
        )
        if surrogate is None:
            raise ValidationFailed.single("surrogate", "no such support person of this consumer")
    data = payload.model_dump(exclude={"surrogate"})
    return Status(201, services.consent_record(actor=actor, case=case, surrogate=surrogate, **data))


@router.post(
    "/cases/{case_id}/activate",
    response=responses({200: CaseOut}, write=True),
    summary="Start services on an engaged case",
    operation_id="case_activate",
)
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def case_activate(request: HttpRequest, actor: Actor, case: Case, payload: VersionIn) -> Case:
    """engaged → active; needs active consent. Audits one update."""
    return _reload(services.case_activate(actor=actor, case=case, version=payload.version))


@router.post(
    "/cases/{case_id}/withdraw",
    response=responses({200: CaseOut}, write=True),
    summary="Withdraw a case",
    operation_id="case_withdraw",
)
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def case_withdraw(request: HttpRequest, actor: Actor, case: Case, payload: WithdrawIn) -> Case:
    """The consumer withdraws before or during services. Audits one update."""
    return _reload(
        services.case_withdraw(
            actor=actor, case=case, version=payload.version, reason=payload.reason
        )
    )


@router.post(
    "/cases/{case_id}/close",
    response=responses({200: CaseOut}, write=True),
    summary="Close a case with notice",
    operation_id="case_close",
)
@guard(Permission.CASE_MANAGE, access_case, log_read=False)
def case_close(request: HttpRequest, actor: Actor, case: Case, payload: CloseIn) -> Case:
    """Close (I1) with a reason, the notice to the consumer and to each involved
    provider, and where to go if things change. Refused (409) while work items are open.
    Audits one update."""
    consumer_notice = services.ClosureNotice(**payload.consumer_notice.model_dump())
    provider_notices = [
        services.ClosureNotice(recipient_type=RecipientType.PROVIDER, **n.model_dump())
        for n in payload.provider_notices
    ]
    closed = services.case_close(
        actor=actor,
        case=case,
        version=payload.version,
        reason=payload.reason,
        instructions=payload.instructions,
        summary=payload.summary,
        consumer_notice=consumer_notice,
        provider_notices=provider_notices,
        no_providers_involved=payload.no_providers_involved,
    )
    return _reload(closed)


@router.post(
    "/cases/{case_id}/reassign",
    response=responses({200: CaseOut}, write=True),
    summary="Reassign a case (supervisors)",
    operation_id="case_reassign",
)
@guard(Permission.CASE_REASSIGN, access_case, log_read=False)
def case_reassign(request: HttpRequest, actor: Actor, case: Case, payload: ReassignIn) -> Case:
    """Give the case to another case manager on a team you supervise; the previous
    assignee's open work items move with it and their relationship with the consumer
    ends (their care-team memberships end) unless `keep_on_care_team_as` keeps them on
    the care team in another role. Audits one update."""
    assign_to = staff_member(actor, payload.assign_to, "assign_to")
    return _reload(
        services.case_reassign(
            actor=actor,
            case=case,
            version=payload.version,
            assign_to=assign_to,
            reason=payload.reason,
            override_reason=payload.override_reason,
            keep_on_care_team_as=payload.keep_on_care_team_as,
        )
    )
