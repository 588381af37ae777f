"""The receiving organisation's credential: it reads the handoffs addressed to its
provider and updates their Task status; every other route refuses it, and another
receiver's handoff is 404 (audited) with nothing changed."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from casework.core import clock
from casework.core.models import AuditAction, AuditEvent, AuditOutcome, Deadline, DeadlineState
from casework.transitions import services
from casework.transitions.deadlines import STAY_SUBJECT
from casework.transitions.models import Handoff, PostAcuteProvider, ReceiverCredential
from casework.transitions.rules import TransitionDeadline
from tests import factories
from tests.api_helpers import api_routes, call, events_since, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.transitions.helpers import CONTENTS, admit, discharge, load_providers

pytestmark = pytest.mark.django_db

RECEIVER = "/api/receiver/v1"


def _handoff_to(world: World, ccn: str, visit: str) -> Any:
    provider = PostAcuteProvider.objects.get(program=world.program, ccn=ccn)
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit=visit)
    services.handoff_send(
        actor=factories.actor(world.cm),
        stay=stay,
        receiver_name=provider.name,
        receiver_provider=provider,
        contents=CONTENTS,
    )
    return discharge(stay, world.cm, clock.now() - timedelta(hours=1))


def _client(world: World, ccn: str) -> tuple[ReceiverCredential, Client]:
    provider = PostAcuteProvider.objects.get(program=world.program, ccn=ccn)
    credential, raw = services.receiver_credential_issue(
        provider=provider, name=f"{provider.name} EHR", issued_by="console:test"
    )
    return credential, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def two(world: World) -> tuple[Any, Any]:
    load_providers(world.program)
    return _handoff_to(world, "105001", "R1"), _handoff_to(world, "105002", "R2")


def test_the_receiver_lists_reads_and_confirms_its_own_handoff(
    world: World, two: tuple[Any, Any]
) -> None:
    mine, _theirs = two
    credential, client = _client(world, "105001")
    since = last_event_id()

    listed = client.get(f"{RECEIVER}/handoffs")
    assert listed.status_code == 200
    assert [(i["stay_id"], i["task_status"]) for i in listed.json()["items"]] == [
        (mine.pk, "requested")
    ]
    assert listed.json()["count"] == 1

    bundle = client.get(f"{RECEIVER}/handoffs/{mine.pk}/fhir")
    assert bundle.status_code == 200
    assert Bundle.model_validate(bundle.json()).entry[0].resource.__resource_type__ == (
        "Composition"
    )

    update = call(
        client,
        "PUT",
        f"{RECEIVER}/fhir/Task/handoff-{mine.pk}",
        {"resourceType": "Task", "status": "accepted"},
    )
    assert update.status_code == 200, update.content
    assert update.json()["status"] == "accepted"
    handoff = Handoff.objects.get(stay=mine)
    assert (handoff.task_status, handoff.receipt_method, handoff.received_by) == (
        "accepted",
        "task",
        credential.audit_name,
    )
    assert Deadline.objects.get(
        subject_type=STAY_SUBJECT, subject_id=mine.pk, kind=TransitionDeadline.HANDOFF_RECEIPT
    ).state == (DeadlineState.MET)
    events = events_since(since)
    assert [(e.action, e.outcome, e.actor_username, e.consumer_id) for e in events] == [
        (AuditAction.LIST, AuditOutcome.SUCCESS, credential.audit_name, None),
        (AuditAction.READ, AuditOutcome.SUCCESS, credential.audit_name, mine.consumer_id),
        (AuditAction.UPDATE, AuditOutcome.SUCCESS, credential.audit_name, mine.consumer_id),
    ]
    assert events[0].detail["ids"] == [handoff.pk]


def test_another_receivers_handoff_is_404_audited_and_unchanged(
    world: World, two: tuple[Any, Any]
) -> None:
    _mine, theirs = two
    credential, client = _client(world, "105001")
    assert client.get(f"{RECEIVER}/handoffs").status_code == 200  # its last use is now
    before, since = snapshot(), last_event_id()

    read = client.get(f"{RECEIVER}/handoffs/{theirs.pk}/fhir")
    update = call(
        client,
        "PUT",
        f"{RECEIVER}/fhir/Task/handoff-{theirs.pk}",
        {"resourceType": "Task", "status": "completed"},
    )

    assert (read.status_code, update.status_code) == (404, 404)
    assert snapshot() == before
    assert Handoff.objects.get(stay=theirs).task_status == "requested"
    assert [
        (e.action, e.outcome, e.actor_username, e.consumer_id, e.object_id)
        for e in events_since(since)
    ] == [
        (AuditAction.READ, AuditOutcome.DENIED, credential.audit_name, None, str(theirs.pk)),
        (AuditAction.UPDATE, AuditOutcome.DENIED, credential.audit_name, None, str(theirs.pk)),
    ]


def test_a_bad_task_status_is_422_and_changes_nothing(world: World, two: tuple[Any, Any]) -> None:
    mine, _theirs = two
    _credential, client = _client(world, "105001")
    assert client.get(f"{RECEIVER}/handoffs").status_code == 200  # its last use is now
    before, since = snapshot(), last_event_id()
    response = call(
        client, "PUT", f"{RECEIVER}/fhir/Task/handoff-{mine.pk}", {"resourceType": "Task"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
    assert snapshot() == before
    assert events_since(since) == []


def _filled(template: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "1", template)


def test_the_receiver_credential_is_refused_on_every_staff_route(
    world: World, two: tuple[Any, Any]
) -> None:
    mine, _theirs = two
    _credential, client = _client(world, "105001")
    before, since = snapshot(), last_event_id()
    routes = sorted(api_routes())
    assert len(routes) > 100
    for method, template in routes:
        path = _filled(template).replace("/1/", f"/{mine.pk}/")
        response = call(client, method, path, {})
        assert response.status_code == 401, (method, template, response.status_code)
    # the staff API's own Task route for the same handoff
    task = call(
        client,
        "PUT",
        f"/api/v1/fhir/Task/handoff-{mine.pk}",
        {"resourceType": "Task", "status": "completed"},
    )
    assert task.status_code == 401
    # and the pages: a bearer credential is no session
    for page in ["/", f"/stays/{mine.pk}/transition/", "/follow-up/"]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")
    assert snapshot() == before
    assert events_since(since) == []


def test_staff_tokens_anonymous_and_revoked_credentials_are_refused_by_the_receiver_api(
    world: World, two: tuple[Any, Any]
) -> None:
    mine, _theirs = two
    credential, client = _client(world, "105001")
    services.receiver_credential_revoke(credential_id=credential.pk, revoked_by="console:test")
    clients = [client, Client(), token_client(world.cm), token_client(world.admin)]
    before, since = snapshot(), last_event_id()
    for who in clients:
        for method, path in [
            ("GET", f"{RECEIVER}/handoffs"),
            ("GET", f"{RECEIVER}/handoffs/{mine.pk}/fhir"),
            ("PUT", f"{RECEIVER}/fhir/Task/handoff-{mine.pk}"),
        ]:
            response = call(who, method, path, {"resourceType": "Task", "status": "completed"})
            assert response.status_code == 401, (method, path)
    assert snapshot() == before
    assert events_since(since) == []
    assert Handoff.objects.get(stay=mine).task_status == "requested"


def test_issuing_needs_a_name_and_audits_a_privilege_event(world: World) -> None:
    load_providers(world.program)
    provider = PostAcuteProvider.objects.get(program=world.program, ccn="105001")
    since = last_event_id()
    with pytest.raises(Exception, match="name the receiving system"):
        services.receiver_credential_issue(provider=provider, name="  ")
    assert ReceiverCredential.objects.count() == 0
    credential, raw = services.receiver_credential_issue(provider=provider, name="Sunrise EHR")
    assert raw.startswith("cwr_") and len(raw) == 47
    assert credential.key_hash != raw and raw not in str(AuditEvent.objects.last().detail)
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        (AuditAction.PRIVILEGE, "receiver_credential")
    ]
