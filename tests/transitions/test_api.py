"""The transitions API: the FHIR handoff validated with fhir.resources (R4B), the
receiver's Task update with an interface account's token, bad input (422 naming the
field, nothing written), the referral's Gravity pair, and pinned query counts."""

from datetime import timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome, Deadline, DeadlineState
from casework.transitions import services
from casework.transitions.deadlines import STAY_SUBJECT
from casework.transitions.models import FollowUpAttempt, Handoff
from casework.transitions.rules import TransitionDeadline
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.resources.directory import service as resource_service
from tests.transitions.helpers import CONTENTS, admit, discharge

pytestmark = pytest.mark.django_db


def _discharged_with_handoff(world: World) -> Any:
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="A1")
    services.handoff_send(
        actor=factories.actor(world.cm), stay=stay, receiver_name="Sunrise SNF", contents=CONTENTS
    )
    return discharge(stay, world.cm, clock.now() - timedelta(hours=1))


def test_the_handoff_bundle_is_valid_fhir_with_every_section(world: World) -> None:
    stay = _discharged_with_handoff(world)
    response = call(token_client(world.cm), "GET", f"/api/v1/stays/{stay.pk}/handoff/fhir")
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    assert kinds == [
        "Composition",
        "Task",
        "Condition",
        "Condition",
        "MedicationStatement",
        "MedicationStatement",
        "MedicationStatement",
        "AllergyIntolerance",
        "ServiceRequest",
        "Appointment",
    ]
    composition = bundle.entry[0].resource
    assert [section.title for section in composition.section] == [
        "Reason for the stay",
        "Problems",
        "Medicines to start",
        "Medicines to stop",
        "Medicines changed",
        "Allergies",
        "Pending tests",
        "Follow-up appointments",
        "Goals of care and preferences",
        "Contacts",
    ]
    statuses = [
        e.resource.status
        for e in bundle.entry
        if e.resource.__resource_type__ == "MedicationStatement"
    ]
    assert statuses == ["intended", "active", "stopped"]


def test_the_receiver_confirms_receipt_by_updating_the_task(world: World) -> None:
    stay = _discharged_with_handoff(world)
    client = token_client(world.cm)  # the API token of an account that reaches the stay
    since = last_event_id()
    response = call(
        client,
        "PUT",
        f"/api/v1/fhir/Task/handoff-{stay.pk}",
        {"resourceType": "Task", "status": "completed"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["resourceType"], response.json()["status"]) == ("Task", "completed")
    handoff = Handoff.objects.get(stay=stay)
    assert (handoff.receipt_method, handoff.received_by) == ("task", world.cm.username)
    row = Deadline.objects.get(
        subject_type=STAY_SUBJECT, subject_id=stay.pk, kind=TransitionDeadline.HANDOFF_RECEIPT
    )
    assert row.state == DeadlineState.MET
    assert [(e.action, e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditAction.UPDATE, AuditOutcome.SUCCESS, "handoff")
    ]


def test_a_task_status_that_is_not_one_is_422_and_changes_nothing(world: World) -> None:
    stay = _discharged_with_handoff(world)
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()
    response = call(
        client,
        "PUT",
        f"/api/v1/fhir/Task/handoff-{stay.pk}",
        {"resourceType": "Task", "status": "done"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_handoff_without_contacts_is_422_naming_the_field(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=1), visit="A2")
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()
    body = {
        "receiver_name": "Sunrise SNF",
        "contents": {"reason_for_stay": "Pneumonia", "allergies": ["none known"], "contacts": []},
    }
    response = call(client, "POST", f"/api/v1/stays/{stay.pk}/handoff", body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "contacts"],
                "msg": "at least one entry (write 'none known' when there is none)",
                "type": "value_error",
            }
        ]
    }
    assert snapshot() == before
    assert events_since(since) == []


def test_an_unknown_channel_is_422_and_no_attempt_is_logged(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=2), visit="A3")
    discharge(stay, world.cm, clock.now() - timedelta(hours=1))
    body = {"attempted_at": clock.now().isoformat(), "channel": "pigeon", "outcome": "reached"}
    response = call(
        token_client(world.cm), "POST", f"/api/v1/stays/{stay.pk}/follow-up-attempts", body
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "channel"]
    assert FollowUpAttempt.objects.count() == 0


def test_another_caseload_cannot_confirm_a_handoff(world: World) -> None:
    stay = _discharged_with_handoff(world)
    client = token_client(world.cm2)
    before, since = snapshot(), last_event_id()
    response = call(
        client,
        "POST",
        f"/api/v1/stays/{stay.pk}/handoff/receipt",
        {"confirmed_by": "x"},
    )
    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_the_referral_is_a_gravity_service_request_and_task(world: World) -> None:
    case = factories.active_case(world.cm)
    svc = resource_service(1, "Food pantry", need="BD-1800")
    client = token_client(world.cm)
    sent = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/community-referrals",
        {"service_id": str(svc.pk), "need": "Food insecurity"},
    )
    assert sent.status_code == 201, sent.content
    referral_id = sent.json()["id"]
    accepted = call(
        client, "POST", f"/api/v1/community-referrals/{referral_id}/status", {"status": "accepted"}
    )
    assert accepted.json()["status"] == "accepted"
    bundle = Bundle.model_validate(
        call(client, "GET", f"/api/v1/community-referrals/{referral_id}/fhir").json()
    )
    request, task = (entry.resource for entry in bundle.entry)
    assert (request.__resource_type__, request.status, request.intent) == (
        "ServiceRequest",
        "active",
        "order",
    )
    assert (task.__resource_type__, task.status, task.focus.reference) == (
        "Task",
        "accepted",
        f"ServiceRequest/referral-{referral_id}",
    )


def test_completing_a_sent_referral_is_409(world: World) -> None:
    case = factories.active_case(world.cm)
    svc = resource_service(2, "Rides", need="BT-4500")
    client = token_client(world.cm)
    referral_id = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/community-referrals",
        {"service_id": str(svc.pk), "need": "Rides"},
    ).json()["id"]
    response = call(
        client, "POST", f"/api/v1/community-referrals/{referral_id}/status", {"status": "completed"}
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "a sent referral cannot become completed"}


def test_the_transition_read_takes_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    stay = _discharged_with_handoff(world)
    client = token_client(world.cm)
    with django_assert_max_num_queries(30):
        response = call(client, "GET", f"/api/v1/stays/{stay.pk}/transition")
    assert response.status_code == 200
    assert sorted(c["kind"] for c in response.json()["clocks"]) == [
        TransitionDeadline.FOLLOW_UP,
        TransitionDeadline.HANDOFF_RECEIPT,
        TransitionDeadline.TCM_CONTACT,
    ]
