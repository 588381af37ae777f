"""The handoff as a PDF (fpdf2 with the shared helper `core.pdf`): every section of its
contents, who sent it to whom and when, and the receipt. Headings in English or Spanish
(the consumer's preferred language when it is Spanish, or `language`); the contents are
printed as the case manager wrote them. Core fonts are Latin-1, which covers Spanish."""

from casework.core.pdf import FONT, NumberedPDF
from casework.transitions.models import Handoff
from casework.transitions.rules import HANDOFF_SECTIONS

HANDOFF_LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Transition of care handoff",
        "consumer": "Consumer",
        "born": "Date of birth",
        "stay": "Stay",
        "admitted": "Admitted",
        "discharged": "Discharged",
        "in_house": "in house",
        "to": "Receiving provider",
        "sent": "Sent",
        "receipt": "Receipt",
        "not_confirmed": "not confirmed",
        "none": "None recorded.",
        "reason_for_stay": "Reason for the stay",
        "problems": "Problems",
        "medications_start": "Medicines to start",
        "medications_stop": "Medicines to stop",
        "medications_change": "Medicines changed",
        "allergies": "Allergies",
        "pending_tests": "Pending tests",
        "appointments": "Follow-up appointments",
        "goals_of_care": "Goals of care and preferences",
        "contacts": "Contacts",
    },
    "es": {
        "title": "Traspaso de la transición de la atención",
        "consumer": "Persona atendida",
        "born": "Fecha de nacimiento",
        "stay": "Estancia",
        "admitted": "Ingreso",
        "discharged": "Alta",
        "in_house": "hospitalizado",
        "to": "Proveedor que recibe",
        "sent": "Enviado",
        "receipt": "Recepción",
        "not_confirmed": "sin confirmar",
        "none": "Nada registrado.",
        "reason_for_stay": "Motivo de la estancia",
        "problems": "Problemas",
        "medications_start": "Medicamentos que debe empezar",
        "medications_stop": "Medicamentos que debe dejar",
        "medications_change": "Medicamentos con cambios",
        "allergies": "Alergias",
        "pending_tests": "Pruebas pendientes",
        "appointments": "Citas de seguimiento",
        "goals_of_care": "Objetivos de la atención y preferencias",
        "contacts": "Contactos",
    },
}


def handoff_language(handoff: Handoff, requested: str = "") -> str:
    """`requested` when it is one we print, else the consumer's preferred language when
    we print it, else English."""
    for candidate in (requested, handoff.stay.consumer.preferred_language or ""):
        code = candidate.split("-")[0].lower()
        if code in HANDOFF_LANGUAGES:
            return code
    return "en"


def handoff_lines(
    handoff: Handoff, language: str
) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """The title, the header lines and the sections (heading, entries) of the PDF."""
    text = TEXT[language]
    stay, consumer = handoff.stay, handoff.stay.consumer
    receipt = (
        f"{handoff.received_at:%Y-%m-%d %H:%M} UTC ({handoff.receipt_method}: "
        f"{handoff.received_by})"
        if handoff.received_at
        else text["not_confirmed"]
    )
    header = [
        f"{text['consumer']}: {consumer}",
        f"{text['born']}: {consumer.birth_date.isoformat()}",
        f"{text['stay']}: {stay.visit_number}",
        f"{text['admitted']}: {stay.admitted_at:%Y-%m-%d}",
        f"{text['discharged']}: "
        + (f"{stay.discharged_at:%Y-%m-%d}" if stay.discharged_at else text["in_house"]),
        f"{text['to']}: {handoff.receiver_name}",
        f"{text['sent']}: {handoff.sent_at:%Y-%m-%d %H:%M} UTC",
        f"{text['receipt']}: {receipt}",
    ]
    sections: list[tuple[str, list[str]]] = []
    for name in HANDOFF_SECTIONS:
        value = handoff.contents.get(name)
        entries = [value] if isinstance(value, str) else list(value or [])
        sections.append((text[name], [str(e) for e in entries if str(e).strip()]))
    return text["title"], header, sections


def handoff_pdf(handoff: Handoff, language: str, *, compress: bool = True) -> bytes:
    title, header, sections = handoff_lines(handoff, language)
    none = TEXT[language]["none"]
    pdf = NumberedPDF(title=title, language=language)
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    for line in header:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    for heading, entries in sections:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 6.5, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        for entry in entries or [none]:
            prefix = "- " if entries and len(entries) > 1 else ""
            pdf.multi_cell(0, 5.5, prefix + entry, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
