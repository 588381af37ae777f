"""Documents of records governance: a consumer's accounting of disclosures (PDF, 164.528)
and the right-of-access export of the designated record set as a FHIR R4 Bundle
(164.524, S29). No ORM here: the web layer passes what the selectors read."""

from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.assessments.fhir import questionnaire_response
from casework.consumers.models import Consumer
from casework.coordination.rules import fhir_meta
from casework.core.pdf import FONT, NumberedPDF
from casework.governance.models import AUTHORITY_LABELS, CHANNEL_LABELS, Disclosure
from casework.governance.rules import ACCOUNTING_YEARS, DisclosureAuthority, DisclosureChannel
from casework.governance.selectors import RecordSet


def accounting_rows(disclosures: list[Disclosure]) -> list[dict[str, str]]:
    """The entries of an accounting as 164.528(b)(2) lists them: date, recipient and
    address, what was disclosed, why (with the authority)."""
    return [
        {
            "date": timezone.localdate(d.disclosed_at).isoformat(),
            "recipient": d.recipient,
            "address": d.recipient_address,
            "channel": str(CHANNEL_LABELS[DisclosureChannel(d.channel)]),
            "description": d.description,
            "purpose": d.purpose,
            "authority": str(AUTHORITY_LABELS[DisclosureAuthority(d.authority)]),
            "corrects": f"#{d.corrects_id}" if d.corrects_id else "",
            "id": str(d.pk),
        }
        for d in disclosures
    ]


def _line(pdf: NumberedPDF, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


DOCUMENT_LANGUAGES = ("en", "es")


def document_language(preferred: str) -> str:
    """The consumer's language when the accounting has a complete catalog for it (English
    and Spanish), else English."""
    code = (preferred or "en").split("-")[0].lower()
    return code if code in DOCUMENT_LANGUAGES else "en"


def accounting_pdf(consumer: Consumer, disclosures: list[Disclosure], *, now: datetime) -> bytes:
    """The accounting as a PDF in the consumer's language: one block per disclosure,
    oldest first."""
    with translation.override(document_language(consumer.preferred_language)):
        return _accounting_pdf(consumer, disclosures, now=now)


def _accounting_pdf(consumer: Consumer, disclosures: list[Disclosure], *, now: datetime) -> bytes:
    pdf = NumberedPDF(
        title=_("Accounting of disclosures"),
        language=translation.get_language() or "en",
        page_format="A4",
    )
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    _line(pdf, 8, _("Accounting of disclosures"))
    pdf.set_font(FONT, size=10)
    _line(
        pdf,
        6,
        _("For %(name)s, born %(born)s. Disclosures in the %(years)d years before %(date)s.")
        % {
            "name": f"{consumer.given_name} {consumer.family_name}",
            "born": consumer.birth_date.isoformat(),
            "years": ACCOUNTING_YEARS,
            "date": timezone.localdate(now).isoformat(),
        },
    )
    rows = accounting_rows(disclosures)
    if not rows:
        pdf.ln(4)
        _line(pdf, 6, _("No disclosures to account for in this period."))
    for row in rows:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 10)
        _line(pdf, 6, f"{row['date']} - {row['recipient']}")
        pdf.set_font(FONT, size=10)
        for label, key in (
            (_("Address"), "address"),
            (_("How"), "channel"),
            (_("What"), "description"),
            (_("Why"), "purpose"),
            (_("Authority"), "authority"),
            (_("Corrects entry"), "corrects"),
        ):
            if row[key]:
                _line(pdf, 6, f"{label}: {row[key]}")
    return bytes(pdf.output())


FHIR_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
COMMUNICATION_MEDIUM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"


def patient(consumer: Consumer) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(consumer.pk),
        "name": [{"family": consumer.family_name, "given": [consumer.given_name]}],
        "gender": FHIR_GENDER.get(consumer.sex, "unknown"),
        "birthDate": consumer.birth_date.isoformat(),
        "communication": [
            {"language": {"coding": [{"code": consumer.preferred_language}]}, "preferred": True}
        ],
    }
    telecom = [{"system": "phone", "value": consumer.phone}] if consumer.phone else []
    if consumer.email:
        telecom.append({"system": "email", "value": consumer.email})
    if telecom:
        resource["telecom"] = telecom
    if consumer.address:
        resource["address"] = [{"text": consumer.address}]
    if consumer.mrn:
        resource["identifier"] = [{"type": {"text": "MRN"}, "value": consumer.mrn}]
    return resource


def communication(row: Any, consumer_id: int) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "id": f"communication-{row.pk}",
        "status": "completed",
        "subject": {"reference": f"Patient/{consumer_id}"},
        "sent": row.occurred_at.isoformat(),
        "medium": [{"text": row.channel}],
        "topic": {"text": row.topic},
        "payload": [{"contentString": row.summary}],
        "note": [{"text": f"{row.direction}: {row.parties}"}],
    }


def record_set_bundle(consumer: Consumer, records: RecordSet, *, now: datetime) -> dict[str, Any]:
    """The designated record set as a FHIR R4 `collection` Bundle: the Patient, each
    Communication and each QuestionnaireResponse. A Part 2 response carries its labels
    and notice (`questionnaire_response`), and the Bundle then carries the same
    `meta.security` (the high-water mark of what it holds)."""
    resources = [
        patient(consumer),
        *(communication(c, consumer.pk) for c in records.communications),
        *(questionnaire_response(r) for r in records.responses),
    ]
    return {
        "resourceType": "Bundle",
        **({"meta": fhir_meta(part2=True)} if any(r.part2 for r in records.responses) else {}),
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"urn:casework:{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
