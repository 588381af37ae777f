"""Consumers, support persons and advance directives (C4, C5).

Reads need consumer.read over the consumer; writes need case.manage. Each request
writes exactly one audit event (read, list, create, update or denied)."""

from django.http import HttpRequest
from ninja import Router, Status

from casework.consumers import selectors, services
from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.consumers.schemas import (
    AdvanceDirectiveIn,
    AdvanceDirectiveOut,
    AdvanceDirectivePage,
    ConsumerOut,
    ConsumerPatch,
    SupportPersonIn,
    SupportPersonOut,
    SupportPersonPage,
)
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_consumer, reaches_consumer
from casework.web.api import (
    responses,
)
from casework.web.guard import guard
from casework.web.lists import consumer_record_list

router = Router(tags=["consumers"])


@router.get(
    "/consumers/{consumer_id}",
    response=responses({200: ConsumerOut}),
    summary="Get a consumer",
    operation_id="consumer_get",
)
@guard(Permission.CONSUMER_READ, access_consumer, log_read=True)
def consumer_get(request: HttpRequest, actor: Actor, consumer: Consumer) -> Consumer:
    """Demographics, language, interpreter need and decision-making. Audits one read."""
    return consumer


@router.patch(
    "/consumers/{consumer_id}",
    response=responses({200: ConsumerOut}, write=True),
    summary="Update a consumer's details",
    operation_id="consumer_update",
)
@guard(Permission.CASE_MANAGE, access_consumer, log_read=False)
def consumer_update(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: ConsumerPatch
) -> Consumer:
    """Change the fields sent; a stale `version` is 409. Audits one update."""
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    nulls = sorted(name for name, value in fields.items() if value is None)
    if nulls:
        raise ValidationFailed({name: ["may not be null"] for name in nulls})
    if not fields:
        raise ValidationFailed.single("__all__", "nothing to change")
    return services.consumer_update(
        actor=actor,
        consumer=consumer,
        version=payload.version,
        reaches=reaches_consumer(actor),
        **fields,
    )


consumer_record_list(
    router,
    "/consumers/{consumer_id}/support-persons",
    page_schema=SupportPersonPage,
    rows=lambda consumer: selectors.support_person_list(consumer_id=consumer.pk),
    object_type="support_person",
    summary="List a consumer's support persons",
    operation_id="support_person_list",
    description="The legal decision maker first, then by name. Audits one list.",
)


@router.post(
    "/consumers/{consumer_id}/support-persons",
    response=responses({201: SupportPersonOut}, write=True),
    summary="Add a support person",
    operation_id="support_person_create",
)
@guard(Permission.CASE_MANAGE, access_consumer, log_read=False)
def support_person_create(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: SupportPersonIn
) -> Status[SupportPerson]:
    """At most one legal decision maker per consumer; naming one marks the consumer as
    not making their own decisions. Audits one create."""
    return Status(
        201, services.support_person_create(actor=actor, consumer=consumer, **payload.model_dump())
    )


consumer_record_list(
    router,
    "/consumers/{consumer_id}/advance-directives",
    page_schema=AdvanceDirectivePage,
    rows=lambda consumer: selectors.advance_directive_list(consumer_id=consumer.pk),
    object_type="advance_directive",
    summary="List a consumer's advance directives",
    operation_id="advance_directive_list",
    description="Newest first. Audits one list.",
)


@router.post(
    "/consumers/{consumer_id}/advance-directives",
    response=responses({201: AdvanceDirectiveOut}, write=True),
    summary="Record an advance directive",
    operation_id="advance_directive_create",
)
@guard(Permission.CASE_MANAGE, access_consumer, log_read=False)
def advance_directive_create(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: AdvanceDirectiveIn
) -> Status[AdvanceDirective]:
    """Record where the document is and what it says. Audits one create."""
    return Status(
        201,
        services.advance_directive_create(actor=actor, consumer=consumer, **payload.model_dump()),
    )
