"""The "list a record's children" endpoint, written once: guarded by consumer.read over
the case, the consumer or the stay named in the path, one page of the selector's rows,
audited as one `list` event naming the parent."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from casework.cases.models import Case
from casework.consumers.models import Consumer
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.stays.models import Stay
from casework.web.access import access_case, access_consumer, access_stay
from casework.web.api import LIST_THROTTLE, PageParams, listed_page, responses
from casework.web.guard import guard


def _record_list(
    router: Router,
    path: str,
    load: Callable[..., Any],
    consumer_of: Callable[[Any], int],
    *,
    page_schema: type[Schema],
    rows: Callable[[Any, Actor], QuerySet[Any]],
    object_type: str,
    summary: str,
    operation_id: str,
    description: str,
    parent_ref: Callable[[Any], object] = lambda parent: parent.pk,
) -> None:
    @router.get(
        path,
        response=responses({200: page_schema}, listing=True),
        throttle=LIST_THROTTLE,
        summary=summary,
        description=description,
        operation_id=operation_id,
    )
    @guard(Permission.CONSUMER_READ, load)
    def record_list(
        request: HttpRequest, actor: Actor, parent: Any, page: Query[PageParams]
    ) -> dict[str, Any]:
        return listed_page(
            actor,
            rows(parent, actor),
            page,
            object_type=object_type,
            consumer_id=consumer_of(parent),
            parent=parent_ref(parent),
        )

    record_list.__name__ = operation_id


def case_record_list(
    router: Router,
    path: str,
    *,
    rows: Callable[[Case], QuerySet[Any]] | None = None,
    rows_seen_by: Callable[[Case, Actor], QuerySet[Any]] | None = None,
    **operation: Any,
) -> None:
    """Add `GET path` (which names `{case_id}`) to `router`: `rows(case)`, paginated, or
    `rows_seen_by(case, actor)` for records not every reader sees (Part 2 notes, S40).
    `operation`: page_schema, object_type, summary, operation_id, description."""
    _record_list(
        router,
        path,
        access_case,
        lambda c: c.consumer_id,
        rows=_rows(rows, rows_seen_by),
        **operation,
    )


def _rows(
    rows: Callable[[Any], QuerySet[Any]] | None,
    rows_seen_by: Callable[[Any, Actor], QuerySet[Any]] | None,
) -> Callable[[Any, Actor], QuerySet[Any]]:
    if rows_seen_by is not None:
        return rows_seen_by
    assert rows is not None, "give rows or rows_seen_by"
    return lambda parent, actor: rows(parent)


def consumer_record_list(
    router: Router, path: str, *, rows: Callable[[Consumer], QuerySet[Any]], **operation: Any
) -> None:
    """Add `GET path` (which names `{consumer_id}`) to `router`: `rows(consumer)`."""
    _record_list(router, path, access_consumer, lambda c: c.pk, rows=_rows(rows, None), **operation)


def stay_record_list(
    router: Router,
    path: str,
    *,
    rows: Callable[[Stay], QuerySet[Any]],
    parent_ref: Callable[[Stay], object] = lambda stay: stay.pk,
    **operation: Any,
) -> None:
    """Add `GET path` (which names `{stay_id}`) to `router`: `rows(stay)`, its list event
    naming `parent_ref(stay)` (the stay's id by default)."""
    _record_list(
        router,
        path,
        access_stay,
        lambda stay: stay.consumer_id,
        rows=_rows(rows, None),
        parent_ref=parent_ref,
        **operation,
    )
