"""Consumers, support persons and advance directives (C4, C5).

Reads need consumer.read over the consumer; writes need case.manage. Each request
writes exactly one audit event (read, list, create, update or denied)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from casework.consumers import selectors, services
from casework.consumers.models import AdvanceDirective, Consumer, ConsumerMerge, SupportPerson
from casework.consumers.schemas import (
    AdvanceDirectiveIn,
    AdvanceDirectiveOut,
    AdvanceDirectivePage,
    AdvanceDirectivePatch,
    ConsumerMergeIn,
    ConsumerMergeOut,
    ConsumerMergeUndoIn,
    ConsumerOut,
    ConsumerPatch,
    RemovalIn,
    SupportPersonIn,
    SupportPersonOut,
    SupportPersonPage,
    SupportPersonPatch,
)
from casework.consumers.views import merge_blockers
from casework.core.actor import Actor
from casework.core.errors import ValidationFailed
from casework.core.policy import Permission
from casework.web.access import access_consumer, reaches_consumer
from casework.web.api import child_step, responses, service_step, version_step
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


def _patch_fields(payload: SupportPersonPatch | AdvanceDirectivePatch) -> dict[str, object]:
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    nullable = {"document_date"}
    nulls = sorted(n for n, v in fields.items() if v is None and n not in nullable)
    if nulls:
        raise ValidationFailed({name: ["may not be null"] for name in nulls})
    return fields


def _kept_record_routes(
    records: str,
    child_param: str,
    child_of: Callable[..., Any],
    record_param: str,
    services_of: tuple[Callable[..., Any], Callable[..., Any]],
    schemas: tuple[type[Schema], type[Schema]],
    summaries: tuple[str, str],
    descriptions: tuple[str, str],
) -> None:
    """A consumer's record kept when changed or removed (support persons, advance
    directives): `PATCH <records>/{<child_param>}` changes the fields sent (the earlier
    version is kept, a stale `version` is 409, one update event) and `POST …/remove` keeps
    it with the reason, no longer listed (one delete event)."""
    path = f"/consumers/{{consumer_id}}/{records}/{{{child_param}}}"
    update, remove = services_of
    patch, out = schemas
    operation_prefix = records.removesuffix("s").replace("-", "_")

    def update_step(actor: Actor, record: Any, version: int, payload: Any) -> object:
        fields = _patch_fields(payload)
        return update(actor=actor, **{record_param: record}, version=version, **fields)

    def remove_step(actor: Actor, record: Any, version: int, payload: Any) -> object:
        return service_step(remove, actor, record_param)(
            record, version, payload.model_dump(exclude={"version"})
        )

    for operation, verb, suffix, body, step, summary, description in (
        (router.patch, "update", "", patch, update_step, summaries[0], descriptions[0]),
        (router.post, "remove", "/remove", RemovalIn, remove_step, summaries[1], descriptions[1]),
    ):
        child_step(
            operation,
            path + suffix,
            permission=Permission.CASE_MANAGE,
            load=access_consumer,
            child_param=child_param,
            child_of=lambda consumer, child_id: child_of(
                consumer_id=consumer.pk, **{child_param: child_id}
            ),
            body=body,
            step=step,
            response=out,
            summary=summary,
            operation_id=f"{operation_prefix}_{verb}",
            description=description,
        )


_kept_record_routes(
    "support-persons",
    "support_person_id",
    selectors.support_person_of,
    "person",
    (services.support_person_update, services.support_person_remove),
    (SupportPersonPatch, SupportPersonOut),
    ("Change a support person", "Remove a support person"),
    (
        "Change the fields sent; the earlier version is kept. A stale `version` is 409, a\n"
        "second legal decision maker 422. Audits one update.",
        "The person is kept with the reason and no longer listed or offered as a surrogate.\n"
        "Audits one delete.",
    ),
)
_kept_record_routes(
    "advance-directives",
    "directive_id",
    selectors.advance_directive_of,
    "directive",
    (services.advance_directive_update, services.advance_directive_remove),
    (AdvanceDirectivePatch, AdvanceDirectiveOut),
    ("Change an advance directive", "Remove an advance directive"),
    (
        "Change the fields sent; the earlier version is kept. A stale `version` is 409.\n"
        "Audits one update.",
        "The directive is kept with the reason and no longer shown. Audits one delete.",
    ),
)


@router.post(
    "/consumers/{consumer_id}/merges",
    response=responses({201: ConsumerMergeOut}, write=True),
    summary="Merge a duplicate record into this consumer's",
    operation_id="consumer_merge",
)
@guard(Permission.CASE_REASSIGN, access_consumer, log_read=False)
def consumer_merge(
    request: HttpRequest, actor: Actor, consumer: Consumer, payload: ConsumerMergeIn
) -> Status[ConsumerMerge]:
    """Supervisors: every record of `duplicate_id` (cases, referrals, contacts, consents,
    support system...) moves to this consumer, and the duplicate is marked merged. What
    moved is kept, so the merge can be undone. Refused (409, nothing changed) under a
    legal hold on either record or with an open case on both; a duplicate out of reach
    is 404. Audits one update."""
    duplicate = access_consumer(
        actor, payload.duplicate_id, permission=Permission.CASE_REASSIGN, log_read=False
    )
    merge = services.consumer_merge(
        actor=actor,
        survivor=consumer,
        duplicate=duplicate,
        reason=payload.reason,
        blockers=merge_blockers,
    )
    return Status(201, merge)


@router.post(
    "/consumers/{consumer_id}/merges/{merge_id}/undo",
    response=responses({200: ConsumerMergeOut}, write=True),
    summary="Undo a merge into this consumer's record",
    operation_id="consumer_merge_undo",
)
@guard(Permission.CASE_REASSIGN, access_consumer, log_read=False)
def consumer_merge_undo(
    request: HttpRequest,
    actor: Actor,
    consumer: Consumer,
    merge_id: int,
    payload: ConsumerMergeUndoIn,
) -> ConsumerMerge:
    """The rows the merge moved go back to the duplicate record, which is found again.
    A stale `version` or a merge undone already is 409. Audits one update."""
    return version_step(
        selectors.consumer_merge_of(consumer_id=consumer.pk, merge_id=merge_id),
        payload,
        service_step(services.consumer_merge_undo, actor, "merge"),
    )
