"""Records governance through the API and the console: the access export validated as
FHIR R4 (R4B models, ADR 0004), the accounting, bad input, and `casework retention run`."""

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle

from casework.coordination import services as coordination_services
from casework.coordination.models import Communication
from casework.core import clock
from casework.core.models import AuditAction, AuditEvent
from casework.governance.models import AccessRequest, DestructionCertificate, Disclosure
from tests import factories
from tests.api_helpers import (
    call,
    events_since,
    first_error,
    iso,
    last_event_id,
    snapshot,
    token_client,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _communication(world: World, case: Any) -> Communication:
    return coordination_services.communication_create(
        actor=factories.actor(world.cm),
        case=case,
        channel="phone",
        direction="outbound",
        topic="care",
        parties="Consumer",
        summary="Confirmed the ride.",
        occurred_at=clock.now() - timedelta(hours=1),
    )


def test_the_access_export_is_a_valid_fhir_bundle_of_the_record_set(world: World) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "phq2", {"phq2_1": "LA6568-5", "phq2_2": "LA6568-5"})
    item = _communication(world, case)
    client = token_client(world.compliance)
    created = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/access-requests",
        {
            "received_at": iso(clock.now() - timedelta(hours=1)),
            "requested_by": "Self",
            "format": "fhir",
        },
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    since = last_event_id()

    response = call(client, "GET", f"/api/v1/access-requests/{request_id}/export")

    assert response.status_code == 200, response.content
    bundle = Bundle.model_validate(response.json())
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    assert kinds == ["Patient", "Communication", "QuestionnaireResponse"]
    assert bundle.entry[1].resource.id == f"communication-{item.pk}"
    assert [(e.action, e.object_type, e.consumer_id, e.detail) for e in events_since(since)] == [
        (AuditAction.EXPORT, "access_request", case.consumer_id, {"resources": 3})
    ]


def test_the_request_shows_its_clock_and_the_extension_moves_it(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = token_client(world.compliance)
    created = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/access-requests",
        {
            "received_at": iso(clock.now() - timedelta(hours=1)),
            "requested_by": "Self",
            "format": "pdf",
        },
    ).json()
    due = created["clock"]["due_at"]
    extended = call(
        client,
        "POST",
        f"/api/v1/access-requests/{created['id']}/extend",
        {"version": 1, "reason": "Records in off-site storage"},
    )
    assert extended.status_code == 200, extended.content
    body = extended.json()
    assert (body["version"], body["clock"]["rule_code"], len(body["clock"]["extensions"])) == (
        2,
        "H-ACC",
        1,
    )
    assert body["clock"]["due_at"] > due


def test_a_disclosure_with_an_unknown_authority_is_422_and_changes_nothing(
    world: World,
) -> None:
    case = factories.referred_case(world.cm)
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()
    response = call(
        client,
        "POST",
        f"/api/v1/consumers/{case.consumer_id}/disclosures",
        {
            "disclosed_at": iso(clock.now() - timedelta(hours=1)),
            "recipient": "Sheriff",
            "channel": "fax",
            "description": "Address",
            "purpose": "Warrant",
            "authority": "curiosity",
        },
    )
    assert response.status_code == 422
    assert first_error(response)[0] == ["body", "authority"]
    assert snapshot() == before and events_since(since) == []


def test_the_accounting_lists_the_consumers_disclosures_oldest_first(world: World) -> None:
    case = factories.referred_case(world.cm)
    cm = token_client(world.cm)
    for recipient in ("APS", "Court"):
        assert (
            call(
                cm,
                "POST",
                f"/api/v1/consumers/{case.consumer_id}/disclosures",
                {
                    "disclosed_at": iso(clock.now() - timedelta(hours=2)),
                    "recipient": recipient,
                    "channel": "mail",
                    "description": "Care plan",
                    "purpose": "Order",
                    "authority": "judicial",
                },
            ).status_code
            == 201
        )
    response = call(
        token_client(world.compliance),
        "GET",
        f"/api/v1/consumers/{case.consumer_id}/disclosure-accounting",
    )
    assert [d["recipient"] for d in response.json()["disclosures"]] == ["APS", "Court"]
    assert Disclosure.objects.filter(consumer_id=case.consumer_id).count() == 2


def test_a_retention_setting_below_the_floor_is_422_naming_years(world: World) -> None:
    client = token_client(world.compliance)
    since = last_event_id()
    response = call(
        client,
        "POST",
        "/api/v1/retention/schedule",
        {"record_type": "access_request", "years": 3, "reason": "Shorter"},
    )
    assert response.status_code == 422
    assert first_error(response)[0] == ["body", "years"]
    assert events_since(since) == []


def test_the_console_run_is_a_dry_run_unless_applied(world: World) -> None:
    case = factories.active_case(world.cm)
    item = _communication(world, case)
    later = clock.now() + timedelta(days=11 * 366)
    with time_machine.travel(later, tick=False):
        out = io.StringIO()
        call_command("retention", "run", "--as", world.compliance.username, stdout=out)
        assert "communication: keep 10 years" in out.getvalue()
        assert f"1 due [{item.pk}]" in out.getvalue()
        assert Communication.objects.filter(pk=item.pk).exists()
        out = io.StringIO()
        call_command("retention", "run", "--apply", "--as", world.compliance.username, stdout=out)
    certificate = DestructionCertificate.objects.get()
    assert f"certificate {certificate.pk}: destroyed 1 communication" in out.getvalue()
    assert not Communication.objects.filter(pk=item.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="communication").count() == 1


def test_the_console_refuses_a_role_without_privacy_manage(world: World) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"privacy\.manage"):
        call_command("retention", "run", "--as", world.cm.username)
    assert AccessRequest.objects.count() == 0
