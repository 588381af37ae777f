"""Documents attached to a stay (H4): attached through the service, the page and the API,
each checked whole before it is stored; downloaded as an attachment; carried by the
appeal packet after a cover page each (a PDF's pages scaled onto the packet's pages, an
image on its cover page), listed in its contents and named by the print's audit event."""

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fpdf import FPDF
from pypdf import PdfReader

from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from casework.stays.document_services import stay_document_attach
from casework.stays.models import Stay, StayDocument
from casework.stays.payers import services as payer_services
from casework.stays.payers.models import StayDenial
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.conftest import World
from tests.documents import image_bytes, pdf_text
from tests.stays.test_appeal_packet import _denial as packet_denial
from tests.stays.test_appeal_packet import _stay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def summary_pdf(*lines: str) -> bytes:
    """A PDF of one page per line, in fpdf2's core font (its text extracts as written)."""
    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=14)
    for line in lines:
        pdf.add_page()
        pdf.cell(0, 10, line)
    return bytes(pdf.output())


SUMMARY = summary_pdf("Discharge summary: walks with a frame.", "Page two: home with daughter.")


def _attach(world: World, stay: Stay, name: str = "summary.pdf", data: bytes = SUMMARY, **kw: Any):
    return stay_document_attach(
        actor=factories.actor(world.cm),
        stay=stay,
        title=kw.get("title", "Discharge summary"),
        kind=kw.get("kind", "medical_record"),
        upload=SimpleUploadedFile(name, data),
    )


