"""Complaint pages (K1): intake, the list, a step, the letter, and refusals."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from casework.complaints.models import Complaint
from casework.core.models import AuditAction, AuditOutcome, Deadline
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def intake(world: World, **overrides: str) -> Complaint:
    case = factories.active_case(world.cm)
    data = {
        "kind": "grievance",
        "channel": "phone",
        "received_at": "2026-03-02T08:30",
        "complainant": "Rosa Diaz",
        "complainant_relationship": "self",
        "about": "Aide missed two visits.",
        "category": "quality_of_care",
        "severity": "medium",
        "coverage": "program_policy",
        **overrides,
    }
    with time_machine.travel(T0, tick=False):
        response = client_for(world.cm).post(f"/consumers/{case.consumer_id}/complaints/new/", data)
    assert response.status_code == 302, response.content
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/complaints/{complaint.pk}/"
    return complaint


def test_phone_intake_starts_two_clocks(world: World) -> None:
    complaint = intake(world)
    assert complaint.channel == "phone"
    assert sorted(
        Deadline.objects.filter(subject_id=complaint.pk, subject_type="complaint").values_list(
            "kind", flat=True
        )
    ) == ["complaint_acknowledge", "complaint_resolve"]


def test_intake_with_bad_input_shows_errors_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    response = client_for(world.cm).post(
        f"/consumers/{case.consumer_id}/complaints/new/",
        {"kind": "grievance", "channel": "fax", "received_at": "soon", "expedited": "on"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"channel", "received_at", "complainant", "about", "coverage"}
    assert Complaint.objects.count() == 0
    assert events_since(since) == []


def test_service_refusal_shows_on_the_form(world: World) -> None:
    case = factories.active_case(world.cm)
    response = client_for(world.cm).post(
        f"/consumers/{case.consumer_id}/complaints/new/",
        {
            "kind": "grievance",
            "channel": "phone",
            "received_at": "2026-03-02T08:30",
            "complainant": "R",
            "complainant_relationship": "self",
            "about": "x",
            "category": "access",
            "severity": "low",
            "coverage": "erisa",
            "expedited": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expedite_reason"] == [
        "say why health is at risk when expediting"
    ]
    assert Complaint.objects.count() == 0


def test_list_shows_the_complaint_and_is_one_list_event(world: World) -> None:
    complaint = intake(world)
    since = last_event_id()
    response = client_for(world.cm).get("/complaints/")
    assert response.status_code == 200
    assert f"C-{complaint.pk}" in response.content.decode()
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.LIST, "complaint")
    ]


def test_another_caseload_gets_404_and_a_denied_event(world: World) -> None:
    complaint = intake(world)
    since = last_event_id()
    response = client_for(world.other_cm).get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]
    assert "C-" not in client_for(world.other_cm).get("/complaints/").content.decode()


def test_resolve_step_then_letter_pdf(world: World) -> None:
    complaint = intake(world)
    client = client_for(world.cm)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        response = client.post(
            f"/complaints/{complaint.pk}/resolve/",
            {"version": 1, "outcome": "upheld", "resolution": "The aide was replaced."},
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    letter = client.get(f"/complaints/{complaint.pk}/letter.pdf?language=es")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"


def test_letter_of_an_open_complaint_is_404_and_audited(world: World) -> None:
    complaint = intake(world)
    since = last_event_id()
    response = client_for(world.cm).get(f"/complaints/{complaint.pk}/letter.pdf")
    assert response.status_code == 404
    assert [(e.action, e.outcome) for e in events_since(since)] == [
        (AuditAction.PRINT, AuditOutcome.DENIED)
    ]


def test_stale_version_shows_an_error_and_changes_nothing(world: World) -> None:
    complaint = intake(world)
    response = client_for(world.cm).post(
        f"/complaints/{complaint.pk}/pause/", {"version": 7, "reason": "Waiting"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Deadline.objects.get(subject_id=complaint.pk, kind="complaint_resolve").state == "open"


def test_unknown_step_is_404(world: World) -> None:
    complaint = intake(world)
    assert client_for(world.cm).get(f"/complaints/{complaint.pk}/explode/").status_code == 404


def test_a_running_clock_is_on_its_owners_worklist_until_its_step_is_done(world: World) -> None:
    complaint = intake(world)
    at = T0 + timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        mine = client_for(world.cm).get("/worklist/?due=30")
        theirs = client_for(world.cm2).get("/worklist/?due=30")
    page = f'href="/complaints/{complaint.pk}/">Acknowledge the complaint</a>'
    assert mine.status_code == 200
    assert mine.content.decode().count(page) == 1
    assert "Clocks due" not in theirs.content.decode()
    with time_machine.travel(at, tick=False):
        done = client_for(world.cm).post(
            f"/complaints/{complaint.pk}/acknowledge/",
            {"version": 1, "method": "phone", "acknowledged_at": "2026-03-02T08:45"},
        )
        after = client_for(world.cm).get("/worklist/?due=30")
    assert done.status_code == 302, done.content
    assert page not in after.content.decode()


def test_a_missed_clock_stays_on_the_worklist_until_its_step_is_done(world: World) -> None:
    """The sweep marks a missed clock breached; it is still work to do, so it stays on
    its owner's worklist (issue 18). Done late, it keeps its miss and leaves the list."""
    from casework.core.sweep import sweep_once

    complaint = intake(world)
    late = T0 + timedelta(days=10)
    page = f'href="/complaints/{complaint.pk}/">Acknowledge the complaint</a>'
    with time_machine.travel(late, tick=False):
        sweep_once()
        missed = client_for(world.cm).get("/worklist/?due=30")
    row = Deadline.objects.get(subject_id=complaint.pk, kind="complaint_acknowledge")
    assert (row.state, row.closed_at) == ("breached", None)
    assert missed.content.decode().count(page) == 1
    with time_machine.travel(late, tick=False):
        done = client_for(world.cm).post(
            f"/complaints/{complaint.pk}/acknowledge/",
            {"version": 1, "method": "phone", "acknowledged_at": "2026-03-10T08:45"},
        )
        after = client_for(world.cm).get("/worklist/?due=30")
    assert done.status_code == 302, done.content
    row.refresh_from_db()
    assert (row.state, row.closed_at) == ("breached", late)
    assert page not in after.content.decode()
