"""Assessments under 42 CFR Part 2 (S40): a response labelled Part 2 (explicitly, or by an
instrument marked Part 2) is segmented by the same rule as Part 2 notes: its assessor and
the roles the consumer's Part 2 consent names see it, never under break-glass; every page,
PDF and FHIR output that shows it carries the labels and the 2.32 notice."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from casework.assessments import rules
from casework.assessments.models import AssessmentResponse
from casework.cases.models import Case
from casework.coordination import services as coordination_services
from casework.coordination.rules import PART2_NOTICE
from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from casework.core.roles import Role
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

ZERO = {"phq2_1": "LA6568-5", "phq2_2": "LA6568-5"}
SECURITY = [
    ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
]
SUD_TITLE = "Substance use screen (test)"


def test_an_instrument_is_part2_only_when_its_definition_says_true() -> None:
    assert rules.is_part2({"part2": True}) is True
    assert rules.is_part2({"part2": "yes"}) is False
    assert rules.is_part2({}) is False


def _records(world: World) -> tuple[Case, AssessmentResponse, AssessmentResponse]:
    case = factories.active_case(world.cm)
    factories.part2_instrument()
    plain = factories.assessment(world.cm, case, "phq2", ZERO)
    secret = factories.assessment(world.cm, case, factories.PART2_INSTRUMENT, ZERO)
    return case, plain, secret


def _consent(world: World, case: Case, role: str) -> None:
    coordination_services.part2_consent_grant(
        actor=factories.actor(world.cm), case=case, role=role, scope="Care coordination"
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_response_to_an_instrument_marked_part2_is_labelled_and_audited_so(
    world: World,
) -> None:
    _, plain, secret = _records(world)

    assert (plain.part2, secret.part2) == (False, True)
    created = AuditEvent.objects.filter(object_type="assessment_response", action="create")
    event = created.get(object_id=str(secret.pk))
    assert (event.action, event.detail["part2"]) == (AuditAction.CREATE, True)
    assert "part2" not in created.get(object_id=str(plain.pk)).detail


def test_the_api_labels_a_response_recorded_as_part2(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)

    response = client.post(
        f"/api/v1/cases/{case.pk}/assessments",
        {"instrument": "phq2", "answers": ZERO, "participants": "Consumer", "part2": True},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["part2"], body["security_labels"], body["redisclosure_notice"]) == (
        True,
        ["R", "ETH"],
        PART2_NOTICE,
    )


def test_the_form_records_a_part2_response(world: World) -> None:
    case = factories.active_case(world.cm)
    data = ZERO | {"participants": "Consumer", "language": "en", "part2": "on"}

    response = _client(world.cm).post(f"/cases/{case.pk}/assessments/new/phq2/", data)

    assert response.status_code == 302
    assert AssessmentResponse.objects.get(case=case).part2 is True


def test_the_assessor_sees_it_on_the_case_page_with_the_notice(world: World) -> None:
    case, _, _ = _records(world)

    html = _client(world.cm).get(reverse("case_detail", args=[case.pk])).content.decode()

    assert SUD_TITLE in html
    assert html.count("protected by Federal confidentiality rules") == 1


def test_without_consent_the_supervisor_page_leaves_it_out(world: World) -> None:
    case, _, _ = _records(world)

    html = _client(world.supervisor).get(reverse("case_detail", args=[case.pk])).content.decode()

    assert "Patient Health Questionnaire-2" in html
    assert SUD_TITLE not in html
    assert "protected by Federal confidentiality rules" not in html


def test_without_consent_the_api_list_leaves_it_out_and_its_id_unlogged(world: World) -> None:
    case, plain, _ = _records(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/assessments")

    assert response.status_code == 200
    assert (response.json()["count"], [r["id"] for r in response.json()["items"]]) == (
        1,
        [plain.pk],
    )
    assert [e.detail.get("ids") for e in events_since(since)] == [[plain.pk]]


def test_a_consent_naming_the_role_lists_it_with_labels_and_notice(world: World) -> None:
    case, plain, secret = _records(world)
    _consent(world, case, Role.SUPERVISOR)

    response = token_client(world.supervisor).get(f"/api/v1/cases/{case.pk}/assessments")

    items = {r["id"]: r for r in response.json()["items"]}
    assert sorted(items) == sorted([plain.pk, secret.pk])
    assert (items[secret.pk]["security_labels"], items[secret.pk]["redisclosure_notice"]) == (
        ["R", "ETH"],
        PART2_NOTICE,
    )
    assert (items[plain.pk]["security_labels"], items[plain.pk]["redisclosure_notice"]) == (
        [],
        None,
    )


@pytest.mark.parametrize("suffix", ["", "pdf/"])
def test_without_consent_its_summary_is_404_with_one_denial(world: World, suffix: str) -> None:
    case, _, secret = _records(world)
    since = last_event_id()

    response = _client(world.supervisor).get(f"/cases/{case.pk}/assessments/{secret.pk}/{suffix}")

    assert response.status_code == 404
    assert [(e.outcome, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "assessment_response", None)
    ]


def test_without_consent_its_fhir_is_404_with_one_denial(world: World) -> None:
    _, _, secret = _records(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    response = client.get(f"/api/v1/assessments/{secret.pk}/fhir")

    assert response.status_code == 404
    assert [(e.outcome, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, None)
    ]


def test_a_covered_role_reads_the_summary_with_the_notice(world: World) -> None:
    case, _, secret = _records(world)
    _consent(world, case, Role.SUPERVISOR)

    page = _client(world.supervisor).get(f"/cases/{case.pk}/assessments/{secret.pk}/")

    assert page.status_code == 200
    assert page.content.decode().count(PART2_NOTICE) == 1


def test_the_pdf_carries_the_notice(world: World) -> None:
    case, plain, secret = _records(world)
    client = _client(world.cm)

    secret_pdf = client.get(f"/cases/{case.pk}/assessments/{secret.pk}/pdf/")
    plain_pdf = client.get(f"/cases/{case.pk}/assessments/{plain.pk}/pdf/")

    def text(download: Any) -> str:
        reader = PdfReader(io.BytesIO(download.content))
        return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)

    assert "42 CFR Part 2 record" in text(secret_pdf)
    assert "protected by Federal confidentiality rules (42 CFR part 2)" in text(secret_pdf)
    assert "42 CFR" not in text(plain_pdf)


def test_the_fhir_output_carries_the_security_labels_and_the_notice(world: World) -> None:
    case, plain, secret = _records(world)
    _consent(world, case, Role.SUPERVISOR)
    client = token_client(world.supervisor)

    body = client.get(f"/api/v1/assessments/{secret.pk}/fhir").json()
    plain_body = client.get(f"/api/v1/assessments/{plain.pk}/fhir").json()

    bundle = Bundle.model_validate(body)
    labels = {
        tuple((c.system, c.code) for c in entry.resource.meta.security) for entry in bundle.entry
    }
    assert labels == {tuple(SECURITY)}
    assert PART2_NOTICE in body["entry"][0]["resource"]["text"]["div"]
    assert [e["resource"].get("meta") for e in plain_body["entry"]] == [None] * len(
        plain_body["entry"]
    )
    assert "text" not in plain_body["entry"][0]["resource"]


def test_break_glass_never_opens_it(world: World) -> None:
    case, plain, secret = _records(world)
    _consent(world, case, Role.CASE_MANAGER)
    client = _client(world.cm2)
    client.post(
        reverse("break_glass_declare"),
        {"record_number": case.consumer.mrn, "reason": "Overdose in the waiting room now"},
    )

    page = client.get(reverse("case_detail", args=[case.pk]))
    opened_plain = client.get(f"/cases/{case.pk}/assessments/{plain.pk}/")
    since = last_event_id()
    opened_secret = client.get(f"/cases/{case.pk}/assessments/{secret.pk}/")

    assert page.status_code == 200
    assert "Patient Health Questionnaire-2" in page.content.decode()
    assert SUD_TITLE not in page.content.decode()
    assert (opened_plain.status_code, opened_secret.status_code) == (200, 404)
    assert [e.outcome for e in events_since(since)] == [AuditOutcome.DENIED]


def _export(world: World, case: Case) -> dict[str, Any]:
    from casework.core import clock
    from casework.governance import services as governance_services

    request = governance_services.access_request_receive(
        actor=factories.actor(world.compliance),
        consumer=case.consumer,
        received_at=clock.now(),
        requested_by="The consumer",
        format="fhir",
    )
    response = token_client(world.compliance).get(f"/api/v1/access-requests/{request.pk}/export")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_the_access_export_leaves_out_a_part2_record_no_consent_covers(world: World) -> None:
    case, plain, _ = _records(world)

    body = _export(world, case)

    ids = [e["resource"]["id"] for e in body["entry"]]
    assert ids == [str(case.consumer_id), f"response-{plain.pk}"]
    assert "meta" not in body


def test_the_access_export_labels_a_part2_record_its_consent_covers(world: World) -> None:
    case, plain, secret = _records(world)
    _consent(world, case, Role.COMPLIANCE_OFFICER)

    body = _export(world, case)

    bundle = Bundle.model_validate(body)
    ids = [e.resource.id for e in bundle.entry]
    assert ids == [str(case.consumer_id), f"response-{plain.pk}", f"response-{secret.pk}"]
    assert [(c.system, c.code) for c in bundle.meta.security] == SECURITY
    assert [(c.system, c.code) for c in bundle.entry[2].resource.meta.security] == SECURITY
    assert bundle.entry[1].resource.meta is None
