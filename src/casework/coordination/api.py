"""Work items, communications and notes on a case (F1, F3).

Lists need consumer.read over the case's consumer; work-item changes need case.manage;
communications and notes need record.note. Clinical records need active consent (409
otherwise). Each request writes exactly one audit event."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from casework.cases.access import access_case, access_work_item
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
from casework.core.api import (
    LIST_THROTTLE,
    PageParams,
    actor_of,
    listed_page,
    require,
    responses,
    staff_member,
)
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission

router = Router(tags=["coordination"])


@router.get(
    "/cases/{case_id}/work-items",
    response=responses({200: WorkItemPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List a case's work items",
    operation_id="work_item_list",
)
def work_item_list(request: HttpRequest, case_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Open items first, then by due time. Audits one list."""
    actor = actor_of(request)
    require(actor, Permission.CONSUMER_READ, "case", case_id)
    case = access_case(actor, case_id, log_read=False)
    return listed_page(
        actor,
        selectors.work_item_list_for_case(case_id=case.pk),
        page,
        object_type="work_item",
        consumer_id=case.consumer_id,
        parent=case.pk,
    )


@router.post(
    "/cases/{case_id}/work-items",
    response=responses({201: WorkItemOut}, write=True),
    summary="Create a work item",
    operation_id="work_item_create",
)
def work_item_create(request: HttpRequest, case_id: int, payload: WorkItemIn) -> Status[WorkItem]:
    """A work item with an owner and a due time; its deadline and reminder are tracked.
    Audits one create."""
    actor = actor_of(request)
    require(actor, Permission.CASE_MANAGE, "case", case_id)
    case = access_case(actor, case_id, permission=Permission.CASE_MANAGE, log_read=False)
    owner = staff_member(actor, payload.owner, "owner")
    data = payload.model_dump(exclude={"owner"})
    return Status(201, services.work_item_create(actor=actor, case=case, owner=owner, **data))


@router.patch(
    "/work-items/{work_item_id}",
    response=responses({200: WorkItemOut}, write=True),
    summary="Change an open work item",
    operation_id="work_item_update",
)
def work_item_update(request: HttpRequest, work_item_id: int, payload: WorkItemPatch) -> WorkItem:
    """Title, description, due time or owner of an open item; a stale `version` is 409.
    Audits one update."""
    actor = actor_of(request)
    require(actor, Permission.CASE_MANAGE, "work_item", work_item_id)
    item = access_work_item(actor, work_item_id)
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
def work_item_complete(
    request: HttpRequest, work_item_id: int, payload: WorkItemCompleteIn
) -> WorkItem:
    """Mark an open item completed, with its outcome. Audits one update."""
    actor = actor_of(request)
    require(actor, Permission.CASE_MANAGE, "work_item", work_item_id)
    item = access_work_item(actor, work_item_id)
    return services.work_item_complete(
        actor=actor, item=item, version=payload.version, outcome=payload.outcome
    )


@router.post(
    "/work-items/{work_item_id}/cancel",
    response=responses({200: WorkItemOut}, write=True),
    summary="Cancel a work item",
    operation_id="work_item_cancel",
)
def work_item_cancel(
    request: HttpRequest, work_item_id: int, payload: WorkItemCancelIn
) -> WorkItem:
    """Cancel an open item with a reason. Audits one update."""
    actor = actor_of(request)
    require(actor, Permission.CASE_MANAGE, "work_item", work_item_id)
    item = access_work_item(actor, work_item_id)
    return services.work_item_cancel(
        actor=actor, item=item, version=payload.version, reason=payload.reason
    )


