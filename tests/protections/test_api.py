"""Protections through the API (J1-J3): the jurisdiction table tells the agency and the
deadlines, the exposure follow-ups run on their clocks, ethics consultations close with
a recommendation, and restricted records open only to their recorder and named roles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from casework.core.models import AuditAction, AuditOutcome, Deadline
from casework.protections import services
from casework.protections.models import AbuseReport, ProtectionSettings
from tests import factories
from tests.api_helpers import call, events_since, first_error, iso, last_event_id, session_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # Monday 09:00 in Los Angeles


@pytest.fixture
def table(world: World) -> None:
    services.jurisdiction_sample_install(program=world.program)


def abuse_body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "neglect",
        "victim_class": "elder",
        "setting": "community",
        "state_code": "CA",
        "serious_injury": False,
        "suspected_at": iso(T0 - timedelta(minutes=30)),
        "description": "No food in the house; bed sores.",
        **overrides,
    }


def report(world: World, **overrides: Any) -> dict[str, Any]:
    case = factories.active_case(world.cm)
    with time_machine.travel(T0, tick=False):
        response = call(
            session_client(world.cm),
            "POST",
            f"/api/v1/consumers/{case.consumer_id}/abuse-reports",
            abuse_body(**overrides),
        )
    assert response.status_code == 201, response.content
    return response.json()


def test_sample_table_is_labelled(world: World, table: None) -> None:
    from casework.protections.models import JurisdictionRule

    rows = JurisdictionRule.objects.filter(program=world.program)
    assert rows.count() == 7
    assert all(r.sample and r.note.startswith("SAMPLE") for r in rows)
    assert services.jurisdiction_sample_install(program=world.program) == 0


def test_california_elder_neglect_tells_agency_and_deadlines(world: World, table: None) -> None:
    data = report(world)
    assert data["rule"]["agency"] == "County Adult Protective Services"
    clocks = {c["kind"]: c for c in data["clocks"]}
    assert clocks["abuse_oral_report"]["due_at"] == "2026-03-02T17:30:00Z"  # 1 h
    # Written: 2 business days after Monday (Tue, Wed), end of Wednesday in New York time.
    assert clocks["abuse_written_report"]["due_at"] == "2026-03-05T04:59:59Z"


def test_federal_ltc_serious_injury_is_2_hours(world: World, table: None) -> None:
    data = report(
        world,
        victim_class="ltc_resident",
        setting="ltc_facility",
        state_code="NY",
        serious_injury=True,
    )
    assert data["rule"]["state"] == "US"
    clocks = {c["kind"]: c for c in data["clocks"]}
    assert clocks["abuse_oral_report"]["due_at"] == "2026-03-02T18:30:00Z"


def test_no_row_is_409_and_writes_nothing(world: World, table: None) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/abuse-reports",
        abuse_body(state_code="WY"),
    )
    assert response.status_code == 409
    assert AbuseReport.objects.count() == 0
    assert events_since(since) == []


def test_bad_state_code_is_422(world: World, table: None) -> None:
    case = factories.active_case(world.cm)
    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/abuse-reports",
        abuse_body(state_code="C1"),
    )
    assert response.status_code == 422
    assert first_error(response)[0] == ["body", "state_code"]


def test_abuse_report_to_closure(world: World, table: None) -> None:
    data = report(world)
    client = session_client(world.cm)
    path = f"/api/v1/abuse-reports/{data['id']}"
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        early = call(client, "POST", f"{path}/close", {"version": 1, "note": "Done"})
        assert early.status_code == 409
        oral = call(
            client,
            "POST",
            f"{path}/agency-reports",
            {
                "version": 1,
                "mode": "oral",
                "reported_at": iso(T0 + timedelta(minutes=40)),
                "agency": "LA County APS",
                "reference": "APS-1",
            },
        )
        assert oral.status_code == 200, oral.content
        assert oral.json()["status"] == "open"
        written = call(
            client,
            "POST",
            f"{path}/agency-reports",
            {
                "version": 2,
                "mode": "written",
                "reported_at": iso(T0 + timedelta(hours=1)),
                "agency": "LA County APS",
                "reference": "SOC 341",
            },
        )
        assert written.json()["status"] == "reported"
        closed = call(
            client,
            "POST",
            f"{path}/close",
            {"version": 3, "note": "APS substantiated; in-home services started."},
        )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert {c["kind"]: c["state"] for c in closed.json()["clocks"]} == {
        "abuse_oral_report": "met",
        "abuse_written_report": "met",
    }


def test_restricted_report_is_hidden_from_the_supervisor_and_other_staff(
    world: World, table: None
) -> None:
    data = report(world)
    for user in (world.supervisor, world.cm2, world.senior, world.auditor):
        since = last_event_id()
        response = call(session_client(user), "GET", f"/api/v1/abuse-reports/{data['id']}")
        assert response.status_code in (403, 404), user.role
        assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
            (AuditOutcome.DENIED, None)
        ]
        listing = call(session_client(user), "GET", "/api/v1/abuse-reports")
        assert listing.status_code == 403 or listing.json()["count"] == 0
    since = last_event_id()
    seen = call(session_client(world.compliance), "GET", f"/api/v1/abuse-reports/{data['id']}")
    assert seen.status_code == 200
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.READ, "abuse_report")
    ]


def test_the_program_names_the_roles_that_see_restricted_records(world: World, table: None) -> None:
    data = report(world)
    ProtectionSettings.objects.create(program=world.program, restricted_roles=["supervisor"])
    assert (
        call(
            session_client(world.supervisor), "GET", f"/api/v1/abuse-reports/{data['id']}"
        ).status_code
        == 200
    )
    assert (
        call(
            session_client(world.compliance), "GET", f"/api/v1/abuse-reports/{data['id']}"
        ).status_code
        == 404
    )


def test_break_glass_does_not_open_a_restricted_record(world: World, table: None) -> None:
    from dataclasses import replace

    from django.http import Http404

    from casework.web.access import access_abuse_report

    data = report(world)
    # An emergency purpose is refused on the API (403, audited) ...
    since = last_event_id()
    response = session_client(world.supervisor).get(
        f"/api/v1/abuse-reports/{data['id']}", HTTP_X_PURPOSE_OF_USE="ETREAT"
    )
    assert response.status_code in (403, 404)
    assert "No food in the house" not in response.content.decode()
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]
    # ... and an actor under break-glass is still outside the restricted reach.
    glass = replace(factories.actor(world.supervisor), break_glass=True)
    with pytest.raises(Http404):
        access_abuse_report(glass, data["id"])


def incident(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "exposure",
        "occurred_at": iso(T0 - timedelta(hours=1)),
        "learned_at": iso(T0 - timedelta(minutes=30)),
        "description": "Needlestick from a used lancet during a home visit.",
        "staff_member_id": world.cm.pk,
        "sharps_or_infectious": True,
        **overrides,
    }
    with time_machine.travel(T0, tick=False):
        response = call(session_client(world.cm), "POST", "/api/v1/incidents", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_exposure_starts_evaluation_and_osha_clocks_and_is_a_privacy_case(world: World) -> None:
    data = incident(world)
    assert data["privacy_case"] is True
    clocks = {c["kind"]: c for c in data["clocks"]}
    assert clocks["incident_evaluation"]["due_at"] == "2026-03-02T18:30:00Z"  # 2 h
    assert clocks["incident_osha_decision"]["due_at"] == "2026-03-10T03:59:59Z"  # 7 days


def test_exposure_follow_up_to_closure(world: World) -> None:
    data = incident(world)
    client = session_client(world.cm)
    path = f"/api/v1/incidents/{data['id']}"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        offered = call(
            client,
            "POST",
            f"{path}/follow-ups",
            {"version": 1, "step": "evaluation_offered", "at": iso(T0 + timedelta(minutes=45))},
        )
        assert offered.status_code == 200, offered.content
        clocks = {c["kind"]: c for c in offered.json()["clocks"]}
        assert clocks["incident_evaluation"]["state"] == "met"
        assert clocks["incident_written_opinion"]["state"] == "open"
        early = call(client, "POST", f"{path}/close", {"version": 2, "note": "x"})
        assert early.status_code == 409
        opinion = call(
            client,
            "POST",
            f"{path}/follow-ups",
            {"version": 2, "step": "written_opinion", "at": iso(T0 + timedelta(minutes=50))},
        )
        assert opinion.status_code == 200
        osha = call(
            client,
            "POST",
            f"{path}/osha-decision",
            {"version": 3, "recordable": True, "reason": "Contaminated sharps injury (1904.8)"},
        )
        assert osha.status_code == 200
        closed = call(
            client, "POST", f"{path}/close", {"version": 4, "note": "Follow-up complete."}
        )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"


def test_workplace_violence_needs_the_staff_member(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        response = call(
            session_client(world.cm),
            "POST",
            "/api/v1/incidents",
            {
                "kind": "workplace_violence",
                "occurred_at": iso(T0 - timedelta(hours=1)),
                "learned_at": iso(T0),
                "description": "Struck by a visitor.",
            },
        )
    assert response.status_code == 422
    assert first_error(response)[0] == ["body", "staff_member"]


def test_ethics_consultation_and_out_of_scope_routing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = session_client(world.cm)
    bad = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/ethics-consultations",
        {"kind": "ethics", "parties": ["consumer"], "question": "?"},
    )
    assert bad.status_code == 422
    assert first_error(bad)[0] == ["body", "parties"]
    made = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/ethics-consultations",
        {
            "kind": "ethics",
            "parties": ["consumer", "payer"],
            "question": "Plan denies the home modification the consumer needs to stay home.",
        },
    )
    assert made.status_code == 201, made.content
    assert [c["kind"] for c in made.json()["clocks"]] == ["ethics_review"]
    closed = call(
        client,
        "POST",
        f"/api/v1/ethics-consultations/{made.json()['id']}/close",
        {
            "version": 1,
            "recommendation": "Support an appeal; document risks.",
            "outcome": "Appeal filed.",
        },
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    routed = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/ethics-consultations",
        {"kind": "out_of_scope", "question": "Needs legal help with eviction."},
    )
    assert routed.status_code == 422
    assert first_error(routed)[0] == ["body", "routed_to"]
    assert Deadline.objects.filter(kind="ethics_review").count() == 1


def test_a_missed_follow_up_still_holds_the_incident_open_until_it_is_recorded(
    world: World,
) -> None:
    """A follow-up the sweep marked breached is still work to do (issue 18): the incident
    cannot close until it is recorded; recorded late, the clock keeps its miss."""
    from casework.core.sweep import sweep_once
    from casework.protections.models import Incident

    data = incident(world)
    client = session_client(world.cm)
    path = f"/api/v1/incidents/{data['id']}"
    late = T0 + timedelta(hours=5)
    with time_machine.travel(late, tick=False):
        sweep_once()
        early = call(client, "POST", f"{path}/close", {"version": 1, "note": "x"})
        assert early.status_code == 409, early.content
        offered = call(
            client,
            "POST",
            f"{path}/follow-ups",
            {"version": 1, "step": "evaluation_offered", "at": iso(late)},
        )
    assert offered.status_code == 200, offered.content
    clocks = {c["kind"]: c["state"] for c in offered.json()["clocks"]}
    assert clocks["incident_evaluation"] == "breached"
    assert Incident.objects.get(pk=data["id"]).status != "closed"
