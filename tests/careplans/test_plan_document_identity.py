"""The plan document names whom it is for (issue 13, item 15): the consumer's name,
birth date and record number, with dates written in the consumer's language; the PDF
states its language and title and carries an outline of its sections."""

import pytest

from casework.careplans import documents
from tests.careplans.test_views import spanish_document
from tests.conftest import World
from tests.documents import pdf_text

pytestmark = pytest.mark.django_db


def test_the_spanish_document_names_the_consumer_with_spanish_dates(world: World) -> None:
    document = spanish_document(world)
    consumer_birth = document.birth_date
    assert (document.labels["birth_date"], document.labels["record_number"]) == (
        "Fecha de nacimiento",
        "Número de expediente",
    )
    assert " de " in consumer_birth  # "2 de enero de 1950"
    assert document.record_number.startswith("MRN")
    pdf = documents.plan_pdf(document, compress=False)
    text, raw = pdf_text(pdf), pdf.decode("latin-1")
    assert f"Fecha de nacimiento: {consumer_birth}" in text
    assert f"Número de expediente: {document.record_number}" in text
    assert "/Lang (es)" in raw
    assert "/DisplayDocTitle true" in raw
    assert "/Outlines" in raw