@router.get(
    "/cases/{case_id}/communications",
    response=responses({200: CommunicationPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List a case's communications",
    operation_id="communication_list",
)
def communication_list(
    request: HttpRequest, case_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    """Newest first. Audits one list."""
    actor = actor_of(request)
    require(actor, Permission.CONSUMER_READ, "case", case_id)
    case = access_case(actor, case_id, log_read=False)
    return listed_page(
        actor,
        selectors.communication_list_for_case(case_id=case.pk),
        page,
        object_type="communication",
        consumer_id=case.consumer_id,
        parent=case.pk,
    )


@router.post(
    "/cases/{case_id}/communications",
    response=responses({201: CommunicationOut}, write=True),
    summary="Log a communication",
    operation_id="communication_create",
)
def communication_create(
    request: HttpRequest, case_id: int, payload: CommunicationIn
) -> Status[Communication]:
    """Channel, direction, parties and summary (F3). Audits one create."""
    actor = actor_of(request)
    require(actor, Permission.RECORD_NOTE, "case", case_id)
    case = access_case(actor, case_id, permission=Permission.RECORD_NOTE, log_read=False)
    return Status(
        201, services.communication_create(actor=actor, case=case, **payload.model_dump())
    )


@router.get(
    "/cases/{case_id}/notes",
    response=responses({200: NotePage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List a case's notes",
    operation_id="note_list",
)
def note_list(request: HttpRequest, case_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Newest first; an amendment names the note it corrects. Audits one list."""
    actor = actor_of(request)
    require(actor, Permission.CONSUMER_READ, "case", case_id)
    case = access_case(actor, case_id, log_read=False)
    return listed_page(
        actor,
        selectors.note_list_for_case(case_id=case.pk),
        page,
        object_type="note",
        consumer_id=case.consumer_id,
        parent=case.pk,
    )


@router.post(
    "/cases/{case_id}/notes",
    response=responses({201: NoteOut}, write=True),
    summary="Write and sign a note, or amend one",
    operation_id="note_create",
)
def note_create(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[Note]:
    """Notes are signed when written and never edited: a correction is a new note with
    `amends` set to the earlier note. Audits one create."""
    actor = actor_of(request)
    require(actor, Permission.RECORD_NOTE, "case", case_id)
    case = access_case(actor, case_id, permission=Permission.RECORD_NOTE, log_read=False)
    amends = None
    if payload.amends is not None:
        amends = Note.objects.filter(pk=payload.amends, case_id=case.pk).first()
        if amends is None:
            raise ValidationFailed.single("amends", "no such note on this case")
    return Status(
        201,
        services.note_create(
            actor=actor, case=case, kind=payload.kind, text=payload.text, amends=amends
        ),
    )


@router.get(
    "/cases/{case_id}/care-team",
    response=responses({200: CareTeamPage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="List the consumer's care team",
    operation_id="care_team_list",
)
def care_team_list(request: HttpRequest, case_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Current members by name (F2). Audits one list."""
    actor = actor_of(request)
    require(actor, Permission.CONSUMER_READ, "case", case_id)
    case = access_case(actor, case_id, log_read=False)
    return listed_page(
        actor,
        selectors.care_team_for_consumer(consumer_id=case.consumer_id),
        page,
        object_type="care_team_member",
        consumer_id=case.consumer_id,
        parent=case.pk,
    )


@router.post(
    "/cases/{case_id}/care-team",
    response=responses({201: CareTeamMemberOut}, write=True),
    summary="Add a member to the consumer's care team",
    operation_id="care_team_member_add",
)
def care_team_member_add(
    request: HttpRequest, case_id: int, payload: CareTeamMemberIn
) -> Status[CareTeamMember]:
    """Staff (grants access), an outside provider or a caregiver, with role and contact
    details (F2). Needs active consent. Audits one create."""
    actor = actor_of(request)
    require(actor, Permission.CARE_PLAN, "case", case_id)
    case = access_case(actor, case_id, permission=Permission.CARE_PLAN, log_read=False)
    user = staff_member(actor, payload.user, "user") if payload.user is not None else None
    data = payload.model_dump(exclude={"user", "kind"})
    kind = payload.kind or ""
    return Status(
        201, services.care_team_member_add(actor=actor, case=case, user=user, kind=kind, **data)
    )
