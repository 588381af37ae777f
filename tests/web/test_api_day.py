"""The API's day is the caller's program's, as on a page (casework.web.local_time): a date
a person there calls today is accepted and tomorrow's refused, whatever the UTC date is,
for a bearer token and for the browser's session alike. What the API returns stays UTC."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.consumers.models import AdvanceDirective
from casework.core.models import Program
from casework.staff.models import User
from tests import factories
from tests.api_helpers import call, first_error, refused, session_client, token_client
from tests.conftest import World

# 03:30 UTC on 4 December is 22:30 on 3 December in New York (the default zone) and
# 16:30 on 4 December in Auckland (UTC+13 in December).
EVENING_IN_NEW_YORK = datetime(2026, 12, 4, 3, 30, tzinfo=UTC)
# 12:30 UTC on 4 December is 01:30 on 5 December in Auckland.
NIGHT_IN_AUCKLAND = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)

CLIENTS: dict[str, Callable[[User], Client]] = {
    "token": token_client,
    "session": session_client,
}


def _directives(consumer_id: int) -> list[tuple[str, str]]:
    return [
        (d.kind, d.document_date.isoformat() if d.document_date else "")
        for d in AdvanceDirective.objects.filter(consumer_id=consumer_id).order_by("pk")
    ]


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_tomorrow_in_new_york_is_refused_though_it_is_today_in_utc(world: World, kind: str) -> None:
    case = factories.referred_case(world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}/advance-directives"
    with time_machine.travel(EVENING_IN_NEW_YORK, tick=False):
        client = CLIENTS[kind](world.cm)
        tomorrow = refused(client, "POST", path, {"kind": "dnr", "document_date": "2026-12-04"})
        today = call(client, "POST", path, {"kind": "dnr", "document_date": "2026-12-03"})

    assert tomorrow.status_code == 422
    assert first_error(tomorrow) == (["body", "document_date"], "This cannot be in the future.")
    assert today.status_code == 201, today.content
    assert _directives(case.consumer_id) == [("dnr", "2026-12-03")]


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_today_in_auckland_is_accepted_though_it_is_tomorrow_in_utc(
    world: World, kind: str
) -> None:
    Program.objects.filter(pk=world.cm.program_id).update(time_zone="Pacific/Auckland")
    case = factories.referred_case(world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}/advance-directives"
    with time_machine.travel(NIGHT_IN_AUCKLAND, tick=False):
        client = CLIENTS[kind](world.cm)
        today = call(client, "POST", path, {"kind": "polst", "document_date": "2026-12-05"})
        tomorrow = refused(client, "POST", path, {"kind": "dnr", "document_date": "2026-12-06"})

    assert today.status_code == 201, today.content
    assert tomorrow.status_code == 422
    assert first_error(tomorrow) == (["body", "document_date"], "This cannot be in the future.")
    assert _directives(case.consumer_id) == [("polst", "2026-12-05")]
    # What the API returns stays UTC: the moment recorded, with a zero offset.
    recorded = datetime.fromisoformat(today.json()["recorded_at"].replace("Z", "+00:00"))
    assert recorded.utcoffset() == timedelta(0)
    assert recorded == NIGHT_IN_AUCKLAND


def test_the_zone_costs_the_token_check_no_query_and_ends_with_the_request(
    world: World,
) -> None:
    case = factories.referred_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}"
    call(client, "GET", path)  # the token's last use is written once a minute at most
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "GET", path)

    assert response.status_code == 200
    token_checks = [q["sql"] for q in queries.captured_queries if "apitoken" in q["sql"].lower()]
    assert len(token_checks) == 1
    assert "time_zone" in token_checks[0]
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_user_without_a_program_stays_in_utc(world: World) -> None:
    from casework.core.tokens import token_issue, token_verify

    user = User.objects.create_user(username="no-program", password=None, role=world.cm.role)
    _, raw = token_issue(user=user, name="test")
    verified = token_verify(raw)

    assert verified is not None
    assert verified.loaded_time_zone == ""
