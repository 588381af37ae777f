"""Resource directory pages (F5): search, and one service.

Any signed-in person may search the directory: it is a published catalogue of community
services with no consumer data, so no audit event is written (as for instruments).
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.resources import selectors
from casework.resources.forms import ResourceSearchForm

PAGE_SIZE = 50


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = ResourceSearchForm(request.GET or None)
    results, count, searched = [], 0, False
    if form.is_bound and form.is_valid():
        searched = True
        found = selectors.service_search(selectors.Search(**form.filters()))
        count = found.count()
        results = list(found[:PAGE_SIZE])
    return render(
        request,
        "resources/search.html",
        {
            "form": form,
            "results": results,
            "count": count,
            "searched": searched,
            "page_size": PAGE_SIZE,
            "refer_for": form.cleaned_data.get("consumer") if searched else None,
            "nav": "resources",
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_GET
def service_detail(request: HttpRequest, service_id: UUID) -> HttpResponse:
    service = selectors.service_by_id(str(service_id))
    if service is None:
        raise Http404
    return render(request, "resources/service.html", {"service": service, "nav": "resources"})
