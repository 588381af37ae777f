"""REST endpoints of the payer interface and denials (H2, H4), under the stays API.
Reads need consumer.read over the stay (or a unit the caller covers); writes need
case.manage. Each request writes exactly one audit event; bad input is 422 naming the
field and changes nothing; a step the record's state refuses is 409."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Status

from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.stays.models import Stay
from casework.stays.payers import education, peer_to_peer_services, rules, selectors, services
from casework.stays.payers.deadlines import EDUCATION
from casework.stays.payers.models import (
    DenialEducation,
    StayAppeal,
    StayAuthorization,
    StayDenial,
    StayPeerToPeer,
)
from casework.stays.payers.schemas import (
    AppealIn,
    AppealOut,
    AppealOutcomeIn,
    AuthorizationIn,
    AuthorizationOut,
    AuthorizationPage,
    AuthorizationStepIn,
    DenialEducationDoneIn,
    DenialEducationOut,
    DenialEducationPage,
    DenialEducationQuery,
    DenialIn,
    DenialOut,
    DenialPage,
    DenialQuery,
    DenialReportOut,
    DenialReportQuery,
    PayerSettingsPage,
    PeerToPeerIn,
    PeerToPeerOut,
    PeerToPeerPage,
    PeerToPeerStepIn,
)
from casework.web.access import access_stay, stay_reach_q
from casework.web.api import (
    LIST_THROTTLE,
    PageParams,
    audit_list,
    listed_page,
    responses,
    service_step,
    version_step,
)
from casework.web.guard import guard
from casework.web.lists import stay_record_list

router = Router(tags=["stays"])


@router.get(
    "/payer-settings",
    response=responses({200: PayerSettingsPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="The payers of your program and their terms (notification, reviews, appeals)",
    operation_id="payer_settings_list",
)
@guard(Permission.CONSUMER_READ, object_type="payer_settings")
def payer_settings_list(
    request: HttpRequest, actor: Actor, page: Query[PageParams]
) -> dict[str, Any]:
    """Program data, no consumer's. Audits one list."""
    rows = selectors.payer_settings_list(program_id=actor.user.program_id or 0)
    return listed_page(actor, rows, page, object_type="payer_settings")


stay_record_list(
    router,
    "/stays/{stay_id}/authorizations",
    page_schema=AuthorizationPage,
    rows=lambda stay: selectors.authorization_list(stay_id=stay.pk),
    object_type="stay_authorization",
    summary="A stay's payer authorizations",
    operation_id="stay_authorization_list",
    description="Newest first. Audits one list.",
)


@router.post(
    "/stays/{stay_id}/authorizations",
    response=responses({201: AuthorizationOut}, write=True),
    summary="Open the payer's authorization of a stay at a level of care",
    operation_id="stay_authorization_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_authorization_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: AuthorizationIn
) -> Status[StayAuthorization]:
    """The notification clock starts from the admission (the payer's window, in its
    unit); `notification_sent_at` records the notification at once. 409 when the stay's
    payer has no settings. Audits one create."""
    facts = services.AuthorizationFacts(**payload.model_dump())
    return Status(201, services.authorization_open(actor=actor, stay=stay, facts=facts))


