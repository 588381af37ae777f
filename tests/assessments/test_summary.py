"""The assessment summary (D1, D2): every asked question with its answer in the language
it was asked in, the score and the findings, as a page and a PDF; each audited once."""

from typing import Any

import pytest
from django.test import Client

from casework.assessments import documents, rules
from casework.assessments.models import AssessmentResponse
from casework.core.models import AuditEvent, AuditOutcome
from tests import factories
from tests.conftest import World
from tests.documents import pdf_text

MINI: dict[str, Any] = {
    "code": "mini",
    "version": "1.0",
    "title": "Mini",
    "questions": [
        {
            "id": "smoke",
            "text": "Do you smoke?",
            "type": "choice",
            "options": [
                {"code": "y", "text": "Yes", "score": 2},
                {"code": "n", "text": "No", "score": 0},
            ],
        },
        {
            "id": "packs",
            "text": "Packs a day",
            "type": "integer",
            "enable_when": {"question": "smoke", "in": ["y"]},
        },
        {
            "id": "help",
            "text": "What help would you like?",
            "type": "multi",
            "options": [
                {"code": "class", "text": "A class"},
                {"code": "patch", "text": "Patches"},
                {"code": "none", "text": "None"},
            ],
        },
        {"id": "notes", "text": "Anything else?", "type": "text"},
    ],
}


def test_answer_rows_follow_skip_logic_and_put_answers_in_words() -> None:
    rows = rules.answer_rows(MINI, {"smoke": "y", "packs": 2, "help": ["patch", "class"]})
    assert rows == [
        rules.AnswerRow("smoke", "Do you smoke?", "Yes", 2),
        rules.AnswerRow("packs", "Packs a day", "2", None),
        rules.AnswerRow("help", "What help would you like?", "Patches; A class", None),
        rules.AnswerRow("notes", "Anything else?", None, None),
    ]
    skipped = rules.answer_rows(MINI, {"smoke": "n"})
    assert [(r.question_id, r.answer) for r in skipped] == [
        ("smoke", "No"),
        ("help", None),
        ("notes", None),
    ]


def test_answer_rows_of_a_translated_instrument_are_in_its_language(
    world: World,
) -> None:
    factories.instruments()
    definition = factories.instrument("cm_comprehensive").definition
    shown = rules.localized(definition, "es")
    assert shown is not None
    first = rules.answer_rows(shown, {"medical_conditions": "unknown"})[0]
    assert first == rules.AnswerRow(
        "medical_conditions",
        "¿Tiene usted enfermedades crónicas que no están bien controladas?",
        "No se sabe",
        None,
    )


def _phq9(world: World) -> AssessmentResponse:
    case = factories.active_case(world.cm)
    answers = dict(factories.PHQ9_ZERO) | {"phq9_1": "LA6571-9", "phq9_9": "LA6569-3"}
    response: AssessmentResponse = factories.assessment(world.cm, case, "phq9", answers)
    return response


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_summary_page_shows_every_answer_score_and_flag_with_one_read(world: World) -> None:
    response = _phq9(world)
    client = _client(world.cm)
    before = AuditEvent.objects.count()

    page = client.get(f"/cases/{response.case_id}/assessments/{response.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<tr>") == 1 + 10  # header and nine items plus the difficulty question
    assert "Little interest or pleasure in doing things</td>" in html
    assert "<td>Nearly every day</td>" in html
    assert "<strong>4</strong> Minimal depression" in html
    assert "Thoughts of death or self-harm reported (PHQ-9 item 9)" in html
    assert html.count("Not answered") == 1
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.object_id, e.consumer_id) for e in events] == [
        ("read", "assessment_response", str(response.pk), response.case.consumer_id)
    ]


def test_summary_pdf_is_one_audited_print(world: World) -> None:
    response = _phq9(world)
    client = _client(world.cm)
    before = AuditEvent.objects.count()

    download = client.get(f"/cases/{response.case_id}/assessments/{response.pk}/pdf/")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "no-store"
    assert download.content.startswith(b"%PDF-")
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.detail) for e in events] == [
        ("print", "assessment_response", {"format": "pdf"})
    ]
    loaded = AssessmentResponse.objects.select_related(
        "case__consumer", "instrument", "administered_by"
    ).get(pk=response.pk)
    text = pdf_text(documents.summary_pdf(documents.assessment_summary(loaded)))
    assert "Little interest or pleasure in doing things" in text
    assert "Nearly every day  (score 3)" in text


@pytest.mark.parametrize("suffix", ["", "pdf/"])
def test_summary_out_of_reach_is_404_with_only_a_denial(world: World, suffix: str) -> None:
    response = _phq9(world)
    other_case = factories.active_case(world.cm)
    outsider_client, client = _client(world.outsider_cm), _client(world.cm)
    before = AuditEvent.objects.count()

    outsider = outsider_client.get(f"/cases/{response.case_id}/assessments/{response.pk}/{suffix}")
    wrong_case = client.get(f"/cases/{other_case.pk}/assessments/{response.pk}/{suffix}")

    assert (outsider.status_code, wrong_case.status_code) == (404, 404)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.outcome, e.object_type) for e in events] == [
        (AuditOutcome.DENIED, "assessment_response"),
        (AuditOutcome.DENIED, "assessment_response"),
    ]
