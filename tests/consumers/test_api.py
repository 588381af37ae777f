"""Consumer endpoints: read, update with version, support persons, advance directives."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from casework.consumers.models import Consumer, SupportPerson
from casework.consumers.services import support_person_create
from casework.core.models import AuditAction
from tests import factories
from tests.api_helpers import (
    call,
    events_since,
    first_error,
    last_event_id,
    refused,
    session_client,
    token_client,
)
from tests.conftest import World


def test_get_consumer_returns_the_record_and_audits_one_read(world: World) -> None:
    case = factories.referred_case(world.cm, given_name="Maria", preferred_language="es")
    since = last_event_id()

    response = call(session_client(world.cm), "GET", f"/api/v1/consumers/{case.consumer_id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["given_name"], body["preferred_language"], body["version"]) == (
        case.consumer_id,
        "Maria",
        "es",
        1,
    )
    assert set(body) == {
        "id", "program_id", "mrn", "member_id", "given_name", "family_name", "birth_date",
        "sex", "preferred_language", "interpreter_needed", "cultural_preferences",
        "makes_own_decisions", "phone", "email", "address", "payer", "race", "ethnicity",
        "created_at", "updated_at", "version",
    }  # fmt: skip
    assert [(e.action, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.READ, "consumer", case.consumer_id)
    ]


def test_update_changes_only_the_fields_sent_and_bumps_the_version(world: World) -> None:
    case = factories.referred_case(world.cm, phone="555-0100")
    since = last_event_id()

    response = call(
        session_client(world.cm),
        "PATCH",
        f"/api/v1/consumers/{case.consumer_id}",
        {"version": 1, "preferred_language": "es", "interpreter_needed": True},
    )

    assert response.status_code == 200
    consumer = Consumer.objects.get(pk=case.consumer_id)
    assert (consumer.preferred_language, consumer.interpreter_needed, consumer.phone) == (
        "es",
        True,
        "555-0100",
    )
    assert consumer.version == 2
    assert response.json()["version"] == 2
    events = events_since(since)
    assert [(e.action, e.consumer_id) for e in events] == [(AuditAction.UPDATE, case.consumer_id)]
    assert events[0].detail == {"fields": ["interpreter_needed", "preferred_language"]}


def test_a_stale_consumer_update_is_409_and_keeps_the_newer_write(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = session_client(world.cm)
    first = call(
        client, "PATCH", f"/api/v1/consumers/{case.consumer_id}", {"version": 1, "phone": "1"}
    )

    second = refused(
        client, "PATCH", f"/api/v1/consumers/{case.consumer_id}", {"version": 1, "phone": "2"}
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "detail": "the record has changed (now at version 2); reload it",
        "current_version": 2,
    }
    assert Consumer.objects.get(pk=case.consumer_id).phone == "1"


CONSUMER_REFUSALS: dict[str, tuple[dict[str, Any], Any]] = {
    "missing version": ({"phone": "555"}, (["body", "version"], "Field required")),
    "version not a number": (
        {"version": "one", "phone": "555"},
        (
            ["body", "version"],
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ),
    "birth date not a date": (
        {"version": 1, "birth_date": "soon"},
        (["body", "birth_date"], "Input should be a valid date or datetime, input is too short"),
    ),
    "given name too long": (
        {"version": 1, "given_name": "x" * 101},
        (["body", "given_name"], "String should have at most 100 characters"),
    ),
    "given name null": (
        {"version": 1, "given_name": None},
        (["body", "given_name"], "may not be null"),
    ),
    "email invalid": (
        {"version": 1, "email": "not-an-email"},
        (["body", "email"], "Enter a valid email address."),
    ),
    "program is not writable": (
        {"version": 1, "program_id": 2},
        (["body", "program_id"], "Extra inputs are not permitted"),
    ),
    "created_at is not writable": (
        {"version": 1, "created_at": "2020-01-01T00:00:00Z"},
        (["body", "created_at"], "Extra inputs are not permitted"),
    ),
    "nothing to change": ({"version": 1}, (["body", "__all__"], "nothing to change")),
}


@pytest.mark.parametrize("name", list(CONSUMER_REFUSALS))
def test_bad_consumer_updates_are_422_and_write_nothing(world: World, name: str) -> None:
    body, expected = CONSUMER_REFUSALS[name]
    case = factories.referred_case(world.cm)

    response = refused(
        session_client(world.cm), "PATCH", f"/api/v1/consumers/{case.consumer_id}", body
    )

    assert response.status_code == 422
    assert first_error(response) == expected


def test_a_duplicate_mrn_is_refused(world: World) -> None:
    factories.referred_case(world.cm, mrn="MRN-1")
    case = factories.referred_case(world.cm, mrn="MRN-2")

    response = refused(
        session_client(world.cm),
        "PATCH",
        f"/api/v1/consumers/{case.consumer_id}",
        {"version": 1, "mrn": "MRN-1"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "value_error"


def test_support_persons_create_and_list(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = session_client(world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}/support-persons"

    friend = call(client, "POST", path, {"name": "Bea", "relationship": "friend"})
    guardian = call(
        client,
        "POST",
        path,
        {"name": "Ana Lopez", "relationship": "guardian", "is_legal_decision_maker": True},
    )
    since = last_event_id()
    listed = call(client, "GET", path)

    assert (friend.status_code, guardian.status_code) == (201, 201)
    assert guardian.json()["created_by"]["id"] == world.cm.pk
    assert [p["name"] for p in listed.json()["items"]] == ["Ana Lopez", "Bea"]
    assert listed.json()["count"] == 2
    assert Consumer.objects.get(pk=case.consumer_id).makes_own_decisions is False
    events = events_since(since)
    assert [(e.action, e.object_type, e.consumer_id) for e in events] == [
        (AuditAction.LIST, "support_person", case.consumer_id)
    ]
    assert events[0].detail["count"] == 2


def _with_decision_maker(world: World) -> int:
    case = factories.referred_case(world.cm)
    support_person_create(
        actor=factories.actor(world.cm),
        consumer=factories.consumer_of(case),
        name="Ana",
        relationship="guardian",
        is_legal_decision_maker=True,
    )
    return case.consumer_id


SUPPORT_REFUSALS: dict[str, tuple[Callable[[World], int], dict[str, Any], Any]] = {
    "missing name": (
        lambda w: factories.referred_case(w.cm).consumer_id,
        {"relationship": "friend"},
        (["body", "name"], "Field required"),
    ),
    "unknown relationship": (
        lambda w: factories.referred_case(w.cm).consumer_id,
        {"name": "Bea", "relationship": "neighbour"},
        (
            ["body", "relationship"],
            "Input should be 'spouse', 'parent', 'child', 'sibling', 'other_family', "
            "'friend', 'guardian', 'caregiver' or 'other'",
        ),
    ),
    "flag not a boolean": (
        lambda w: factories.referred_case(w.cm).consumer_id,
        {"name": "Bea", "relationship": "friend", "is_emergency_contact": "often"},
        (
            ["body", "is_emergency_contact"],
            "Input should be a valid boolean, unable to interpret input",
        ),
    ),
    "name too long": (
        lambda w: factories.referred_case(w.cm).consumer_id,
        {"name": "x" * 201, "relationship": "friend"},
        (["body", "name"], "String should have at most 200 characters"),
    ),
    "a second legal decision maker": (
        _with_decision_maker,
        {"name": "Carl", "relationship": "child", "is_legal_decision_maker": True},
        (["body", "is_legal_decision_maker"], "this consumer already has a legal decision maker"),
    ),
    "consumer is not writable": (
        lambda w: factories.referred_case(w.cm).consumer_id,
        {"name": "Bea", "relationship": "friend", "consumer": 1},
        (["body", "consumer"], "Extra inputs are not permitted"),
    ),
}


@pytest.mark.parametrize("name", list(SUPPORT_REFUSALS))
def test_bad_support_persons_are_422_and_write_nothing(world: World, name: str) -> None:
    consumer_for, body, expected = SUPPORT_REFUSALS[name]
    consumer_id = consumer_for(world)

    response = refused(
        session_client(world.cm), "POST", f"/api/v1/consumers/{consumer_id}/support-persons", body
    )

    assert response.status_code == 422
    assert first_error(response) == expected


def test_advance_directives_create_and_list(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = session_client(world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}/advance-directives"

    created = call(
        client,
        "POST",
        path,
        {"kind": "polst", "document_date": "2025-11-02", "location": "On the fridge"},
    )
    listed = call(client, "GET", path)

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("kind", "document_date", "location")} == {
        "kind": "polst",
        "document_date": "2025-11-02",
        "location": "On the fridge",
    }
    assert [d["id"] for d in listed.json()["items"]] == [created.json()["id"]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"location": "Home"}, (["body", "kind"], "Field required")),
        (
            {"kind": "dnr", "document_date": "02/11/2025"},
            (
                ["body", "document_date"],
                "Input should be a valid date or datetime, invalid character in year",
            ),
        ),
        (
            {"kind": "dnr", "location": "x" * 301},
            (["body", "location"], "String should have at most 300 characters"),
        ),
        (
            {"kind": "dnr", "recorded_by": 1},
            (["body", "recorded_by"], "Extra inputs are not permitted"),
        ),
    ],
)
def test_bad_advance_directives_are_422_and_write_nothing(
    world: World, body: dict[str, Any], expected: Any
) -> None:
    case = factories.referred_case(world.cm)

    response = refused(
        session_client(world.cm),
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/advance-directives",
        body,
    )

    assert response.status_code == 422
    assert first_error(response) == expected


def test_an_unknown_consumer_is_404_like_a_forbidden_one(world: World) -> None:
    case = factories.referred_case(world.cm2)
    client = session_client(world.cm)

    missing = call(client, "GET", "/api/v1/consumers/999999")
    forbidden = call(client, "GET", f"/api/v1/consumers/{case.consumer_id}")

    assert (missing.status_code, missing.json()) == (forbidden.status_code, forbidden.json())
    assert SupportPerson.objects.count() == 0


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="the SQLite test database is an in-memory shared cache whose table locks fail "
    "at once instead of waiting (busy_timeout applies to the file database only)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_at_one_version_let_exactly_one_win(fresh_world: World) -> None:
    """S43: eight writers send version 1 at once; one succeeds, seven get 409, and the
    stored phone is the winner's."""
    import threading

    from django.db import connection

    case = factories.referred_case(fresh_world.cm)
    path = f"/api/v1/consumers/{case.consumer_id}"
    start = threading.Barrier(8, timeout=30)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    clients = [token_client(fresh_world.cm) for _ in range(8)]

    def writer(n: int) -> None:
        client = clients[n]
        try:
            start.wait()
            response = call(client, "PATCH", path, {"version": 1, "phone": f"555-010{n}"})
            with lock:
                results.append((response.status_code, f"555-010{n}"))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 7
    winner = next(phone for status, phone in results if status == 200)
    consumer = Consumer.objects.get(pk=case.consumer_id)
    assert (consumer.phone, consumer.version) == (winner, 2)
