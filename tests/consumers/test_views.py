"""Pages for the consumer and their support system (C4)."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.models import CaseState, Consent
from casework.consumers.forms import ConsumerEditForm
from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_second_legal_decision_maker_is_a_field_error_from_the_service(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world.cm)
    url = reverse("support_person_create", args=[case.pk])
    first = {"name": "Luis", "relationship": "child", "is_legal_decision_maker": "on"}
    assert client.post(url, first).status_code == 302
    second = {"name": "Marta", "relationship": "sibling", "is_legal_decision_maker": "on"}
    response = client.post(url, second)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_is_legal_decision_maker"' in html
    assert "this consumer already has a legal decision maker" in html
    assert list(SupportPerson.objects.values_list("name", flat=True)) == ["Luis"]


def test_a_surrogate_consents_for_a_consumer_who_does_not_decide(world: World) -> None:
    case = factories.referred_case(world.cm, makes_own_decisions=False)
    factories.give_enrollment_notices(world.cm, case)
    client = signed_in(world.cm)
    client.post(
        reverse("support_person_create", args=[case.pk]),
        {"name": "Luis", "relationship": "guardian", "is_legal_decision_maker": "on"},
    )
    guardian = SupportPerson.objects.get()
    form = client.get(reverse("consent_create", args=[case.pk])).content.decode()
    assert 'value="surrogate" checked' in form
    response = client.post(
        reverse("consent_create", args=[case.pk]),
        {
            "decision": "granted",
            "given_by": "surrogate",
            "surrogate": guardian.pk,
            "method": "written",
            "decided_at": "2026-01-02T10:00",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, consent.surrogate_id) == ("surrogate", guardian.pk)
    case.refresh_from_db()
    assert case.state == CaseState.ENGAGED


def test_the_consumer_deciding_when_they_cannot_is_a_field_error(world: World) -> None:
    case = factories.referred_case(world.cm, makes_own_decisions=False)
    response = signed_in(world.cm).post(
        reverse("consent_create", args=[case.pk]),
        {
            "decision": "granted",
            "given_by": "consumer",
            "method": "written",
            "decided_at": "2026-01-02T10:00",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_given_by_0"' in response.content.decode()
    assert Consent.objects.count() == 0


def test_revoking_consent_stops_the_clinical_forms(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    form = client.get(reverse("consent_create", args=[case.pk])).content.decode()
    assert 'value="revoked"' in form
    assert 'value="granted"' not in form
    client.post(
        reverse("consent_create", args=[case.pk]),
        {
            "decision": "revoked",
            "given_by": "consumer",
            "method": "verbal",
            "decided_at": "2026-01-02T10:00",
        },
    )
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert ">Write note<" not in page
    assert ">Add work item<" not in page
    assert "Revoked" in page


def test_an_advance_directive_shows_in_the_key_facts(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world.cm)
    response = client.post(
        reverse("advance_directive_create", args=[case.pk]),
        {"kind": "polst", "document_date": "2025-05-01", "location": "Fridge door"},
    )
    assert response.status_code == 302
    assert AdvanceDirective.objects.get().kind == "polst"
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "POLST / MOLST" in page
    assert "kept at Fridge door" in page


def test_the_consumer_page_writes_one_read_event_and_lists_the_cases(world: World) -> None:
    case = factories.referred_case(world.cm)
    client = signed_in(world.cm)
    before = AuditEvent.objects.count()
    response = client.get(reverse("consumer_detail", args=[case.consumer_id]))
    assert response.status_code == 200
    assert reverse("case_detail", args=[case.pk]) in response.content.decode()
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize(("role", "shown"), [("supervisor", True), ("cm", False)])
def test_the_consumer_page_links_to_the_merge_only_for_those_who_may_merge(
    world: World, role: str, shown: bool
) -> None:
    case = factories.referred_case(world.cm)
    page = signed_in(getattr(world, role)).get(reverse("consumer_detail", args=[case.consumer_id]))
    link = f'href="{reverse("consumer_merge", args=[case.consumer_id])}"'
    assert (page.status_code, link in page.content.decode()) == (200, shown)


def test_the_consumer_page_of_another_program_is_404(world: World) -> None:
    case = factories.referred_case(world.outsider_cm)
    response = signed_in(world.cm).get(reverse("consumer_detail", args=[case.consumer_id]))
    assert response.status_code == 404


def _consumer_form(consumer: Consumer, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it, with ``changes`` applied (unticked boxes absent)."""
    data: dict[str, object] = {
        name: getattr(consumer, name)
        for name in ConsumerEditForm.CONSUMER_FIELDS
        if not isinstance(getattr(consumer, name), bool)
    }
    data["birth_date"] = consumer.birth_date.isoformat()
    data.update(
        {n: "on" for n in ("interpreter_needed", "makes_own_decisions") if getattr(consumer, n)}
    )
    data["version"] = consumer.version
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_editing_the_consumer_changes_language_and_interpreter_need(world: World) -> None:
    case = factories.active_case(world.cm)
    consumer = case.consumer
    assert (consumer.preferred_language, consumer.interpreter_needed) == ("en", False)
    client = signed_in(world.cm)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("consumer_edit", args=[case.pk]),
        _consumer_form(consumer, preferred_language="es", interpreter_needed="on"),
    )
    assert response.status_code == 302
    consumer.refresh_from_db()
    assert (consumer.preferred_language, consumer.interpreter_needed, consumer.version) == (
        "es",
        True,
        2,
    )
    events = AuditEvent.objects.filter(pk__gt=before)
    assert [(e.action, e.object_type, e.consumer_id, e.detail) for e in events] == [
        (
            "update",
            "consumer",
            consumer.pk,
            {"fields": ["interpreter_needed", "preferred_language"]},
        )
    ]


def test_a_bad_birth_date_is_a_field_error_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    consumer = case.consumer
    client = signed_in(world.cm)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("consumer_edit", args=[case.pk]), _consumer_form(consumer, birth_date="1990-02-30")
    )
    assert response.status_code == 200
    assert 'id="id_birth_date-error"' in response.content.decode()
    consumer.refresh_from_db()
    assert consumer.version == 1
    assert not AuditEvent.objects.filter(pk__gt=before).exists()


def test_a_stale_consumer_edit_is_refused_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    consumer = case.consumer
    form = _consumer_form(consumer, given_name="Changed")
    Consumer.objects.filter(pk=consumer.pk).update(version=2)
    response = signed_in(world.cm).post(reverse("consumer_edit", args=[case.pk]), form)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    consumer.refresh_from_db()
    assert (consumer.given_name != "Changed", consumer.version) == (True, 2)


def test_another_caseloads_consumer_cannot_be_edited(world: World) -> None:
    case = factories.active_case(world.other_cm)
    consumer = case.consumer
    response = signed_in(world.cm).post(
        reverse("consumer_edit", args=[case.pk]), _consumer_form(consumer, given_name="Changed")
    )
    assert response.status_code == 404
    consumer.refresh_from_db()
    assert (consumer.given_name != "Changed", consumer.version) == (True, 1)