def _stored(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_attaching_stores_the_checked_file_under_a_generated_name(
    world: World, media: Path
) -> None:
    stay = _stay(world)
    since = last_event_id()

    document = _attach(world, stay)

    document.refresh_from_db()
    assert (document.title, document.kind, document.media_type, document.size) == (
        "Discharge summary",
        "medical_record",
        "application/pdf",
        len(SUMMARY),
    )
    assert document.sha256 == hashlib.sha256(SUMMARY).hexdigest()
    assert "summary" not in (document.file.name or "")
    assert [p.read_bytes() for p in _stored(media)] == [SUMMARY]
    (event,) = events_since(since)
    assert (event.action, event.consumer_id, event.object_type, event.object_id) == (
        AuditAction.CREATE,
        stay.consumer_id,
        "stay_document",
        str(document.pk),
    )
    assert event.detail == {"stay_id": stay.pk, "kind": "medical_record", "size": len(SUMMARY)}


@pytest.mark.parametrize(
    ("name", "data", "extra", "errors"),
    [
        ("summary.pdf", SUMMARY, {"title": "  "}, {"title": ["required"]}),
        ("summary.pdf", SUMMARY, {"kind": "x-ray"}, {"kind": ["not one of the document kinds"]}),
        ("summary.exe", b"MZ\x90\x00", {}, {"file": ["only PDF, PNG or JPEG files"]}),
        ("summary.pdf", b"", {}, {"file": ["the file is empty"]}),
        ("summary.pdf", b"<html>", {}, {"file": ["the file content does not match its type"]}),
        ("summary.pdf", SUMMARY + b"<script>", {}, {"file": ["the PDF has data after its end"]}),
        (
            "scan.png",
            image_bytes("PNG") + b"<html>",
            {},
            {"file": ["the image has data after its end"]},
        ),
        (
            "summary.pdf",
            b"<html>",
            {"title": "", "kind": "x-ray"},
            {
                "title": ["required"],
                "kind": ["not one of the document kinds"],
                "file": ["the file content does not match its type"],
            },
        ),
    ],
)
def test_a_refused_document_names_each_field_and_stores_nothing(
    world: World, media: Path, name: str, data: bytes, extra: dict[str, str], errors: Any
) -> None:
    stay = _stay(world)
    since = last_event_id()

    with pytest.raises(ValidationFailed) as refused:
        _attach(world, stay, name, data, **extra)

    assert refused.value.errors == errors
    assert StayDocument.objects.count() == 0
    assert _stored(media) == []
    assert events_since(since) == []


def test_a_document_over_the_limit_is_refused(world: World, media: Path, settings: Any) -> None:
    settings.CASEWORK_STAYS_DOCUMENT_MAX_BYTES = len(SUMMARY) - 1
    with pytest.raises(ValidationFailed) as refused:
        _attach(world, _stay(world))
    assert refused.value.errors == {"file": ["the file is larger than the limit"]}
    assert (StayDocument.objects.count(), _stored(media)) == (0, [])


def test_a_failed_write_leaves_no_file_behind(world: World, media: Path, monkeypatch) -> None:
    from casework.stays import document_services

    def failing(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(document_services, "audit_record", failing)
    with pytest.raises(RuntimeError):
        _attach(world, _stay(world))
    assert (StayDocument.objects.count(), _stored(media)) == (0, [])


# --- the page -------------------------------------------------------------------------------


def test_the_page_attaches_a_document_and_the_stay_lists_it(world: World) -> None:
    stay = _stay(world)
    client = _client(world.cm)
    url = f"/stays/{stay.pk}/documents/new/"
    form = client.get(url)
    assert form.status_code == 200 and b'enctype="multipart/form-data"' in form.content

    response = client.post(
        url,
        {"title": "Physician letter", "kind": "physician_letter",
         "file": SimpleUploadedFile("letter.png", image_bytes("PNG"))},
    )  # fmt: skip

    assert response.status_code == 302 and response["Location"] == f"/stays/{stay.pk}/"
    document = StayDocument.objects.get(stay=stay)
    assert (document.title, document.media_type) == ("Physician letter", "image/png")
    page = client.get(f"/stays/{stay.pk}/").content.decode()
    assert f'href="/stays/{stay.pk}/documents/{document.pk}/">Physician letter</a>' in page


def test_the_page_shows_a_refused_file_on_the_form_and_stores_nothing(
    world: World, media: Path
) -> None:
    stay = _stay(world)
    client = _client(world.cm)
    since = last_event_id()

    response = client.post(
        f"/stays/{stay.pk}/documents/new/",
        {"title": "Scan", "kind": "other", "file": SimpleUploadedFile("scan.pdf", b"<html>")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["the file content does not match its type"]}
    assert (StayDocument.objects.count(), _stored(media)) == (0, [])
    assert events_since(since) == []


def test_the_download_is_an_attachment_with_one_print_event(world: World) -> None:
    stay = _stay(world)
    document = _attach(world, stay)
    since = last_event_id()

    response = _client(world.cm).get(f"/stays/{stay.pk}/documents/{document.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SUMMARY
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="stay-{stay.pk}-document-{document.pk}.pdf"'
    )
    (event,) = events_since(since)
    assert (event.action, event.outcome, event.object_type, event.object_id) == (
        AuditAction.PRINT,
        AuditOutcome.SUCCESS,
        "stay_document",
        str(document.pk),
    )


def test_a_document_of_another_stay_or_out_of_reach_is_refused(world: World) -> None:
    stay, other = _stay(world), _stay(world)
    document = _attach(world, other)
    since = last_event_id()

    wrong_stay = _client(world.cm).get(f"/stays/{stay.pk}/documents/{document.pk}/")
    outsider = _client(world.cm2).get(f"/stays/{other.pk}/documents/{document.pk}/")
    attach = _client(world.cm2).post(
        f"/stays/{other.pk}/documents/new/",
        {"title": "X", "kind": "other", "file": SimpleUploadedFile("x.pdf", SUMMARY)},
    )

    assert (wrong_stay.status_code, outsider.status_code, attach.status_code) == (404, 404, 404)
    assert [(e.action, e.outcome, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditAction.PRINT, AuditOutcome.DENIED, "stay_document", str(document.pk)),
        (AuditAction.READ, AuditOutcome.DENIED, "stay", str(other.pk)),
        (AuditAction.UPDATE, AuditOutcome.DENIED, "stay", str(other.pk)),
    ]
    assert StayDocument.objects.count() == 1


# --- the API --------------------------------------------------------------------------------


def test_the_api_attaches_lists_and_hands_out_a_document(world: World) -> None:
    stay = _stay(world)
    client = token_client(world.cm)

    created = client.post(
        f"/api/v1/stays/{stay.pk}/documents",
        {"title": "Payer letter", "kind": "payer_correspondence",
         "file": SimpleUploadedFile("letter.pdf", SUMMARY)},
    )  # fmt: skip

    assert created.status_code == 201, created.content
    body = created.json()
    document = StayDocument.objects.get()
    assert body == {
        "id": document.pk,
        "stay_id": stay.pk,
        "title": "Payer letter",
        "kind": "payer_correspondence",
        "media_type": "application/pdf",
        "size": len(SUMMARY),
        "sha256": hashlib.sha256(SUMMARY).hexdigest(),
        "uploaded_by_id": world.cm.pk,
        "uploaded_at": body["uploaded_at"],
    }
    listed = client.get(f"/api/v1/stays/{stay.pk}/documents")
    assert listed.status_code == 200
    assert [(d["id"], d["title"]) for d in listed.json()["items"]] == [
        (document.pk, "Payer letter")
    ]
    file = client.get(f"/api/v1/stays/{stay.pk}/documents/{document.pk}/file")
    assert file.status_code == 200 and b"".join(file.streaming_content) == SUMMARY


def test_the_api_refuses_a_bad_file_naming_the_field_and_stores_nothing(
    world: World, media: Path
) -> None:
    stay = _stay(world)
    client = token_client(world.cm)
    since = last_event_id()

    response = client.post(
        f"/api/v1/stays/{stay.pk}/documents",
        {"title": "Scan", "kind": "other", "file": SimpleUploadedFile("scan.png", b"\x89PNG")},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "file"],
            "msg": "the file content does not match its type",
            "type": "value_error",
        }
    ]
    assert (StayDocument.objects.count(), _stored(media)) == (0, [])
    assert events_since(since) == []


def test_the_api_refuses_a_field_it_does_not_declare(world: World, media: Path) -> None:
    stay = _stay(world)
    response = token_client(world.cm).post(
        f"/api/v1/stays/{stay.pk}/documents",
        {"title": "Scan", "kind": "other", "owner": "x",
         "file": SimpleUploadedFile("scan.pdf", SUMMARY)},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "owner"], "msg": "Extra inputs are not permitted", "type": "value_error"}
    ]
    assert (StayDocument.objects.count(), _stored(media)) == (0, [])


