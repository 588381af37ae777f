"""The handoff as a PDF: every section in the text, headings in the consumer's language
(Spanish) or English, one audited print per download; no handoff is one denial."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from pypdf import PdfReader

from casework.core import clock
from casework.core.models import AuditAction, AuditOutcome
from casework.transitions import services
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.transitions.helpers import CONTENTS, admit

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _stay_with_handoff(world: World, language: str = "en"):
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="H1")
    stay.consumer.preferred_language = language
    stay.consumer.save(update_fields=["preferred_language"])
    services.handoff_send(
        actor=factories.actor(world.cm), stay=stay, receiver_name="Sunrise SNF", contents=CONTENTS
    )
    return stay


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pdf_holds_every_section_and_is_one_print(world: World) -> None:
    stay = _stay_with_handoff(world)
    since = last_event_id()
    response = _client(world.cm).get(f"/stays/{stay.pk}/transition/handoff.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for heading in [
        "Transition of care handoff",
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
        "Receiving provider: Sunrise SNF",
        "Receipt: not confirmed",
        f"Consumer: {stay.consumer}",
    ]:
        assert heading in text, heading
    for entries in CONTENTS.values():
        for entry in [entries] if isinstance(entries, str) else entries:
            assert entry in text, entry
    events = events_since(since)
    assert [(e.action, e.outcome, e.consumer_id, e.detail) for e in events] == [
        (
            AuditAction.PRINT,
            AuditOutcome.SUCCESS,
            stay.consumer_id,
            {"document": "handoff_pdf", "language": "en"},
        )
    ]


def test_a_spanish_speaking_consumer_gets_spanish_headings(world: World) -> None:
    stay = _stay_with_handoff(world, language="es")
    response = token_client(world.cm).get(f"/api/v1/stays/{stay.pk}/handoff/pdf")
    assert response.status_code == 200
    text = _text(response.content)
    assert "Traspaso de la transición de la atención" in text
    assert "Medicamentos que debe empezar" in text
    assert "Furosemide 40 mg daily" in text
    english = token_client(world.cm).get(f"/api/v1/stays/{stay.pk}/handoff/pdf?language=en")
    assert "Medicines to start" in _text(english.content)


def test_a_stay_without_a_handoff_is_one_denial_and_no_print(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="H2")
    before, since = snapshot(), last_event_id()
    response = _client(world.cm).get(f"/stays/{stay.pk}/transition/handoff.pdf")
    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.action, e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.PRINT, AuditOutcome.DENIED, None)
    ]
