"""Local time (issue 13, item 8): times are shown and typed in the program's time zone and
stored in UTC; "today" is the program's local day; the API stays in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from casework.coordination.models import WorkItem
from casework.core import clock
from casework.core.dates import Span, date_problem
from casework.web.local_time import SESSION_KEY, TimeZoneMiddleware, program_time
from casework.web.templatetags.casework_ui import when
from tests import factories
from tests.api_helpers import call, session_client
from tests.conftest import World

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # 12:00 in Chicago (CST, UTC-6)


def _chicago(world: World) -> None:
    world.program.time_zone = "America/Chicago"
    world.program.save(update_fields=["time_zone"])


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _create(client: Client, case_id: int, owner_id: int, due: str) -> HttpResponse:
    return client.post(  # type: ignore[return-value]
        f"/cases/{case_id}/work-items/new/",
        {"title": "Call back", "kind": "service", "owner": owner_id, "due_at": due},
    )


# --- without a database ------------------------------------------------------------------


def test_today_at_half_past_eleven_at_night_is_still_today_locally() -> None:
    late = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)  # 3 December, 23:30 in Chicago
    with time_machine.travel(late, tick=False), timezone.override(CHICAGO):
        assert clock.today() == date(2026, 12, 3)
    with time_machine.travel(late, tick=False):
        assert clock.today() == date(2026, 12, 4)  # UTC without a program


def test_tomorrows_birth_date_is_refused_on_the_local_day() -> None:
    late = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)  # 3 December, 23:30 in Chicago
    with timezone.override(CHICAGO):
        assert date_problem(date(2026, 12, 4), Span.BIRTH, late) == (
            "A birth date cannot be in the future."
        )
        assert date_problem(date(2026, 12, 3), Span.BIRTH, late) is None


def test_the_when_filter_shows_local_time_and_its_zone() -> None:
    stored = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    with timezone.override(CHICAGO):
        assert when(stored) == "15 Jan 2027, 09:00 CST"
        assert when(datetime(2027, 7, 15, 14, 0, tzinfo=UTC)) == "15 Jul 2027, 09:00 CDT"
    assert when(stored) == "15 Jan 2027, 15:00 UTC"


# --- the middleware ----------------------------------------------------------------------


def _seen(path: str, session: dict[str, str]) -> tuple[str, date]:
    request = RequestFactory().get(path)
    request.session = session  # type: ignore[assignment]
    seen: dict[str, object] = {}

    def view(_: HttpRequest) -> HttpResponse:
        seen["zone"] = timezone.get_current_timezone_name()
        seen["today"] = clock.today()
        return HttpResponse()

    with time_machine.travel(datetime(2026, 12, 4, 5, 30, tzinfo=UTC), tick=False):
        TimeZoneMiddleware(view)(request)
    return str(seen["zone"]), seen["today"]  # type: ignore[return-value]


def test_the_middleware_activates_the_sessions_zone_for_a_page() -> None:
    assert _seen("/worklist/", {SESSION_KEY: "America/Chicago"}) == (
        "America/Chicago",
        date(2026, 12, 3),
    )
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the response


def test_the_api_stays_in_utc() -> None:
    assert _seen("/api/v1/cases", {SESSION_KEY: "America/Chicago"}) == ("UTC", date(2026, 12, 4))


def test_an_unknown_zone_name_falls_back_to_utc() -> None:
    assert _seen("/worklist/", {SESSION_KEY: "Mars/Olympus"}) == ("UTC", date(2026, 12, 4))


# --- pages: typed as local time, stored in UTC, shown back as typed ----------------------


def test_sign_in_keeps_the_programs_zone_in_the_session(world: World) -> None:
    _chicago(world)
    client = _client(world.cm)
    assert client.session[SESSION_KEY] == "America/Chicago"


def test_nine_in_the_morning_in_winter_is_stored_as_fifteen_utc_and_shown_as_nine(
    world: World,
) -> None:
    _chicago(world)
    case = factories.active_case(world.cm)
    client = _client(world.cm)

    with time_machine.travel(NOW, tick=False):
        response = _create(client, case.pk, world.cm.pk, "2027-01-15T09:00")
        item = WorkItem.objects.get(case=case, title="Call back")
        edit = client.get(f"/work-items/{item.pk}/edit/")
        page = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 302
    assert item.due_at == datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
    assert 'value="2027-01-15T09:00"' in edit.content.decode()
    assert "15 Jan 2027, 09:00 CST" in page.content.decode()


def test_nine_in_the_morning_in_summer_is_stored_as_fourteen_utc(world: World) -> None:
    _chicago(world)
    case = factories.active_case(world.cm)

    with time_machine.travel(NOW, tick=False):
        _create(_client(world.cm), case.pk, world.cm.pk, "2027-07-15T09:00")

    item = WorkItem.objects.get(case=case, title="Call back")
    assert item.due_at == datetime(2027, 7, 15, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "due",
    [
        "2027-03-14T02:30",  # skipped: clocks go from 02:00 to 03:00
        "2027-11-07T01:30",  # repeated: clocks go back from 02:00 to 01:00
    ],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused(world: World, due: str) -> None:
    _chicago(world)
    case = factories.active_case(world.cm)
    before = WorkItem.objects.count()

    with time_machine.travel(NOW, tick=False):
        page = _create(_client(world.cm), case.pk, world.cm.pk, due)

    assert page.status_code == 200
    assert page.context["form"].errors["due_at"] == [
        f"{due.replace('T', ' ')}:00 couldn\N{RIGHT SINGLE QUOTATION MARK}t be interpreted "
        "in time zone America/Chicago; "
        "it may be ambiguous or it may not exist."
    ]
    assert WorkItem.objects.count() == before


def test_the_hour_after_the_spring_change_is_stored_in_daylight_time(world: World) -> None:
    _chicago(world)
    case = factories.active_case(world.cm)

    with time_machine.travel(NOW, tick=False):
        _create(_client(world.cm), case.pk, world.cm.pk, "2027-03-14T03:00")

    item = WorkItem.objects.get(case=case, title="Call back")
    assert item.due_at == datetime(2027, 3, 14, 8, 0, tzinfo=UTC)


def test_the_api_answers_in_utc_whatever_the_programs_zone(world: World) -> None:
    _chicago(world)
    case = factories.active_case(world.cm)
    client = session_client(world.cm)
    with time_machine.travel(NOW, tick=False):
        response = call(
            client,
            "POST",
            f"/api/v1/cases/{case.pk}/work-items",
            {
                "title": "Call",
                "kind": "service",
                "owner": world.cm.pk,
                "due_at": "2027-01-15T15:00:00Z",
            },
        )
    assert response.status_code == 201
    assert response.json()["due_at"] in ("2027-01-15T15:00:00Z", "2027-01-15T15:00:00+00:00")


def test_a_document_rendered_outside_a_request_uses_the_programs_zone(world: World) -> None:
    _chicago(world)
    with program_time(world.program.pk):
        assert timezone.get_current_timezone_name() == "America/Chicago"
    assert timezone.get_current_timezone_name() == "UTC"
