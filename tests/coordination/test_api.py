"""Work items, communications and notes through the API (F1, F3, C1 consent gate)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from casework.cases.models import Case
from casework.coordination.models import Note, WorkItem
from casework.coordination.services import note_create, work_item_create
from casework.core import clock
from casework.core.models import AuditAction, Deadline
from tests import factories
from tests.api_helpers import (
    call,
    events_since,
    first_error,
    iso,
    last_event_id,
    refused,
    session_client,
)
from tests.conftest import World


def _at(hours: int) -> str:
    return iso(clock.now() + timedelta(hours=hours))


def item_body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Book follow-up visit",
        "kind": "service",
        "owner": world.cm.pk,
        "due_at": _at(48),
        **overrides,
    }


def an_item(world: World, case: Case | None = None) -> WorkItem:
    return work_item_create(
        actor=factories.actor(world.cm),
        case=case or factories.active_case(world.cm),
        title="Arrange transport",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=2),
    )


# --- work items -----------------------------------------------------------------------------


def test_create_a_work_item_with_its_deadlines(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/work-items",
        item_body(world, owner=world.cm2.pk, description="Cardiology"),
    )

    assert response.status_code == 201
    body = response.json()
    item = WorkItem.objects.get()
    assert (body["id"], body["status"], body["version"], body["owner"]["id"]) == (
        item.pk,
        "open",
        1,
        world.cm2.pk,
    )
    assert Deadline.objects.filter(subject_type="work_item", subject_id=item.pk).count() == 2
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.CREATE, "work_item", case.consumer_id)
    ]


def test_an_administrative_item_needs_no_consent(world: World) -> None:
    case = factories.referred_case(world.cm)

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/work-items",
        item_body(world, kind="administrative", title="Mail the privacy notice"),
    )

    assert response.status_code == 201


WORK_ITEM_REFUSALS: dict[str, tuple[str, Callable[[World], dict[str, Any]], int, Any]] = {
    "missing title": (
        "active",
        lambda w: {k: v for k, v in item_body(w).items() if k != "title"},
        422,
        (["body", "title"], "Field required"),
    ),
    "owner not a number": (
        "active",
        lambda w: item_body(w, owner="me"),
        422,
        (
            ["body", "owner"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ),
    "unknown owner": (
        "active",
        lambda w: item_body(w, owner=999_999),
        422,
        (["body", "owner"], "no such staff member in your program"),
    ),
    "owner from another program": (
        "active",
        lambda w: item_body(w, owner=w.outsider_cm.pk),
        422,
        (["body", "owner"], "no such staff member in your program"),
    ),
    "title too long": (
        "active",
        lambda w: item_body(w, title="x" * 201),
        422,
        (["body", "title"], "String should have at most 200 characters"),
    ),
    "status is not writable": (
        "active",
        lambda w: item_body(w, status="completed"),
        422,
        (["body", "status"], "Extra inputs are not permitted"),
    ),
    "a service item without consent": (
        "referred",
        lambda w: item_body(w),
        409,
        "no active consent to case management",
    ),
}


@pytest.mark.parametrize("name", list(WORK_ITEM_REFUSALS))
def test_bad_work_items_are_refused_and_write_nothing(world: World, name: str) -> None:
    state, make_body, status, expected = WORK_ITEM_REFUSALS[name]
    case = (
        factories.active_case(world.cm) if state == "active" else factories.referred_case(world.cm)
    )

    response = refused(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/work-items", make_body(world)
    )

    assert response.status_code == status, response.content
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


def test_update_moves_the_due_time_and_owner(world: World) -> None:
    item = an_item(world)
    due = clock.now().replace(microsecond=0) + timedelta(days=5)

    response = call(
        session_client(world.cm),
        "PATCH",
        f"/api/v1/work-items/{item.pk}",
        {"version": 1, "due_at": iso(due), "owner": world.cm2.pk},
    )

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.due_at, item.owner_id, item.version) == (due, world.cm2.pk, 2)
    deadline = Deadline.objects.get(subject_id=item.pk, kind="work_item_due")
    assert (deadline.due_at, deadline.owner_id) == (due, world.cm2.pk)


def test_a_stale_work_item_update_is_409(world: World) -> None:
    item = an_item(world)
    client = session_client(world.cm)
    call(client, "PATCH", f"/api/v1/work-items/{item.pk}", {"version": 1, "title": "First"})

    response = refused(
        client, "PATCH", f"/api/v1/work-items/{item.pk}", {"version": 1, "title": "Second"}
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert WorkItem.objects.get().title == "First"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"title": "x"}, (["body", "version"], "Field required")),
        ({"version": 1}, (["body", "__all__"], "nothing to change")),
        ({"version": 1, "title": None}, (["body", "title"], "may not be null")),
        (
            {"version": 1, "due_at": "tomorrow"},
            (["body", "due_at"], "Input should be a valid datetime or date, input is too short"),
        ),
        (
            {"version": 1, "owner": 999_999},
            (["body", "owner"], "no such staff member in your program"),
        ),
        ({"version": 1, "case": 2}, (["body", "case"], "Extra inputs are not permitted")),
    ],
)
def test_bad_work_item_updates_are_422_and_write_nothing(
    world: World, body: dict[str, Any], expected: Any
) -> None:
    item = an_item(world)

    response = refused(session_client(world.cm), "PATCH", f"/api/v1/work-items/{item.pk}", body)

    assert response.status_code == 422
    assert first_error(response) == expected


def test_complete_closes_the_item_and_its_deadlines(world: World) -> None:
    item = an_item(world)

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/work-items/{item.pk}/complete",
        {"version": 1, "outcome": "Visit booked for 3 March"},
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == (
        "completed",
        "Visit booked for 3 March",
    )
    assert set(Deadline.objects.filter(subject_id=item.pk).values_list("state", flat=True)) == {
        "met"
    }


def test_cancel_needs_a_reason(world: World) -> None:
    item = an_item(world)

    response = refused(
        session_client(world.cm),
        "POST",
        f"/api/v1/work-items/{item.pk}/cancel",
        {"version": 1, "reason": ""},
    )

    assert response.status_code == 422
    assert first_error(response) == (
        ["body", "reason"],
        "String should have at least 1 character",
    )


def test_a_finished_item_cannot_be_finished_again(world: World) -> None:
    item = an_item(world)
    client = session_client(world.cm)
    call(client, "POST", f"/api/v1/work-items/{item.pk}/cancel", {"version": 1, "reason": "No"})

    response = refused(client, "POST", f"/api/v1/work-items/{item.pk}/complete", {"version": 2})

    assert response.status_code == 409
    assert response.json() == {"detail": "the work item is already cancelled"}


def test_list_work_items_audits_one_list(world: World) -> None:
    case = factories.active_case(world.cm)
    first, second = an_item(world, case), an_item(world, case)
    since = last_event_id()

    response = call(session_client(world.cm), "GET", f"/api/v1/cases/{case.pk}/work-items")

    assert response.json()["count"] == 2
    assert sorted(i["id"] for i in response.json()["items"]) == sorted([first.pk, second.pk])
    events = events_since(since)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        (AuditAction.LIST, "work_item", str(case.pk))
    ]


def test_an_unknown_work_item_is_404_and_audited(world: World) -> None:
    since = last_event_id()

    response = call(
        session_client(world.cm), "POST", "/api/v1/work-items/999999/complete", {"version": 1}
    )

    assert response.status_code == 404
    assert [(e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        ("denied", "work_item", "999999")
    ]


# --- communications -------------------------------------------------------------------------


def communication(**overrides: Any) -> dict[str, Any]:
    return {
        "channel": "phone",
        "direction": "outbound",
        "topic": "care",
        "parties": "Consumer and daughter",
        "summary": "Reviewed the medication list.",
        "occurred_at": _at(-2),
        **overrides,
    }


def test_log_and_list_communications(world: World) -> None:
    case = factories.active_case(world.cm)
    client = session_client(world.cm)

    created = call(client, "POST", f"/api/v1/cases/{case.pk}/communications", communication())
    listed = call(client, "GET", f"/api/v1/cases/{case.pk}/communications")

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("channel", "direction", "topic", "parties")} == {
        "channel": "phone",
        "direction": "outbound",
        "topic": "care",
        "parties": "Consumer and daughter",
    }
    assert [c["id"] for c in listed.json()["items"]] == [created.json()["id"]]


COMMUNICATION_REFUSALS: dict[str, tuple[str, dict[str, Any], int, Any]] = {
    "missing summary": (
        "active",
        {k: v for k, v in communication().items() if k != "summary"},
        422,
        (["body", "summary"], "Field required"),
    ),
    "unknown channel": (
        "active",
        communication(channel="pigeon"),
        422,
        (
            ["body", "channel"],
            "Input should be 'phone', 'fax', 'mail', 'email', 'in_person', 'portal', "
            "'video' or 'text'",
        ),
    ),
    "in the future": (
        "active",
        communication(occurred_at="2999-01-01T00:00:00Z"),
        422,
        (["body", "occurred_at"], "This cannot be in the future."),
    ),
    "parties too long": (
        "active",
        communication(parties="x" * 301),
        422,
        (["body", "parties"], "String should have at most 300 characters"),
    ),
    "recorded_by is not writable": (
        "active",
        communication(recorded_by=1),
        422,
        (["body", "recorded_by"], "Extra inputs are not permitted"),
    ),
    "about care without consent": (
        "referred",
        communication(),
        409,
        "no active consent to case management",
    ),
}


@pytest.mark.parametrize("name", list(COMMUNICATION_REFUSALS))
def test_bad_communications_are_refused_and_write_nothing(world: World, name: str) -> None:
    state, body, status, expected = COMMUNICATION_REFUSALS[name]
    case = (
        factories.active_case(world.cm) if state == "active" else factories.referred_case(world.cm)
    )

    response = refused(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/communications", body
    )

    assert response.status_code == status, response.content
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


def test_an_enrollment_communication_needs_no_consent(world: World) -> None:
    case = factories.referred_case(world.cm)

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/communications",
        communication(topic="enrollment"),
    )

    assert response.status_code == 201


# --- notes ----------------------------------------------------------------------------------


def test_a_note_is_signed_by_its_author_and_an_amendment_names_it(world: World) -> None:
    case = factories.active_case(world.cm)
    client = session_client(world.cm)

    first = call(
        client, "POST", f"/api/v1/cases/{case.pk}/notes", {"kind": "progress", "text": "BP 150/90"}
    )
    fix = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/notes",
        {
            "kind": "progress",
            "text": "Correction: BP 130/90",
            "amends": first.json()["id"],
            "amendment_reason": "Misread the cuff",
        },
    )
    listed = call(client, "GET", f"/api/v1/cases/{case.pk}/notes")

    assert (first.status_code, fix.status_code) == (201, 201)
    assert fix.json()["amends_id"] == first.json()["id"]
    assert fix.json()["amendment_reason"] == "Misread the cuff"
    assert fix.json()["author"]["id"] == world.cm.pk
    assert [(n["id"], n["amended_by_id"]) for n in listed.json()["items"]] == [
        (fix.json()["id"], None),
        (first.json()["id"], fix.json()["id"]),
    ]
    assert Note.objects.get(pk=first.json()["id"]).text == "BP 150/90"


def _other_case_note(world: World) -> int:
    other = factories.active_case(world.cm)
    return note_create(
        actor=factories.actor(world.cm), case=other, kind="progress", text="Elsewhere"
    ).pk


NOTE_REFUSALS: dict[str, tuple[str, Callable[[World], dict[str, Any]], int, Any]] = {
    "missing text": (
        "active",
        lambda w: {"kind": "progress"},
        422,
        (["body", "text"], "Field required"),
    ),
    "blank text": (
        "active",
        lambda w: {"kind": "progress", "text": ""},
        422,
        (["body", "text"], "String should have at least 1 character"),
    ),
    "text too long": (
        "active",
        lambda w: {"kind": "progress", "text": "x" * 20_001},
        422,
        (["body", "text"], "String should have at most 20000 characters"),
    ),
    "amends not a number": (
        "active",
        lambda w: {"kind": "progress", "text": "Fix", "amends": "last"},
        422,
        (
            ["body", "amends"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ),
    "amends an unknown note": (
        "active",
        lambda w: {"kind": "progress", "text": "Fix", "amends": 999_999},
        422,
        (["body", "amends"], "no such note on this case"),
    ),
    "amends a note of another case": (
        "active",
        lambda w: {"kind": "progress", "text": "Fix", "amends": _other_case_note(w)},
        422,
        (["body", "amends"], "no such note on this case"),
    ),
    "author is not writable": (
        "active",
        lambda w: {"kind": "progress", "text": "Fix", "author": w.cm2.pk},
        422,
        (["body", "author"], "Extra inputs are not permitted"),
    ),
    "a progress note without consent": (
        "referred",
        lambda w: {"kind": "progress", "text": "Visited"},
        409,
        "no active consent to case management",
    ),
}


@pytest.mark.parametrize("name", list(NOTE_REFUSALS))
def test_bad_notes_are_refused_and_write_nothing(world: World, name: str) -> None:
    state, make_body, status, expected = NOTE_REFUSALS[name]
    case = (
        factories.active_case(world.cm) if state == "active" else factories.referred_case(world.cm)
    )
    body = make_body(world)

    response = refused(session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/notes", body)

    assert response.status_code == status, response.content
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


def test_a_consent_attempt_note_needs_no_consent(world: World) -> None:
    case = factories.referred_case(world.cm)

    response = call(
        session_client(world.cm),
        "POST",
        f"/api/v1/cases/{case.pk}/notes",
        {"kind": "consent_attempt", "text": "Left a voicemail."},
    )

    assert response.status_code == 201
