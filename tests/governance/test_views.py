"""Records-governance pages: the governance page (one list event, pinned queries), the
accounting page and PDF, the forms, and refusals."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.governance import services
from casework.governance.models import ComplianceRequirement, Disclosure, LegalHold
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_governance_page_is_one_list_event_with_pinned_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    actor = factories.actor(world.compliance)
    for _ in range(3):
        case = factories.referred_case(world.cm)
        services.legal_hold_place(actor=actor, consumer=case.consumer, reason="Subpoena")
        services.access_request_receive(
            actor=actor,
            consumer=case.consumer,
            received_at=clock.now() - timedelta(hours=1),
            requested_by="Self",
            format="pdf",
        )
    client = client_for(world.compliance)
    since = last_event_id()
    with django_assert_max_num_queries(30):  # type: ignore[operator]
        response = client.get(reverse("governance_overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Subpoena") == 3 and "AR-" in body
    (event,) = events_since(since)
    assert (event.action, event.object_type, len(event.detail["legal_holds"])) == (
        AuditAction.LIST,
        "governance",
        3,
    )


def test_a_case_manager_gets_the_404_of_a_page_that_does_not_exist(world: World) -> None:
    since = last_event_id()
    response = client_for(world.cm).get(reverse("governance_overview"))
    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_a_case_manager_records_a_disclosure_on_the_form(world: World) -> None:
    case = factories.referred_case(world.cm)
    url = reverse("disclosure_create", args=[case.consumer_id])
    client = client_for(world.cm)
    response = client.post(
        url,
        {
            "disclosed_at": factories.typed_time(clock.now() - timedelta(hours=1)),
            "recipient": "Adult Protective Services",
            "channel": "phone",
            "description": "Suspected neglect",
            "purpose": "Mandated report",
            "authority": "abuse_report",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Disclosure.objects.get().recipient == "Adult Protective Services"


def test_a_disclosure_form_with_no_recipient_shows_the_error_and_changes_nothing(
    world: World,
) -> None:
    case = factories.referred_case(world.cm)
    before, since = snapshot(), last_event_id()
    response = client_for(world.cm).post(
        reverse("disclosure_create", args=[case.consumer_id]),
        {"recipient": "", "channel": "phone", "authority": "abuse_report"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["recipient"] == ["This field is required."]
    assert snapshot() == before and events_since(since) == []


def test_the_accounting_pdf_is_one_print_event(world: World) -> None:
    case = factories.referred_case(world.cm)
    services.disclosure_record(
        actor=factories.actor(world.cm),
        consumer=case.consumer,
        disclosed_at=clock.now() - timedelta(hours=1),
        recipient="County court",
        recipient_address="",
        channel="mail",
        description="Assessment",
        purpose="Court order",
        authority="judicial",
    )
    since = last_event_id()
    response = client_for(world.compliance).get(
        reverse("disclosure_accounting", args=[case.consumer_id]) + "?format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert [(e.action, e.consumer_id, e.detail) for e in events_since(since)] == [
        (AuditAction.PRINT, case.consumer_id, {"count": 1, "form": "pdf"})
    ]


def test_a_hold_is_placed_and_released_on_its_pages(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = client_for(world.compliance)
    placed = client.post(
        reverse("legal_hold_create", args=[case.consumer_id]), {"reason": "Litigation"}
    )
    assert placed.status_code == 302
    hold = LegalHold.objects.get()
    released = client.post(
        reverse("legal_hold_release", args=[hold.pk]), {"version": 1, "reason": "Settled"}
    )
    assert released.status_code == 302
    hold.refresh_from_db()
    assert (hold.release_reason, hold.released_by_id) == ("Settled", world.compliance.pk)


def test_a_requirement_is_added_and_reviewed_on_its_pages(world: World) -> None:
    client = client_for(world.compliance)
    added = client.post(
        reverse("governance_requirement_create"),
        {
            "jurisdiction": "US",
            "kind": "regulation",
            "title": "HIPAA Security Rule risk analysis",
            "citation": "45 CFR 164.308(a)(1)",
            "owner_id": world.compliance.pk,
            "review_date": (clock.now().date() + timedelta(days=20)).isoformat(),
            "evidence_links": "https://example.org/risk.pdf\n",
        },
    )
    assert added.status_code == 302, added.content[:2000]
    requirement = ComplianceRequirement.objects.get()
    assert requirement.evidence_links == ["https://example.org/risk.pdf"]
    detail = client.get(reverse("governance_requirement", args=[requirement.pk]))
    assert "due within 30 days" in detail.content.decode()
    reviewed = client.post(
        reverse("governance_requirement_review", args=[requirement.pk]),
        {
            "version": 1,
            "next_review_date": (clock.now().date() + timedelta(days=365)).isoformat(),
            "evidence_links": "https://example.org/risk-2027.pdf",
        },
    )
    assert reviewed.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.version, requirement.evidence_links) == (
        2,
        ["https://example.org/risk-2027.pdf"],
    )


def test_the_accounting_pdf_is_in_the_consumers_language() -> None:
    from datetime import UTC, date, datetime

    from pypdf import PdfReader

    from casework.consumers.models import Consumer
    from casework.governance.documents import accounting_pdf

    consumer = Consumer(
        pk=7,
        given_name="Rosa",
        family_name="Diaz",
        birth_date=date(1950, 1, 2),
        preferred_language="es",
    )
    pdf = accounting_pdf(consumer, [], now=datetime(2026, 12, 3, tzinfo=UTC))
    import io

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Registro de divulgaciones" in text
    assert "No hay divulgaciones que registrar en este período." in text