@router.post(
    "/stays/{stay_id}/authorizations/{authorization_id}",
    response=responses({200: AuthorizationOut}, write=True),
    summary="Record a step of an authorization: notified, acknowledged, decided, review sent",
    operation_id="stay_authorization_step",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_authorization_step(
    request: HttpRequest,
    actor: Actor,
    stay: Stay,
    authorization_id: int,
    payload: AuthorizationStepIn,
) -> StayAuthorization:
    """Each step meets its clock and starts the next (decision, then clinical reviews).
    Audits one update."""
    return version_step(
        selectors.authorization_on_stay(stay=stay, authorization_id=authorization_id),
        payload,
        service_step(services.authorization_step, actor, "authorization", services.StepFacts),
        missing="No such authorization.",
    )


@router.get(
    "/denials",
    response=responses({200: DenialPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Denials of the stays you reach, newest received first",
    operation_id="denial_list",
)
@guard(Permission.CONSUMER_READ, object_type="stay_denial")
def denial_list(
    request: HttpRequest, actor: Actor, query: Query[DenialQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Filter by payer, state and kind. Audits one list."""
    rows = selectors.denial_list(
        reach=stay_reach_q(actor.user, Permission.CONSUMER_READ),
        payer_id=query.payer_id,
        state=query.state,
        kind=query.kind or "",
    )
    return listed_page(actor, rows, page, object_type="stay_denial")


@router.get(
    "/denials/report",
    response=responses({200: DenialReportOut}),
    summary="Denials by reason category, kind, unit, attending, payer or week, with recoveries",
    operation_id="denial_report",
)
@guard(Permission.UM_REPORT, object_type="denial_report")
def denial_report(
    request: HttpRequest, actor: Actor, query: Query[DenialReportQuery]
) -> dict[str, Any]:
    """Totals over the program's stays; names no consumer. Audits one list."""
    by = rules.DenialReportDimension(query.by)
    rows = selectors.denial_report(
        program_id=actor.user.program_id or 0, by=by, start=query.start, end=query.end
    )
    audit_list(actor, object_type="denial_report", count=len(rows), returned=[], by=by.value)
    return {
        "by": by.value,
        "taxonomy": settings.CASEWORK_STAYS_DENIAL_TAXONOMY,
        "currency": "USD",
        "total": selectors.denial_report_total(rows),
        "rows": rows,
    }


@router.post(
    "/stays/{stay_id}/denials",
    response=responses({201: DenialOut}, write=True),
    summary="Record a payer's denial of days or money of a stay",
    operation_id="stay_denial_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_denial_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: DenialIn
) -> Status[StayDenial]:
    """Days, amount or both; the first appeal level's filing clock starts on the
    received date. Audits one create."""
    facts = services.DenialFacts(**payload.model_dump())
    return Status(201, services.denial_record(actor=actor, stay=stay, facts=facts))


@router.post(
    "/stays/{stay_id}/denials/{denial_id}/appeals",
    response=responses({201: AppealOut}, write=True),
    summary="File the appeal of a denial at its next level",
    operation_id="stay_appeal_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_appeal_create(
    request: HttpRequest, actor: Actor, stay: Stay, denial_id: int, payload: AppealIn
) -> Status[StayAppeal]:
    """After the filing limit, `late_reason` (good cause) is required. The payer's
    decision clock starts (standard or expedited). Audits one create."""
    appeal = version_step(
        selectors.denial_on_stay(stay=stay, denial_id=denial_id),
        payload,
        service_step(services.appeal_file, actor, "denial", services.AppealFacts),
        missing="No such denial.",
    )
    return Status(201, appeal)


@router.post(
    "/stays/{stay_id}/appeals/{appeal_id}/outcome",
    response=responses({200: AppealOut}, write=True),
    summary="Record the payer's decision on an appeal and what it recovered",
    operation_id="stay_appeal_outcome",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_appeal_outcome(
    request: HttpRequest, actor: Actor, stay: Stay, appeal_id: int, payload: AppealOutcomeIn
) -> StayAppeal:
    """Upheld with a level left opens the next level's filing clock. Audits one update."""
    return version_step(
        selectors.appeal_on_stay(stay=stay, appeal_id=appeal_id),
        payload,
        service_step(services.appeal_decide, actor, "appeal", services.OutcomeFacts),
        missing="No such appeal.",
    )


stay_record_list(
    router,
    "/stays/{stay_id}/peer-to-peers",
    page_schema=PeerToPeerPage,
    rows=lambda stay: selectors.peer_to_peer_list(stay_id=stay.pk),
    object_type="stay_peer_to_peer",
    summary="A stay's peer-to-peer requests with the payer",
    operation_id="stay_peer_to_peer_list",
    description="Newest first. Audits one list.",
)


@router.post(
    "/stays/{stay_id}/peer-to-peers",
    response=responses({201: PeerToPeerOut}, write=True),
    summary="Request a peer-to-peer with the payer about an adverse decision",
    operation_id="stay_peer_to_peer_create",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_peer_to_peer_create(
    request: HttpRequest, actor: Actor, stay: Stay, payload: PeerToPeerIn
) -> Status[StayPeerToPeer]:
    """About an authorization denied or partly approved, or an open denial. The payer's
    window to hold it starts at the request. 409 when the decision is not adverse or a
    request about it is pending. Audits one create."""
    facts = peer_to_peer_services.PeerToPeerFacts(**payload.model_dump())
    return Status(
        201, peer_to_peer_services.peer_to_peer_request(actor=actor, stay=stay, facts=facts)
    )


@router.post(
    "/stays/{stay_id}/peer-to-peers/{peer_to_peer_id}",
    response=responses({200: PeerToPeerOut}, write=True),
    summary="Record that a peer-to-peer was scheduled, or its conclusion and outcome",
    operation_id="stay_peer_to_peer_step",
)
@guard(Permission.CASE_MANAGE, access_stay)
def stay_peer_to_peer_step(
    request: HttpRequest,
    actor: Actor,
    stay: Stay,
    peer_to_peer_id: int,
    payload: PeerToPeerStepIn,
) -> StayPeerToPeer:
    """An overturn changes the authorization or the denial as the payer's word on it
    does. 409 once concluded. Audits one update."""
    return version_step(
        selectors.peer_to_peer_on_stay(stay=stay, peer_to_peer_id=peer_to_peer_id),
        payload,
        service_step(
            peer_to_peer_services.peer_to_peer_step,
            actor,
            "peer",
            peer_to_peer_services.PeerToPeerStepFacts,
        ),
        missing="No such peer-to-peer.",
    )


@router.get(
    "/denials/education",
    response=responses({200: DenialEducationPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Denial prevention education items of your program (open by default)",
    operation_id="denial_education_list",
)
@guard(Permission.UM_REPORT, object_type=EDUCATION)
def denial_education_list(
    request: HttpRequest, actor: Actor, query: Query[DenialEducationQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Oldest opened first; names no consumer. Audits one list."""
    return listed_page(
        actor,
        DenialEducation.objects.filter(
            program_id=actor.user.program_id or 0, state=query.state
        ).order_by("opened_at", "pk"),
        page,
        object_type=EDUCATION,
    )


@router.post(
    "/denials/education/{education_id}",
    response=responses({200: DenialEducationOut}, write=True),
    summary="Mark a denial prevention education item done, with a note",
    operation_id="denial_education_done",
)
@guard(Permission.UM_REPORT, object_type=EDUCATION)
def denial_education_done(
    request: HttpRequest, actor: Actor, education_id: int, payload: DenialEducationDoneIn
) -> DenialEducation:
    """409 once done. Audits one update."""
    item = education.education_of_program(
        program_id=actor.user.program_id or 0, education_id=education_id
    )
    return version_step(
        item,
        payload,
        service_step(education.education_done, actor, "item"),
        missing="No such education item.",
    )
