"""Resource directory API (F5): search the HSDS services and read one.

The directory holds no consumer data (it is a published catalogue of community
services), so, like the instrument list, any signed-in user may search it and no audit
event is written. Bad filters are 422 naming the query field.
"""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from casework.resources import selectors
from casework.resources.models import Service
from casework.resources.schemas import ServiceDetailOut, ServiceFilters, ServicePage
from casework.web.api import LIST_THROTTLE, PageParams, paginate, responses

router = Router(tags=["resources"])


@router.get(
    "/resources/services",
    response=responses({200: ServicePage}, listing=True),
    throttle=LIST_THROTTLE,
    summary="Search the resource directory",
    operation_id="resource_service_search",
    description=(
        "Filters combine with AND (as HSDS's /services does). No consumer data; no audit event."
    ),
)
def service_search(
    request: HttpRequest, filters: Query[ServiceFilters], page: Query[PageParams]
) -> dict[str, Any]:
    search = selectors.Search(**filters.dict())
    count, items = paginate(selectors.service_search(search), page)
    return {"count": count, "items": items}


@router.get(
    "/resources/services/{service_id}",
    response=responses({200: ServiceDetailOut}),
    summary="One service of the resource directory",
    operation_id="resource_service_get",
    description="The service with its languages, needs met and service areas. No audit event.",
)
def service_get(request: HttpRequest, service_id: UUID) -> Service:
    service = selectors.service_by_id(str(service_id))
    if service is None:
        raise HttpError(404, "Not Found")
    return service
