"""The resolution letter (K1): the outcome, what we found, and the consumer's further
appeal rights for their coverage, in English or Spanish (our own wording; any other
language gets English with a note offering an interpreter). PDF with fpdf2's core fonts
(Latin-1 covers Spanish)."""

from dataclasses import dataclass

from django.utils import timezone

from casework.complaints import rules
from casework.complaints.models import Complaint
from casework.core.pdf import FONT, NumberedPDF

LETTER_LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Resolution of your {kind}",
        "grievance": "grievance",
        "appeal": "appeal",
        "to": "To",
        "program": "Program",
        "reference": "Reference",
        "received": "We received it on",
        "resolved": "We resolved it on",
        "about": "What you told us",
        "outcome": "Our decision",
        "upheld": "We agree with you.",
        "partly_upheld": "We agree with you in part.",
        "not_upheld": "We did not find that the problem happened as described.",
        "findings": "What we found and what we did",
        "rights": "Your rights if you disagree",
        "contact": "Questions",
        "fallback": (
            "This letter is not yet available in your language; it is shown in English. "
            "Call us for an interpreter at no cost to you."
        ),
    },
    "es": {
        "title": "Resolución de su {kind}",
        "grievance": "queja formal",
        "appeal": "apelación",
        "to": "Para",
        "program": "Programa",
        "reference": "Referencia",
        "received": "La recibimos el",
        "resolved": "La resolvimos el",
        "about": "Lo que usted nos dijo",
        "outcome": "Nuestra decisión",
        "upheld": "Estamos de acuerdo con usted.",
        "partly_upheld": "Estamos de acuerdo con usted en parte.",
        "not_upheld": "No encontramos que el problema ocurriera como se describió.",
        "findings": "Lo que encontramos y lo que hicimos",
        "rights": "Sus derechos si no está de acuerdo",
        "contact": "Preguntas",
        "fallback": "",
    },
}

# Further rights by coverage and kind, in our own words (regulatory-timers.md section B).
RIGHTS: dict[str, dict[tuple[str, str], str]] = {
    "en": {
        ("medicaid_managed_care", "grievance"): (
            "If you are not satisfied, you may contact your State Medicaid agency or "
            "ombudsman. If your health plan denied, reduced or stopped a service, you may "
            "appeal that decision within 60 calendar days of the notice."
        ),
        ("medicaid_managed_care", "appeal"): (
            "If you disagree with this decision, you may ask for a State fair hearing within "
            "120 calendar days of the date of this letter."
        ),
        ("medicare_advantage", "grievance"): (
            "If your grievance is about the quality of your care, you may also take it to the "
            "Quality Improvement Organization for your state. You may call 1-800-MEDICARE."
        ),
        ("medicare_advantage", "appeal"): (
            "If we did not decide fully in your favor, your case is sent to an Independent "
            "Review Entity, which will contact you. You may call 1-800-MEDICARE."
        ),
        ("erisa", "grievance"): (
            "You may ask the program to review this decision within 30 days. You also have "
            "the rights your employer's plan describes in its summary plan description."
        ),
        ("erisa", "appeal"): (
            "You may ask for an external review where your plan or state allows it, and you "
            "have the right to bring a civil action under section 502(a) of ERISA."
        ),
        ("program_policy", "grievance"): (
            "If you disagree, you may ask the program director to review this decision within "
            "30 days of this letter. Your benefits will not change because you complained."
        ),
        ("program_policy", "appeal"): (
            "If you disagree, you may ask the program director to review this decision within "
            "30 days of this letter."
        ),
    },
    "es": {
        ("medicaid_managed_care", "grievance"): (
            "Si no está satisfecho, puede comunicarse con la agencia estatal de Medicaid o con "
            "el defensor (ombudsman). Si su plan de salud negó, redujo o suspendió un servicio, "
            "puede apelar esa decisión dentro de los 60 días calendario siguientes al aviso."
        ),
        ("medicaid_managed_care", "appeal"): (
            "Si no está de acuerdo con esta decisión, puede pedir una audiencia imparcial "
            "estatal dentro de los 120 días calendario siguientes a la fecha de esta carta."
        ),
        ("medicare_advantage", "grievance"): (
            "Si su queja es sobre la calidad de su atención, también puede presentarla ante la "
            "Organización para el Mejoramiento de la Calidad de su estado. Puede llamar al "
            "1-800-MEDICARE."
        ),
        ("medicare_advantage", "appeal"): (
            "Si no decidimos totalmente a su favor, su caso se envía a una Entidad de Revisión "
            "Independiente, que se comunicará con usted. Puede llamar al 1-800-MEDICARE."
        ),
        ("erisa", "grievance"): (
            "Puede pedir al programa que revise esta decisión dentro de 30 días. También tiene "
            "los derechos que describe el resumen del plan de su empleador."
        ),
        ("erisa", "appeal"): (
            "Puede pedir una revisión externa cuando su plan o su estado lo permitan, y tiene "
            "derecho a presentar una acción civil según la sección 502(a) de ERISA."
        ),
        ("program_policy", "grievance"): (
            "Si no está de acuerdo, puede pedir al director del programa que revise esta "
            "decisión dentro de los 30 días siguientes a esta carta. Sus beneficios no "
            "cambiarán por haber presentado una queja."
        ),
        ("program_policy", "appeal"): (
            "Si no está de acuerdo, puede pedir al director del programa que revise esta "
            "decisión dentro de los 30 días siguientes a esta carta."
        ),
    },
}


@dataclass(frozen=True)
class Letter:
    language: str
    requested_language: str
    title: str
    lines: list[tuple[str, str]]
    sections: list[tuple[str, str]]
    fallback_note: str


def letter_language(preferred: str) -> str:
    code = (preferred or "en").split("-")[0].lower()
    return code if code in LETTER_LANGUAGES else "en"


def has_letter(complaint: Complaint) -> bool:
    """Whether the complaint has a resolution letter: only a resolved one has."""
    return complaint.state == rules.ComplaintState.RESOLVED and complaint.resolved_at is not None


def resolution_letter(complaint: Complaint, *, language: str = "") -> Letter:
    """The letter for a resolved complaint, in `language` or the consumer's preferred one."""
    requested = language or complaint.consumer.preferred_language or "en"
    lang = letter_language(requested)
    text = TEXT[lang]
    assert complaint.resolved_at is not None
    rights = RIGHTS[lang][(complaint.coverage, complaint.kind)]
    program = complaint.program
    return Letter(
        language=lang,
        requested_language=requested,
        title=text["title"].format(kind=text[complaint.kind]),
        lines=[
            (text["to"], str(complaint.consumer)),
            (text["program"], program.name),
            (text["reference"], f"C-{complaint.pk}"),
            (text["received"], timezone.localdate(complaint.received_at).isoformat()),
            (text["resolved"], timezone.localdate(complaint.resolved_at).isoformat()),
        ],
        sections=[
            (text["about"], complaint.about),
            (text["outcome"], text[rules.Outcome(complaint.outcome).value]),
            (text["findings"], complaint.resolution),
            (text["rights"], rights),
            (text["contact"], program.complaint_contact),
        ],
        fallback_note=text["fallback"] if lang != requested.split("-")[0].lower() else "",
    )


def letter_pdf(letter: Letter, *, compress: bool = True) -> bytes:
    pdf = NumberedPDF(title=letter.title, language=letter.language)
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 8, letter.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if letter.fallback_note:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 5.5, letter.fallback_note, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    for label, value in letter.lines:
        pdf.multi_cell(0, 5.5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    for heading, body in letter.sections:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 6.5, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5.5, body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
