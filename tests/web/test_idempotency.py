"""Creates accept an Idempotency-Key header: a retry returns the first response instead of
writing twice (issue 12, acceptance: a kill -9 between commit and response left notes
committed but unacknowledged)."""

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from casework.cases.models import Case
from casework.coordination.models import Note
from casework.core import clock
from casework.core.models import AuditAction
from casework.web.models import IdempotencyKey
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.cases.test_api import intake_body
from tests.conftest import World

NOTE = {"kind": "progress", "text": "Called the pharmacy about the refill"}


def post(client: Client, path: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, data=body, content_type="application/json", **headers)


def test_a_retried_note_is_written_once_and_answered_the_same(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    since = last_event_id()
    first = post(client, path, NOTE, "note-2026-0001")
    again = post(client, path, NOTE, "note-2026-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert first.has_header("Idempotent-Replayed") is False
    assert Note.objects.filter(case=case).count() == 1
    assert [e.action for e in events_since(since)] == [AuditAction.CREATE]
    row = IdempotencyKey.objects.get()
    assert (row.user_id, row.key, row.status_code) == (world.cm.pk, "note-2026-0001", 201)
    assert row.expires_at == row.created_at + timedelta(hours=24)


def test_a_retried_referral_opens_one_case(world: World) -> None:
    client = token_client(world.cm)
    first = post(client, "/api/v1/referrals", intake_body(), "referral-1")
    again = post(client, "/api/v1/referrals", intake_body(), "referral-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_is_409_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    assert post(client, path, NOTE, "k1").status_code == 201
    since = last_event_id()
    other = post(client, path, {**NOTE, "text": "Something else"}, "k1")
    assert other.status_code == 409
    assert other.json() == {"detail": "this Idempotency-Key was used for another request"}
    assert Note.objects.filter(case=case).count() == 1
    assert events_since(since) == []


def test_keys_belong_to_their_user(world: World) -> None:
    case = factories.active_case(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    assert post(token_client(world.cm), path, NOTE, "shared").status_code == 201
    assert post(token_client(world.supervisor), path, NOTE, "shared").status_code == 201
    assert Note.objects.filter(case=case).count() == 2


def test_without_a_key_every_post_writes(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    post(client, path, NOTE, None)
    post(client, path, NOTE, None)
    assert Note.objects.filter(case=case).count() == 2
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_422(world: World, key: str) -> None:
    case = factories.active_case(world.cm)
    response = post(token_client(world.cm), f"/api/v1/cases/{case.pk}/notes", NOTE, key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Note.objects.filter(case=case).count() == 0


def test_a_refusal_is_replayed_too(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    bad = {"kind": "progress", "text": ""}
    first = post(client, path, bad, "bad-1")
    again = post(client, path, bad, "bad-1")
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_a_key_expires_after_a_day(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    assert post(client, path, NOTE, "daily").status_code == 201
    with time_machine.travel(clock.now() + timedelta(hours=24, seconds=1), tick=False):
        assert "Idempotent-Replayed" not in post(client, path, NOTE, "daily")
    assert Note.objects.filter(case=case).count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_an_unauthenticated_keyed_post_is_401(world: World) -> None:
    response = post(Client(), "/api/v1/referrals", intake_body(), "anon")
    assert response.status_code == 401
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_write_once(fresh_world: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's write lock serialises them (the in-memory test database "
                    "answers 'locked' instead of waiting)")  # fmt: skip
    case = factories.active_case(fresh_world.cm)
    path = f"/api/v1/cases/{case.pk}/notes"
    clients = [token_client(fresh_world.cm) for _ in range(4)]
    responses: list[Any] = [None] * len(clients)
    start = threading.Barrier(len(clients))

    def send(i: int) -> None:
        try:
            start.wait(timeout=10)
            responses[i] = post(clients[i], path, NOTE, "race-1")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [201] * len(clients)
    assert len({r.json()["id"] for r in responses}) == 1
    assert Note.objects.filter(case=case).count() == 1
