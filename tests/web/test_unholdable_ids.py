"""An id no database column can hold (10**30 typed into a URL) is a record that does not
exist, on every route: 404 and one denial on a page or the API, never a 500 (SQLite cannot
bind such an integer at all; the prepared loads of `casework.core.prepared` refuse to send
it, as the ORM's lookups do). Found by the API fuzzer on POST /cases/{id}/care-team."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, reverse

from casework.core.models import AuditEvent, AuditOutcome
from casework.core.prepared import PreparedQuery
from casework.core.tokens import _VERIFY
from tests import factories
from tests.api_helpers import api_routes, call, events_since, last_event_id, token_client
from tests.conftest import World
from tests.routes import page_routes

pytestmark = pytest.mark.django_db

HUGE = 10**30
LARGEST = 2**63 - 1


def test_a_prepared_query_finds_nothing_for_an_integer_no_column_holds(world: World) -> None:
    from casework.cases.models import Case

    case = factories.referred_case(world.cm)
    by_id = PreparedQuery(lambda pk: Case.objects.filter(pk=pk).values_list("id"), pk=1)

    assert by_id.rows(pk=case.pk) == [(case.pk,)]
    assert by_id.rows(pk=HUGE) == []
    assert by_id.rows(pk=-HUGE) == []
    assert by_id.rows(pk=LARGEST) == []  # the largest that binds: no such row, no error
    assert by_id.rows(pk=LARGEST + 1) == []
    assert _VERIFY.rows(key="f" * 64) == []


def _record_pages() -> list[URLPattern]:
    return [
        p
        for p in page_routes()
        if isinstance(p, URLPattern)
        and any(c.__class__.__name__ == "IntConverter" for c in p.pattern.converters.values())  # type: ignore[attr-defined]
    ]


PAGES = _record_pages()


def test_the_pages_with_an_id_are_found() -> None:
    assert len(PAGES) >= 40
    assert {"case_detail", "work_item_complete"} <= {p.name for p in PAGES}


@pytest.mark.parametrize("pattern", PAGES, ids=lambda p: p.name)
def test_a_page_for_an_unholdable_id_is_404_with_one_denial(
    world: World, pattern: URLPattern
) -> None:
    converters = pattern.pattern.converters  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {
        name: HUGE if c.__class__.__name__ == "IntConverter" else "x"
        for name, c in converters.items()
    }
    url = reverse(pattern.name, kwargs=kwargs)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()
    response = client.get(url)

    assert response.status_code in (404, 405), (url, response.status_code)
    if response.status_code == 404:
        denied = events_since(since)
        assert [e.outcome for e in denied] == [AuditOutcome.DENIED]
        assert denied[0].consumer_id is None


GET_ROUTES = sorted(path for method, path in api_routes() if method == "GET" and "{" in path)


def test_the_api_routes_with_an_id_are_found() -> None:
    assert len(GET_ROUTES) >= 40
    assert "/api/v1/cases/{case_id}" in GET_ROUTES


@pytest.mark.parametrize("template", GET_ROUTES)
def test_an_api_read_for_an_unholdable_id_is_404_or_refused_never_500(
    world: World, template: str
) -> None:
    path = re.sub(r"\{[^}]+\}", str(HUGE), template)
    response = call(token_client(world.cm), "GET", path)

    # 404 where the id names a record; 422 where a route bounds the value itself; 403 for
    # a route the case manager's role may not use at all.
    assert response.status_code in (403, 404, 422), (path, response.status_code)


def test_the_fuzzers_request_is_404_and_changes_nothing(world: World) -> None:
    client = token_client(world.cm)
    since = last_event_id()
    before = AuditEvent.objects.count()
    response = call(
        client,
        "POST",
        f"/api/v1/cases/{HUGE}/care-team",
        {"role": "case_manager", "name": "Case Manager 3396", "phone": ""},
    )

    assert response.status_code == 404
    denied = events_since(since)
    assert [(e.outcome, e.object_type) for e in denied] == [(AuditOutcome.DENIED, "case")]
    assert AuditEvent.objects.count() == before + 1
    assert connection.vendor in ("sqlite", "postgresql")
