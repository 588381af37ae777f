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
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.web.access import access_complaint, access_consumer, reach_q, refuse
from casework.web.api import (
    LIST_THROTTLE,
    PageParams,
    VersionIn,
    listed_page,
    record_step,
    responses,
)
from casework.web.guard import guard

router = Router(tags=["complaints"])


class ComplaintQuery(Schema):
    state: Literal["", "open", "received", "acknowledged", "resolved", "withdrawn"] = ""
    category: Category | None = None


def _detail(complaint: Complaint) -> selectors.ComplaintDetail:
    return selectors.ComplaintDetail(complaint)


def _complaint_step(path: str, **operation: Any) -> None:
    """`POST path`: one step of the complaint named in it, answered with its detail."""
    record_step(
        router,
        path,
        permission=Permission.COMPLAINT_MANAGE,
        load=access_complaint,
        record_param="complaint",
        response=ComplaintDetailOut,
        answer=_detail,
        **operation,
    )


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


_complaint_step(
    "/complaints/{complaint_id}/acknowledge",
    body=AcknowledgeIn,
    step=services.complaint_acknowledge,
    summary="Record the acknowledgement",
    operation_id="complaint_acknowledge",
    description=(
        "Record how and when receipt was acknowledged; the acknowledgement clock is met. Audits\n"
        "one update."
    ),
)


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


_complaint_step(
    "/complaints/{complaint_id}/extend",
    body=ExtendIn,
    step=services.complaint_extend,
    summary="Extend the resolution limit under its rule",
    operation_id="complaint_extend",
    description=(
        "Take the rule's extension before the limit passes; a notice clock starts when the\n"
        "consumer did not ask for it. 422 names why it is refused. Audits one update."
    ),
)


_complaint_step(
    "/complaints/{complaint_id}/extension-notice",
    body=ExtensionNoticeIn,
    step=services.complaint_extension_notice_send,
    summary="Record the written notice of an extension as sent",
    operation_id="complaint_extension_notice",
    description="The written notice of an extension was sent; its clock is met. Audits one update.",
)


_complaint_step(
    "/complaints/{complaint_id}/pause",
    body=PauseIn,
    step=services.complaint_pause,
    summary="Pause the resolution clock with a reason (where the rule allows)",
    operation_id="complaint_pause",
    description=(
        "Only program-policy clocks pause (422 otherwise); paused time does not count. Audits one\n"
        "update."
    ),
)


_complaint_step(
    "/complaints/{complaint_id}/resume",
    body=VersionIn,
    step=services.complaint_resume,
    summary="Resume the paused resolution clock",
    operation_id="complaint_resume",
    description="The paused time does not count toward the limit. Audits one update.",
)


_complaint_step(
    "/complaints/{complaint_id}/resolve",
    body=ComplaintResolveIn,
    step=services.complaint_resolve,
    summary="Resolve the complaint",
    operation_id="complaint_resolve",
    description=(
        "Outcome and resolution; a care-options disagreement only by its named reviewer (409\n"
        "otherwise). Audits one update."
    ),
)


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
    """In the consumer's language unless `language` says otherwise. Audits one print; an
    open complaint has no letter yet (404, audited as denied, as on the page)."""
    if not letters.has_letter(complaint):
        raise refuse(actor, AuditAction.PRINT, "complaint", complaint.pk)
    letter = letters.resolution_letter(complaint, language=query.language)
    services.complaint_letter_printed(actor=actor, complaint=complaint, language=letter.language)
    response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="complaint-{complaint.pk}-letter.pdf"'
    return response
