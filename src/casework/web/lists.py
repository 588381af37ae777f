"""The "list a case's records" endpoint, written once: guarded by consumer.read over the
case, one page of the selector's rows, audited as one `list` event naming the case."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.web.access import access_case
from casework.web.api import LIST_THROTTLE, PageParams, listed_page, responses
from casework.web.guard import guard


def case_record_list(
    router: Router,
    path: str,
    *,
    page_schema: type[Schema],
    rows: Callable[[Case], QuerySet[Any]],
    object_type: str,
    summary: str,
    operation_id: str,
    description: str,
) -> None:
    """Add `GET path` (which names `{case_id}`) to `router`: `rows(case)`, paginated."""

    @router.get(
        path,
        response=responses({200: page_schema}, listing=True),
        throttle=LIST_THROTTLE,
        summary=summary,
        description=description,
        operation_id=operation_id,
    )
    @guard(Permission.CONSUMER_READ, access_case)
    def record_list(
        request: HttpRequest, actor: Actor, case: Case, page: Query[PageParams]
    ) -> dict[str, Any]:
        return listed_page(
            actor,
            rows(case),
            page,
            object_type=object_type,
            consumer_id=case.consumer_id,
            parent=case.pk,
        )

    record_list.__name__ = operation_id
