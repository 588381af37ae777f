"""Complaints and grievances (K1).

Receiving and working a complaint needs complaint.manage over the consumer; reading
needs consumer.read. A complaint out of reach is 404 (audited). Each request writes
exactly one audit event; bad input is 422 naming the field."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from casework.complaints import letters, selectors, services
from casework.complaints.models import Complaint, ComplaintNote
from casework.complaints.rules import Category
from casework.complaints.schemas import (
    AcknowledgeIn,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintNoteIn,
    ComplaintNoteOut,
    ComplaintPage,
    ComplaintResolveIn,
    ExtendIn,
    ExtensionNoticeIn,
    PauseIn,
)
from casework.consumers.models import Consumer
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.web.access import access_complaint, access_consumer, reach_q
from casework.web.api import LIST_THROTTLE, PageParams, VersionIn, listed_page, responses
from casework.web.guard import guard

router = Router(tags=["complaints"])


class ComplaintQuery(Schema):
    state: Literal["", "open", "received", "acknowledged", "resolved", "withdrawn"] = ""
    category: Category | None = None


def _detail(complaint: Complaint) -> selectors.ComplaintDetail:
    return selectors.ComplaintDetail(complaint)


@router.get(
    "/complaints",
    response=responses({200: ComplaintPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List the complaints you reach",
    operation_id="complaint_list",
)
@guard(Permission.CONSUMER_READ, object_type="complaint")
def complaint_list(
    request: HttpRequest, actor: Actor, query: Query[ComplaintQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Newest first; `state` (received, acknowledged, resolved, withdrawn or open) and
    `category` filter. Audits one list."""
    reach = reach_q(actor.user, Permission.CONSUMER_READ, consumer="consumer_id")
    qs = selectors.complaint_list(reach=reach, state=query.state, category=query.category or "")
    return listed_page(actor, qs, page, object_type="complaint")


@router.post(
    "/consumers/{consumer_id}/complaints",
    response=responses({201: ComplaintDetailOut}, write=True),
    summary="Receive a complaint or grievance",
    operation_id="complaint_create",
)
@guard(Permission.COMPLAINT_MANAGE, access_consumer)
def complaint_create(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: ComplaintIn
) -> Status[selectors.ComplaintDetail]:
    """Record it and start its clocks (acknowledgement; resolution by coverage type).
    Audits one create."""
    complaint = services.complaint_receive(actor=actor, consumer=consumer, **payload.model_dump())
    return Status(201, _detail(complaint))


@router.get(
    "/complaints/{complaint_id}",
    response=responses({200: ComplaintDetailOut}),
    summary="A complaint with its clocks and notes",
    operation_id="complaint_get",
)
@guard(Permission.CONSUMER_READ, access_complaint, log_read=True)
def complaint_get(
    request: HttpRequest, actor: Actor, complaint: Complaint
) -> selectors.ComplaintDetail:
    """Audits one read."""
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/acknowledge",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Record the acknowledgement",
    operation_id="complaint_acknowledge",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_acknowledge(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: AcknowledgeIn
) -> selectors.ComplaintDetail:
    """Record how and when receipt was acknowledged; the acknowledgement clock is met. Audits
    one update."""
    services.complaint_acknowledge(actor=actor, complaint=complaint, **payload.model_dump())
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/notes",
    response=responses({201: ComplaintNoteOut}, write=True),
    summary="Add an investigation note",
    operation_id="complaint_note_create",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_note_create(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: ComplaintNoteIn
) -> Status[ComplaintNote]:
    """An investigation note on an open complaint. Audits one create."""
    return Status(
        201, services.complaint_note_add(actor=actor, complaint=complaint, text=payload.text)
    )


@router.post(
    "/complaints/{complaint_id}/extend",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Extend the resolution limit under its rule",
    operation_id="complaint_extend",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_extend(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: ExtendIn
) -> selectors.ComplaintDetail:
    """Take the rule's extension before the limit passes; a notice clock starts when the
    consumer did not ask for it. 422 names why it is refused. Audits one update."""
    services.complaint_extend(actor=actor, complaint=complaint, **payload.model_dump())
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/extension-notice",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Record the written notice of an extension as sent",
    operation_id="complaint_extension_notice",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_extension_notice(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: ExtensionNoticeIn
) -> selectors.ComplaintDetail:
    """The written notice of an extension was sent; its clock is met. Audits one update."""
    services.complaint_extension_notice_send(
        actor=actor, complaint=complaint, **payload.model_dump()
    )
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/pause",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Pause the resolution clock with a reason (where the rule allows)",
    operation_id="complaint_pause",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_pause(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: PauseIn
) -> selectors.ComplaintDetail:
    """Only program-policy clocks pause (422 otherwise); paused time does not count. Audits one
    update."""
    services.complaint_pause(actor=actor, complaint=complaint, **payload.model_dump())
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/resume",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Resume the paused resolution clock",
    operation_id="complaint_resume",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_resume(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: VersionIn
) -> selectors.ComplaintDetail:
    """The paused time does not count toward the limit. Audits one update."""
    services.complaint_resume(actor=actor, complaint=complaint, version=payload.version)
    return _detail(complaint)


@router.post(
    "/complaints/{complaint_id}/resolve",
    response=responses({200: ComplaintDetailOut}, write=True),
    summary="Resolve the complaint",
    operation_id="complaint_resolve",
)
@guard(Permission.COMPLAINT_MANAGE, access_complaint)
def complaint_resolve(
    request: HttpRequest, actor: Actor, complaint: Complaint, payload: ComplaintResolveIn
) -> selectors.ComplaintDetail:
    """Outcome and resolution; a care-options disagreement only by its named reviewer (409
    otherwise). Audits one update."""
    services.complaint_resolve(actor=actor, complaint=complaint, **payload.model_dump())
    return _detail(complaint)


class LetterQuery(Schema):
    language: str = ""


@router.get(
    "/complaints/{complaint_id}/letter.pdf",
    response=responses({}),
    summary="The resolution letter as PDF (English or Spanish)",
    operation_id="complaint_letter",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string"}}},
            }
        }
    },
)
@guard(Permission.CONSUMER_READ, access_complaint)
def complaint_letter(
    request: HttpRequest, actor: Actor, complaint: Complaint, query: Query[LetterQuery]
) -> HttpResponse:
    """In the consumer's language unless `language` says otherwise. Audits one print."""
    letter = letters.resolution_letter(complaint, language=query.language)
    services.complaint_letter_printed(actor=actor, complaint=complaint, language=letter.language)
    response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="complaint-{complaint.pk}-letter.pdf"'
    return response
