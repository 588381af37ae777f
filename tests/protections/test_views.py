"""Protection pages: restricted records open only to their recorder and named roles."""

from datetime import timedelta

import pytest
from django.test import Client

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.protections import services
from casework.protections.models import AbuseReport, Incident
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def a_report(world: World) -> AbuseReport:
    services.jurisdiction_sample_install(program=world.program)
    case = factories.active_case(world.cm)
    return services.abuse_report_create(
        actor=factories.actor(world.cm),
        consumer=factories.consumer_of(case),
        kind="abuse",
        victim_class="elder",
        setting="community",
        state_code="IL",
        serious_injury=False,
        suspected_at=clock.now() - timedelta(hours=1),
        description="Bruises the consumer will not explain.",
    )


@pytest.mark.parametrize("who", ["supervisor", "cm2", "senior", "auditor", "other_cm"])
def test_others_get_404_and_a_denied_event(world: World, who: str) -> None:
    report = a_report(world)
    since = last_event_id()
    response = client_for(getattr(world, who)).get(f"/abuse-reports/{report.pk}/")
    assert response.status_code == 404
    assert [(e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "abuse_report")
    ]


def test_recorder_and_compliance_see_it(world: World) -> None:
    report = a_report(world)
    for user in (world.cm, world.compliance):
        since = last_event_id()
        response = client_for(user).get(f"/abuse-reports/{report.pk}/")
        assert response.status_code == 200
        assert "Adult Protective Services (Department on Aging)" in response.content.decode()
        assert [(e.action, e.object_type) for e in events_since(since)] == [
            (AuditAction.READ, "abuse_report")
        ]


def test_list_shows_only_reachable_records(world: World) -> None:
    report = a_report(world)
    mine = client_for(world.cm).get("/protections/").content.decode()
    theirs = client_for(world.supervisor).get("/protections/").content.decode()
    assert f"/abuse-reports/{report.pk}/" in mine
    assert f"/abuse-reports/{report.pk}/" not in theirs


def test_incident_form_refusal_writes_nothing(world: World) -> None:
    since = last_event_id()
    response = client_for(world.cm).post(
        "/incidents/new/",
        {
            "kind": "workplace_violence",
            "occurred_at": factories.typed_time(clock.now() - timedelta(hours=2)),
            "learned_at": factories.typed_time(clock.now() - timedelta(hours=1)),
            "description": "Punched by a visitor.",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["staff_member"] == ["name the staff member affected"]
    assert Incident.objects.count() == 0
    assert events_since(since) == []


def test_closing_before_reporting_shows_the_rule(world: World) -> None:
    report = a_report(world)
    response = client_for(world.cm).post(
        f"/abuse-reports/{report.pk}/close/", {"version": 1, "note": "done"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "record the reports the jurisdiction requires before closing"
    ]
