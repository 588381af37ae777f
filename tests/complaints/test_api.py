"""Complaints and grievances through the API (K1): intake on any channel, clocks by
coverage type, acknowledgement, notes, extension with notice, pause, resolution, letter."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.complaints.models import Complaint, ComplaintPolicy
from casework.core import clocks
from casework.core.models import AuditAction, AuditOutcome, Deadline, DeadlineState
from tests import factories
from tests.api_helpers import call, events_since, first_error, iso, last_event_id, session_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 EST


def end_of(day: date) -> datetime:
    return clocks.end_of_local_day(day, clocks.HolidayCalendar())


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "grievance",
        "channel": "phone",
        "received_at": iso(T0 - timedelta(hours=1)),
        "complainant": "Rosa Diaz",
        "complainant_relationship": "self",
        "about": "The home aide did not come on two days.",
        "category": "quality_of_care",
        "severity": "medium",
        "coverage": "medicaid_managed_care",
        **overrides,
    }


def receive(world: World, case: Any = None, **overrides: Any) -> dict[str, Any]:
    case = case or factories.active_case(world.cm)
    with time_machine.travel(T0, tick=False):
        response = call(
            session_client(world.cm),
            "POST",
            f"/api/v1/consumers/{case.consumer_id}/complaints",
            body(**overrides),
        )
    assert response.status_code == 201, response.content
    return response.json()


def clock_of(data: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in data["clocks"] if c["kind"] == kind)


def test_medicaid_grievance_runs_90_days_and_5_business_days_to_acknowledge(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    data = receive(world, case)
    assert data["rule_code"] == "MC-2"
    assert data["state"] == "received"
    resolve = clock_of(data, "complaint_resolve")
    # Received Monday 2 March 08:00 EST: day 90 is Sunday 31 May.
    assert resolve["due_at"] == "2026-06-01T03:59:59Z"
    ack = clock_of(data, "complaint_acknowledge")
    assert ack["due_at"] == "2026-03-10T03:59:59Z"  # Mon 9 March, EDT
    events = events_since(since)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        (AuditAction.CREATE, "complaint", str(data["id"]))
    ]


def test_expedited_medicaid_appeal_is_72_hours(world: World) -> None:
    data = receive(world, kind="appeal", expedited=True, expedite_reason="Out of insulin")
    assert data["rule_code"] == "MC-5"
    assert clock_of(data, "complaint_resolve")["due_at"] == "2026-03-05T13:00:00Z"


def test_expedited_without_reason_is_422_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/complaints",
        body(expedited=True),
    )
    assert response.status_code == 422
    assert first_error(response) == (
        ["body", "expedite_reason"],
        "say why health is at risk when expediting",
    )
    assert Complaint.objects.count() == 0
    assert Deadline.objects.filter(subject_type="complaint").count() == 0
    assert events_since(since) == []


def test_unknown_coverage_is_422(world: World) -> None:
    case = factories.active_case(world.cm)
    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/complaints",
        body(coverage="cash"),
    )
    assert response.status_code == 422
    assert first_error(response)[0] == ["body", "coverage"]


def test_extension_adds_14_days_and_starts_the_notice_clock(world: World) -> None:
    data = receive(world)
    client = session_client(world.cm)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        response = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/extend",
            {
                "version": 1,
                "reason": "Waiting for the agency's visit log",
                "consumer_requested": False,
            },
        )
    assert response.status_code == 200, response.content
    extended = response.json()
    assert clock_of(extended, "complaint_resolve")["due_at"] == "2026-06-15T03:59:59Z"
    notice = clock_of(extended, "complaint_extension_notice")
    assert notice["due_at"] == "2026-03-06T04:59:59Z"  # granted Tue 3 March: end of Thu 5
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        again = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/extend",
            {"version": 2, "reason": "More time", "consumer_requested": True},
        )
    assert again.status_code == 422
    assert first_error(again)[0] == ["body", "extension"]
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        sent = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/extension-notice",
            {"version": 2, "sent_at": iso(T0 + timedelta(days=1, hours=2))},
        )
    assert sent.status_code == 200, sent.content
    assert clock_of(sent.json(), "complaint_extension_notice")["state"] == "met"


def test_medicaid_grievance_cannot_pause(world: World) -> None:
    data = receive(world)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        response = call(
            session_client(world.cm),
            "POST",
            f"/api/v1/complaints/{data['id']}/pause",
            {"version": 1, "reason": "Waiting"},
        )
    assert response.status_code == 422
    assert first_error(response) == (["body", "pause"], "MC-2 runs without pause")


def test_program_policy_clock_pauses_and_resumes(world: World) -> None:
    data = receive(world, coverage="program_policy")
    assert data["rule_code"] == "PP-RES"
    client = session_client(world.cm)
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        paused = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/pause",
            {"version": 1, "reason": "Waiting for the consumer's receipts"},
        )
    assert paused.status_code == 200, paused.content
    assert clock_of(paused.json(), "complaint_resolve")["state"] == "paused"
    with time_machine.travel(T0 + timedelta(days=7), tick=False):
        resumed = call(client, "POST", f"/api/v1/complaints/{data['id']}/resume", {"version": 2})
    assert resumed.status_code == 200, resumed.content
    # 30 days from Mon 2 March; paused on 4 March (2 used), resumed 9 March: 28 more.
    assert clock_of(resumed.json(), "complaint_resolve")["due_at"] == end_of(
        date(2026, 4, 6)
    ).isoformat().replace("+00:00", "Z")


def test_acknowledge_resolve_and_letter(world: World) -> None:
    data = receive(world)
    client = session_client(world.cm)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        ack = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/acknowledge",
            {"version": 1, "method": "mail", "acknowledged_at": iso(T0 + timedelta(hours=20))},
        )
        assert ack.status_code == 200, ack.content
        assert clock_of(ack.json(), "complaint_acknowledge")["state"] == "met"
        note = call(
            client, "POST", f"/api/v1/complaints/{data['id']}/notes", {"text": "Called agency."}
        )
        assert note.status_code == 201
        resolved = call(
            client,
            "POST",
            f"/api/v1/complaints/{data['id']}/resolve",
            {"version": 2, "outcome": "upheld", "resolution": "The agency replaced the aide."},
        )
    assert resolved.status_code == 200, resolved.content
    out = resolved.json()
    assert out["state"] == "resolved"
    assert clock_of(out, "complaint_resolve")["state"] == "met"
    since = last_event_id()
    pdf = client.get(f"/api/v1/complaints/{data['id']}/letter.pdf?language=es")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert [(e.action, e.detail) for e in events_since(since)] == [
        (AuditAction.PRINT, {"document": "resolution_letter", "language": "es"})
    ]


def test_the_letter_of_an_open_complaint_is_404_and_one_denied_event(world: World) -> None:
    """As on the page: an open complaint has no letter yet (was a 500 found by the fuzzer)."""
    data = receive(world)
    client = session_client(world.cm)
    since = last_event_id()
    response = client.get(f"/api/v1/complaints/{data['id']}/letter.pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert [(e.action, e.outcome) for e in events_since(since)] == [
        (AuditAction.PRINT, AuditOutcome.DENIED)
    ]
    assert Complaint.objects.get(pk=data["id"]).state == "received"


def test_care_options_disagreement_goes_to_the_named_reviewer(world: World) -> None:
    ComplaintPolicy.objects.create(program=world.program, care_options_reviewer=world.senior)
    data = receive(world, category="care_options", coverage="program_policy")
    assert data["reviewer"]["id"] == world.senior.pk
    assert (
        Deadline.objects.get(subject_id=data["id"], kind="complaint_resolve").owner_id
        == world.senior.pk
    )
    refused = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/complaints/{data['id']}/resolve",
        {"version": 1, "outcome": "not_upheld", "resolution": "x"},
    )
    assert refused.status_code == 409
    assert Complaint.objects.get(pk=data["id"]).state == "received"


def test_care_options_without_a_named_reviewer_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/complaints",
        body(category="care_options"),
    )
    assert response.status_code == 409
    assert Complaint.objects.count() == 0


def test_paused_clock_is_not_breached_by_the_sweep(world: World) -> None:
    from casework.core.sweep import sweep_once

    data = receive(world, coverage="program_policy")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        call(
            session_client(world.cm),
            "POST",
            f"/api/v1/complaints/{data['id']}/pause",
            {"version": 1, "reason": "Waiting"},
        )
    with time_machine.travel(T0 + timedelta(days=90), tick=False):
        sweep_once()
    row = Deadline.objects.get(subject_id=data["id"], kind="complaint_resolve")
    assert row.state == DeadlineState.PAUSED
