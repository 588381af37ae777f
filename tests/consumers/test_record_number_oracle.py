"""A record number (MRN) is no oracle (S5, issue 12 defect 9).

Before, a case manager who gave a new consumer a record number that another consumer
of the program held got a 422 naming the constraint: they learned the number exists,
from a consumer they do not reach, and nothing was audited. Now the answer for a
number held by a consumer they do not reach is the answer for a number nobody holds
(the record is taken, and awaits a supervisor's link); the audit event names the
match. Someone who reaches the holder refers that consumer (issue 13 item 9: a
returning consumer is linked, not created again).
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services as case_services
from casework.cases.models import Case
from casework.consumers import services
from casework.consumers.models import Consumer
from casework.core.errors import ValidationFailed
from casework.core.models import AuditEvent
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, session_client, snapshot
from tests.cases.test_api import intake_body
from tests.conftest import World

pytestmark = pytest.mark.django_db

HELD = "MRN-HELD-1"


@pytest.fixture
def holder(world: World) -> Consumer:
    """A consumer of the program on cm's caseload, out of cm2's reach."""
    return factories.consumer_of(factories.referred_case(world.cm, mrn=HELD))


def _refer(user: Any, mrn: str) -> Any:
    """A referral of Maria Lopez with record number `mrn`; said to be a different person
    from any Maria Lopez of the same birth date the user works with (issue 13 item 9)."""
    return call(
        session_client(user),
        "POST",
        "/api/v1/referrals",
        intake_body(
            consumer={**intake_body()["consumer"], "mrn": mrn}, duplicate_decision="different"
        ),
    )


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """A referral's answer without what differs between any two referrals."""
    return {
        **{k: v for k, v in body.items() if k not in ("id", "consumer", "referral", "opened_at")},
        "consumer": {k: v for k, v in body["consumer"].items() if k != "id"},
    }


def test_api_a_held_number_is_answered_as_a_new_one(world: World, holder: Consumer) -> None:
    held = _refer(world.cm2, HELD)
    fresh = _refer(world.cm2, "MRN-NEVER-SEEN")

    assert (held.status_code, fresh.status_code) == (201, 201)
    assert _shape(held.json())["consumer"]["mrn"] == HELD
    assert _shape(held.json()) == {
        **_shape(fresh.json()),
        "consumer": {**_shape(fresh.json())["consumer"], "mrn": HELD},
    }


def test_api_the_held_number_awaits_a_link_and_the_probe_is_audited(
    world: World, holder: Consumer
) -> None:
    since = last_event_id()

    response = _refer(world.cm2, HELD)

    case = Case.objects.get(pk=response.json()["id"])
    taken = Consumer.objects.get(pk=case.consumer_id)
    assert (taken.mrn, taken.mrn_link_pending) == (HELD, True)
    assert Consumer.objects.get(pk=holder.pk).mrn_link_pending is False
    (event,) = events_since(since)
    assert (event.action, event.consumer_id, event.actor_id) == ("create", taken.pk, world.cm2.pk)
    assert (event.detail["mrn_link_pending"], event.detail["mrn_holder"]) == (True, holder.pk)


def test_api_a_fresh_number_is_not_pending(world: World, holder: Consumer) -> None:
    since = last_event_id()

    response = _refer(world.cm2, "MRN-FRESH")

    taken = Case.objects.get(pk=response.json()["id"]).consumer
    assert taken.mrn_link_pending is False
    (event,) = events_since(since)
    assert "mrn_link_pending" not in event.detail


def test_api_someone_who_reaches_the_holder_is_linked_to_them(
    world: World, holder: Consumer
) -> None:
    (case,) = Case.objects.filter(consumer=holder)
    case_services.case_withdraw(
        actor=factories.actor(world.cm), case=case, version=case.version, reason="moved"
    )
    before = Consumer.objects.count()

    response = _refer(world.cm, HELD)

    assert response.status_code == 201
    assert response.json()["consumer"]["id"] == holder.pk
    assert Consumer.objects.count() == before


def test_api_linking_to_a_holder_with_an_open_case_is_refused(
    world: World, holder: Consumer
) -> None:
    before, since = snapshot(), last_event_id()

    response = _refer(world.cm, HELD)

    assert response.status_code == 409
    assert response.json()["detail"] == "this consumer already has an open case"
    assert (snapshot(), events_since(since)) == (before, [])


def test_api_changing_a_number_to_a_held_one_is_answered_as_any_change(
    world: World, holder: Consumer
) -> None:
    mine = factories.consumer_of(factories.referred_case(world.cm2, mrn="MRN-MINE"))
    other = factories.consumer_of(factories.referred_case(world.cm2, mrn="MRN-MINE-2"))
    client = session_client(world.cm2)
    since = last_event_id()

    held = call(client, "PATCH", f"/api/v1/consumers/{mine.pk}", {"version": 1, "mrn": HELD})
    fresh = call(client, "PATCH", f"/api/v1/consumers/{other.pk}", {"version": 1, "mrn": "F-2"})

    assert (held.status_code, fresh.status_code) == (200, 200)
    assert (held.json()["mrn"], held.json()["version"]) == (HELD, fresh.json()["version"])
    assert set(held.json()) == set(fresh.json())
    assert Consumer.objects.get(pk=mine.pk).mrn_link_pending is True
    assert [e.detail.get("mrn_link_pending") for e in events_since(since)] == [True, None]


def test_pages_a_held_number_is_taken_like_a_new_one(world: World, holder: Consumer) -> None:
    client = Client()
    client.force_login(world.cm2)
    form = {
        "source": "self",
        "reason": "Needs help at home",
        "received_at": "2026-02-01T09:30",
        "complexity": "moderate",
        "severity": "moderate",
        "given_name": "Maria",
        "family_name": "Lopez",
        "birth_date": "1948-05-17",
        "sex": "female",
        "preferred_language": "en",
    }

    held = client.post(reverse("intake"), {**form, "mrn": HELD})
    fresh = client.post(
        reverse("intake"), {**form, "mrn": "MRN-PAGE-FRESH", "duplicate": "different"}
    )

    assert (held.status_code, fresh.status_code) == (302, 302), held.content[:2000]
    assert Consumer.objects.filter(mrn=HELD, mrn_link_pending=True).count() == 1


def test_service_without_reach_takes_the_number_pending(world: World, holder: Consumer) -> None:
    built = services.consumer_build(
        program_id=world.program.pk, **factories.consumer_fields(mrn=HELD)
    )  # type: ignore[arg-type]
    assert (built.mrn, built.mrn_link_pending) == (HELD, True)


def test_service_with_reach_names_the_field(world: World, holder: Consumer) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.consumer_build(
            program_id=world.program.pk,
            reaches=lambda consumer_id: consumer_id == holder.pk,
            **factories.consumer_fields(mrn=HELD),
        )  # type: ignore[arg-type]
    assert list(info.value.errors) == ["mrn"]
    assert AuditEvent.objects.filter(outcome="denied").count() == 0
