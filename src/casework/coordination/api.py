"""Work items, communications and notes on a case (F1, F3).

Lists need consumer.read over the case's consumer; work-item changes need case.manage;
communications and notes need record.note. Clinical records need active consent (409
otherwise). Each request writes exactly one audit event."""

from django.http import HttpRequest
from ninja import Router, Status

from casework.cases.models import Case
from casework.coordination import selectors, services
from casework.coordination.models import CareTeamMember, Communication, Note, WorkItem
from casework.coordination.schemas import (
    CareTeamMemberIn,
    CareTeamMemberOut,
    CareTeamPage,
    CommunicationIn,
    CommunicationOut,
    CommunicationPage,
    NoteIn,
    NoteOut,
    NotePage,
    WorkItemCancelIn,
    WorkItemCompleteIn,
    WorkItemIn,
    WorkItemOut,
    WorkItemPage,
    WorkItemPatch,
)
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_case, access_work_item
from casework.web.api import responses, staff_member
from casework.web.guard import guard
from casework.web.lists import case_record_list

router = Router(tags=["coordination"])

case_record_list(
    router,
    "/cases/{case_id}/work-items",
    page_schema=WorkItemPage,
    rows=lambda case: selectors.work_item_list_for_case(case_id=case.pk),
    object_type="work_item",
    summary="List a case's work items",
    operation_id="work_item_list",
    description="Open items first, then by due time. Audits one list.",
)


@router.post(
    "/cases/{case_id}/work-items",
    response=responses({201: WorkItemOut}, write=True),
    summary="Create a work item",
    operation_id="work_item_create",
)
@guard(Permission.CASE_MANAGE, access_case)
def work_item_create(
    request: HttpRequest, actor: Actor, case: Case, payload: WorkItemIn
) -> Status[WorkItem]:
    """A work item with an owner and a due time; its deadline and reminder are tracked.
    Audits one create."""
    owner = staff_member(actor, payload.owner, "owner")
    data = payload.model_dump(exclude={"owner"})
    return Status(201, services.work_item_create(actor=actor, case=case, owner=owner, **data))


@router.patch(
    "/work-items/{work_item_id}",
    response=responses({200: WorkItemOut}, write=True),
    summary="Change an open work item",
    operation_id="work_item_update",
)
@guard(Permission.CASE_MANAGE, access_work_item)
def work_item_update(
    request: HttpRequest, actor: Actor, item: WorkItem, payload: WorkItemPatch
) -> WorkItem:
    """Title, description, due time or owner of an open item; a stale `version` is 409.
    Audits one update."""
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = sorted(name for name, value in fields.items() if value is None)
    if nulls:
        raise ValidationFailed({name: ["may not be null"] for name in nulls})
    owner = staff_member(actor, fields.pop("owner"), "owner") if "owner" in fields else None
    return services.work_item_update(
        actor=actor, item=item, version=payload.version, owner=owner, **fields
    )


@router.post(
    "/work-items/{work_item_id}/complete",
    response=responses({200: WorkItemOut}, write=True),
    summary="Complete a work item",
    operation_id="work_item_complete",
)
@guard(Permission.CASE_MANAGE, access_work_item)
def work_item_complete(
    request: HttpRequest, actor: Actor, item: WorkItem, payload: WorkItemCompleteIn
) -> WorkItem:
    """Mark an open item completed, with its outcome. Audits one update."""
    return services.work_item_complete(
        actor=actor, item=item, version=payload.version, outcome=payload.outcome
    )


@router.post(
    "/work-items/{work_item_id}/cancel",
    response=responses({200: WorkItemOut}, write=True),
    summary="Cancel a work item",
    operation_id="work_item_cancel",
)
@guard(Permission.CASE_MANAGE, access_work_item)
def work_item_cancel(
    request: HttpRequest, actor: Actor, item: WorkItem, payload: WorkItemCancelIn
) -> WorkItem:
    """Cancel an open item with a reason. Audits one update."""
    return services.work_item_cancel(
        actor=actor, item=item, version=payload.version, reason=payload.reason
    )


case_record_list(
    router,
    "/cases/{case_id}/communications",
    page_schema=CommunicationPage,
    rows=lambda case: selectors.communication_list_for_case(case_id=case.pk),
    object_type="communication",
    summary="List a case's communications",
    operation_id="communication_list",
    description="Newest first. Audits one list.",
)


@router.post(
    "/cases/{case_id}/communications",
    response=responses({201: CommunicationOut}, write=True),
    summary="Log a communication",
    operation_id="communication_create",
)
@guard(Permission.RECORD_NOTE, access_case)
def communication_create(
    request: HttpRequest, actor: Actor, case: Case, payload: CommunicationIn
) -> Status[Communication]:
    """Channel, direction, parties and summary (F3). Audits one create."""
    return Status(
        201, services.communication_create(actor=actor, case=case, **payload.model_dump())
    )


case_record_list(
    router,
    "/cases/{case_id}/notes",
    page_schema=NotePage,
    rows_seen_by=lambda case, actor: selectors.note_list_for_case(case_id=case.pk, actor=actor),
    object_type="note",
    summary="List a case's notes",
    operation_id="note_list",
    description=(
        "Newest first; an amendment names the note it corrects. A substance-use-disorder "
        "record (42 CFR Part 2, `part2`) is listed only to its author and to the roles "
        "the consumer's Part 2 consent names, never under break-glass, with its security "
        "labels, the redisclosure notice and the consent's scope. Audits one list."
    ),
)


@router.post(
    "/cases/{case_id}/notes",
    response=responses({201: NoteOut}, write=True),
    summary="Write and sign a note, or amend one",
    operation_id="note_create",
)
@guard(Permission.RECORD_NOTE, access_case)
def note_create(request: HttpRequest, actor: Actor, case: Case, payload: NoteIn) -> Status[Note]:
    """Notes are signed when written and never edited: a correction is a new note with
    `amends` set to the earlier note. Audits one create."""
    amends = None
    if payload.amends is not None:
        amends = selectors.note_of_case(case_id=case.pk, note_id=payload.amends, actor=actor)
        if amends is None:
            raise ValidationFailed.single("amends", "no such note on this case")
    return Status(
        201,
        services.note_create(
            actor=actor,
            case=case,
            kind=payload.kind,
            text=payload.text,
            amends=amends,
            part2=payload.part2,
            amendment_reason=payload.amendment_reason,
        ),
    )


case_record_list(
    router,
    "/cases/{case_id}/care-team",
    page_schema=CareTeamPage,
    rows=lambda case: selectors.care_team_for_consumer(consumer_id=case.consumer_id),
    object_type="care_team_member",
    summary="List the consumer's care team",
    operation_id="care_team_list",
    description="Current members by name (F2). Audits one list.",
)


@router.post(
    "/cases/{case_id}/care-team",
    response=responses({201: CareTeamMemberOut}, write=True),
    summary="Add a member to the consumer's care team",
    operation_id="care_team_member_add",
)
@guard(Permission.CARE_PLAN, access_case)
def care_team_member_add(
    request: HttpRequest, actor: Actor, case: Case, payload: CareTeamMemberIn
) -> Status[CareTeamMember]:
    """Staff (grants access), an outside provider or a caregiver, with role and contact
    details (F2). Needs active consent. Audits one create."""
    user = staff_member(actor, payload.user, "user") if payload.user is not None else None
    data = payload.model_dump(exclude={"user", "kind"})
    kind = payload.kind or ""
    return Status(
        201, services.care_team_member_add(actor=actor, case=case, user=user, kind=kind, **data)
    )
