"""Every PDF document writes user-entered text as entered, whatever its script (issue 13,
item 15), and states its title, language, author and creator (PDF/UA where fpdf2 allows)."""

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from casework.assessments.documents import AssessmentSummary, summary_pdf
from casework.assessments.rules import AnswerRow
from casework.careplans.documents import LABELS, PlanDocument, plan_pdf
from casework.complaints.letters import Letter, letter_pdf
from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.pdf import CREATOR
from casework.governance.documents import accounting_pdf
from casework.stays.payers.packet import Section, packet_pdf
from casework.transitions import services as transition_services
from casework.transitions.documents import handoff_pdf
from tests import factories
from tests.conftest import World
from tests.documents import pdf_text
from tests.transitions.helpers import CONTENTS, admit

WRITTEN = "Zoë Nguyễn 王小明 — ✓"


def _plan(text: str = WRITTEN, language: str = "en") -> bytes:
    goal = {
        "description": text,
        "target_value": "",
        "outcome": "Eats three meals a day",
        "target_date": "2027-01-15",
        "status": "Active",
        "guideline": "",
        "steps": [],
        "barriers": [],
    }
    document = PlanDocument(
        language=language,
        requested_language=language,
        labels={key: str(label) for key, label in LABELS.items()},
        consumer="Rosa Díaz",
        birth_date="January 2, 1950",
        record_number="MRN1",
        program="Lakeside Care Management",
        program_complaints="555-0100",
        case_manager="Casey Manager",
        version=1,
        date="December 3, 2026",
        problems=[{"description": "Food", "priority": 1, "consumer_priority": "", "goals": [goal]}],
    )
    return plan_pdf(document)


def _summary(text: str = WRITTEN) -> bytes:
    summary = AssessmentSummary(
        response_id=1,
        case_id=1,
        consumer="Rosa Díaz",
        title="PHQ-2",
        version="1",
        loinc="55757-9",
        administered_at="2026-12-03 10:00",
        administered_by="Casey Manager",
        language="en",
        language_used="English",
        participants=text,
        interpreter_used=False,
        rows=[AnswerRow(question_id="1", text="Little interest", answer="Not at all", score=0)],
        total_score=0,
        band="",
        positive_findings=[],
        urgent=[],
        source="PHQ-2",
        part2_notice="",
    )
    return summary_pdf(summary)


def _letter(text: str = WRITTEN) -> bytes:
    letter = Letter(
        language="es",
        requested_language="es",
        title="Resolución de su queja",
        lines=[("Para", text)],
        sections=[("Resolución", "Resuelta.")],
        fallback_note="",
    )
    return letter_pdf(letter)


def _packet(text: str = WRITTEN) -> bytes:
    return packet_pdf(title="Appeal packet", sections=[Section("Stay", [text])])


def _accounting(text: str = WRITTEN) -> bytes:
    given, family = text.split(" ", 1)
    consumer = Consumer(
        given_name=given, family_name=family, birth_date=date(1950, 1, 2), preferred_language="es"
    )
    return accounting_pdf(consumer, [], now=datetime(2026, 12, 3, tzinfo=UTC))


DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "plan of care": _plan,
    "assessment summary": _summary,
    "complaint letter": _letter,
    "appeal packet": _packet,
    "accounting of disclosures": _accounting,
}


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_text_in_any_script_is_extracted_as_written(kind: str) -> None:
    # Spaces collapsed: a justified line that wraps widens its word gaps on extraction.
    text = " ".join(pdf_text(DOCUMENTS[kind]()).split())
    assert WRITTEN in text
    assert "?" not in text


def test_the_plan_goal_line_holds_the_text_exactly() -> None:
    lines = pdf_text(_plan()).splitlines()
    assert f"Goal: {WRITTEN}" in lines
    assert "?" not in "".join(lines)


@pytest.mark.django_db
def test_the_handoff_writes_the_text_as_written(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="H1")
    transition_services.handoff_send(
        actor=factories.actor(world.cm),
        stay=stay,
        receiver_name="Sunrise SNF",
        contents={**CONTENTS, "reason_for_stay": WRITTEN},
    )
    stay.handoff.refresh_from_db()
    assert WRITTEN in pdf_text(handoff_pdf(stay.handoff, "en"))


def test_a_document_without_other_scripts_embeds_only_dejavu() -> None:
    fonts = _font_names(_plan(text="Eats three meals a day"))
    assert fonts == {"DejaVuSansBook", "DejaVuSansBold"}


def test_a_document_with_chinese_embeds_the_fallback_too() -> None:
    assert _font_names(_plan()) == {"DejaVuSansBook", "DejaVuSansBold", "NotoSansSC"}


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


METADATA: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    "plan of care": (_plan, "Your plan of care", "en", "Lakeside Care Management"),
    "assessment summary": (_summary, "PHQ-2", "en", "Casey Manager"),
    "complaint letter": (_letter, "Resolución de su queja", "es", CREATOR),
    "appeal packet": (_packet, "Appeal packet", "en", CREATOR),
    "accounting of disclosures": (
        _accounting,
        "Registro de divulgaciones",
        "es",
        CREATOR,
    ),
}


@pytest.mark.parametrize("kind", list(METADATA))
def test_every_document_states_title_language_author_and_creator(kind: str) -> None:
    make, title, language, author = METADATA[kind]
    reader = PdfReader(io.BytesIO(make()))
    catalog = reader.trailer["/Root"]
    info = reader.metadata
    assert info is not None
    assert (info.title, info.author, info.creator) == (title, author, CREATOR)
    assert catalog["/Lang"] == language
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True


@pytest.mark.django_db
def test_the_handoff_states_its_metadata_in_the_consumers_language(world: World) -> None:
    stay = admit(world.cm, at=clock.now() - timedelta(days=3), visit="H1")
    transition_services.handoff_send(
        actor=factories.actor(world.cm), stay=stay, receiver_name="Sunrise SNF", contents=CONTENTS
    )
    reader = PdfReader(io.BytesIO(handoff_pdf(stay.handoff, "es")))
    info = reader.metadata
    assert info is not None
    assert (info.title, info.author, info.creator) == (
        "Traspaso de la transición de la atención",
        CREATOR,
        CREATOR,
    )
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_spanish_plan_states_spanish() -> None:
    reader = PdfReader(io.BytesIO(_plan(language="es")))
    assert reader.trailer["/Root"]["/Lang"] == "es"
