"""Post-acute authorizations (H2): a service after the stay with its unit, receiving
provider, requested start and validity, on the same clocks as a level of care, in its
own section of the stay page and counted on the census while waiting for the payer."""

from datetime import timedelta

import pytest
from django.test import Client

from casework.core import clock
from casework.core.clocks import ClockUnit, add_units
from casework.core.deadlines import program_calendar
from casework.core.models import AuditAction, Deadline
from casework.stays.payers import services
from casework.stays.payers.deadlines import PayerDeadline
from casework.stays.payers.models import StayAuthorization
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, snapshot, token_client
from tests.stays.test_payers import NEW_YORK, _one_event, _stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Client:
    return token_client(world.cm)


@pytest.fixture
def payer(world):
    return factories.payer_settings(world.program)


def _start_date() -> str:
    return (clock.now().astimezone(NEW_YORK).date() + timedelta(days=2)).isoformat()


def test_a_home_health_request_counts_visits_and_its_clock_starts_at_the_request(
    world, payer, api
) -> None:
    stay = _stay(world)
    since = last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations",
        {
            "level_of_care": "home_health",
            "requested_days": 12,
            "provider_name": "Riverside Home Health",
            "requested_start_date": _start_date(),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["post_acute"],
        body["unit"],
        body["requested_days"],
        body["provider_name"],
        body["requested_start_date"],
    ) == (True, "visits", 12, "Riverside Home Health", _start_date())
    notify = Deadline.objects.get(kind=PayerDeadline.NOTIFY, subject_id=body["id"])
    opened = StayAuthorization.objects.get(pk=body["id"]).created_at
    calendar = program_calendar(program_id=world.program.pk)
    assert notify.due_at == add_units(opened, 1, ClockUnit.BUSINESS_DAYS, calendar)
    _one_event(since, AuditAction.CREATE, "stay_authorization", stay.consumer_id)


def test_equipment_in_visits_is_422_naming_the_unit_and_nothing_changes(world, payer, api) -> None:
    stay = _stay(world)
    before, since = snapshot(), last_event_id()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations",
        {
            "level_of_care": "durable_medical_equipment",
            "requested_days": 1,
            "unit": "visits",
            "requested_start_date": _start_date(),
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "unit"]
    assert snapshot() == before
    assert events_since(since) == []


def test_an_approval_records_its_validity(world, payer, api) -> None:
    stay = _stay(world)
    authorization = services.authorization_open(
        actor=factories.actor(world.cm),
        stay=stay,
        facts=services.AuthorizationFacts(
            level_of_care="skilled_nursing",
            requested_days=14,
            requested_start_date=clock.now().date(),
            notification_sent_at=clock.now() - timedelta(hours=3),
        ),
    )
    start = clock.now().astimezone(NEW_YORK).date()

    response = call(
        api,
        "POST",
        f"/api/v1/stays/{stay.pk}/authorizations/{authorization.pk}",
        {
            "version": authorization.version,
            "step": "decided",
            "at": (clock.now() - timedelta(hours=1)).isoformat(),
            "decision": "partly_approved",
            "authorized_days": 7,
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(days=6)).isoformat(),
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["authorized_days"], body["valid_from"], body["valid_until"]) == (
        "partly_approved",
        7,
        start.isoformat(),
        (start + timedelta(days=6)).isoformat(),
    )


def test_the_stay_page_and_the_census_show_post_acute_authorizations(world, payer) -> None:
    stay = _stay(world)
    actor = factories.actor(world.cm)
    services.authorization_open(
        actor=actor,
        stay=stay,
        facts=services.AuthorizationFacts(level_of_care="acute", requested_days=3),
    )
    services.authorization_open(
        actor=actor,
        stay=stay,
        facts=services.AuthorizationFacts(
            level_of_care="inpatient_rehab",
            requested_days=10,
            provider_name="Lakeside Rehabilitation",
            requested_start_date=clock.now().date() + timedelta(days=1),
        ),
    )
    client = Client()
    client.force_login(world.cm)

    page = client.get(f"/stays/{stay.pk}/").content.decode()
    section = page[page.index('id="post-acute-authorizations"') :]
    assert "Lakeside Rehabilitation" in section
    assert "Inpatient rehabilitation" in section
    assert "Acute inpatient" not in section

    census = client.get("/census/").content.decode()
    row = census[census.index(f"/stays/{stay.pk}/") :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td>" in row