def test_the_api_answers_404_for_a_missing_document(world: World) -> None:
    stay = _stay(world)
    client = token_client(world.cm)
    since = last_event_id()
    response = client.get(f"/api/v1/stays/{stay.pk}/documents/999999/file")
    assert response.status_code == 404
    (event,) = events_since(since)
    assert (event.action, event.outcome, event.object_id) == (
        AuditAction.PRINT,
        AuditOutcome.DENIED,
        "999999",
    )


# --- the appeal packet ----------------------------------------------------------------------


def _denial(world: World, stay: Stay) -> StayDenial:
    payer_services.payer_settings_from_preset(
        program=world.program, name="Acme Medicaid", payer_type="medicaid_managed_care"
    )
    return packet_denial(world, stay)


def test_the_packet_carries_each_attached_document_after_its_cover_page(world: World) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    pdf_document = _attach(world, stay)
    png_document = _attach(
        world, stay, "scan.png", image_bytes("PNG"), title="Wound photo", kind="other"
    )
    client = _client(world.cm)
    without = _client(world.cm).get(f"/stays/{_stay(world).pk}/")  # warm, unrelated
    assert without.status_code == 200
    since = last_event_id()

    response = client.get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    covers = [i for i, text in enumerate(pages) if text.startswith("Attachment ")]
    assert [pages[i].split(" Medical")[0].split(" Other")[0] for i in covers] == [
        "Attachment 1: Discharge summary",
        "Attachment 2: Wound photo",
    ]
    first = covers[0]
    assert covers[1] == first + 3  # the cover, then the summary's two pages
    assert "Discharge summary: walks with a frame." in pages[first + 1]
    assert "Page two: home with daughter." in pages[first + 2]
    assert len(pages) == covers[1] + 1  # the image sits on its cover page
    assert "/XObject" in reader.pages[covers[1]]["/Resources"]
    # The contents list each cover page with its number.
    contents = " ".join(pdf_text(response.content).split())
    assert f"Attachment 1: Discharge summary {first + 1}" in contents
    assert f"Attachment 2: Wound photo {covers[1] + 1}" in contents
    assert (
        f"Attachment 1: Discharge summary (Medical record excerpt), attached "
        f"{pdf_document.uploaded_at.isoformat(timespec='minutes')}"
    ) in contents
    (event,) = events_since(since)
    assert event.detail["documents"] == [pdf_document.pk, png_document.pk]


def test_a_packet_without_attachments_says_so(world: World) -> None:
    stay = _stay(world)
    denial = _denial(world, stay)
    response = _client(world.cm).get(f"/stays/{stay.pk}/denials/{denial.pk}/packet.pdf")
    text = " ".join(pdf_text(response.content).split())
    assert "No document attached to the stay." in text
    assert (
        AuditEvent.objects.filter(object_type="stay_denial", action="print")
        .get()
        .detail.get("documents")
        is None
    )
