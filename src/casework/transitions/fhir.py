"""FHIR R4 for transitions (scope 3; Gravity SDOH, regulatory-timers.md F): the handoff as
a `collection` Bundle (Composition, Condition, MedicationStatement, AllergyIntolerance,
ServiceRequest, Appointment, and the Task the receiver updates to confirm receipt), and
a closed-loop referral as its ServiceRequest + Task pair. Validated in the tests with
`fhir.resources.R4B` (ADR on R4B)."""

from typing import Any

from casework.transitions.models import CommunityReferral, Handoff
from casework.transitions.rules import TASK_STATUS, ReferralStatus

LOINC = "http://loinc.org"
SDOH_CATEGORY = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
SECTIONS = {
    "reason_for_stay": ("Reason for the stay", "46241-6"),
    "problems": ("Problems", "11450-4"),
    "medications_start": ("Medicines to start", "10183-2"),
    "medications_stop": ("Medicines to stop", "10183-2"),
    "medications_change": ("Medicines changed", "10183-2"),
    "allergies": ("Allergies", "48765-2"),
    "pending_tests": ("Pending tests", "18776-5"),
    "appointments": ("Follow-up appointments", "18776-5"),
    "goals_of_care": ("Goals of care and preferences", "61146-7"),
    "contacts": ("Contacts", "56865-7"),
}


def _div(text: str) -> dict[str, str]:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escaped}</div>',
    }


def _items(contents: dict[str, Any], name: str) -> list[str]:
    value = contents.get(name, [])
    return [str(item) for item in value] if isinstance(value, list) else []


def handoff_task(handoff: Handoff) -> dict[str, Any]:
    """The Task the receiving provider updates to confirm receipt."""
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"handoff-{handoff.pk}",
        "status": handoff.task_status,
        "intent": "order",
        "code": {"text": "Confirm receipt of the transition-of-care handoff"},
        "focus": {"reference": f"Composition/handoff-{handoff.pk}"},
        "for": {"reference": f"Patient/{handoff.stay.consumer_id}"},
        "authoredOn": handoff.sent_at.isoformat(),
        "owner": {"display": handoff.receiver_name},
    }
    if handoff.received_at is not None:
        task["lastModified"] = handoff.received_at.isoformat()
    return task


def handoff_bundle(handoff: Handoff) -> dict[str, Any]:
    """The handoff as a FHIR collection Bundle: one entry per problem, medicine, allergy,
    pending test and appointment, the Composition that lists them by section, and the
    receipt Task."""
    stay, contents = handoff.stay, handoff.contents
    patient = {"reference": f"Patient/{stay.consumer_id}"}
    encounter = {"reference": f"Encounter/{stay.pk}"}
    entries: list[dict[str, Any]] = []
    section_refs: dict[str, list[dict[str, str]]] = {name: [] for name in SECTIONS}

    def add(section: str, resource: dict[str, Any]) -> None:
        ref = f"{resource['resourceType']}/{resource['id']}"
        section_refs[section].append({"reference": ref})
        entries.append({"fullUrl": f"urn:casework:{ref}", "resource": resource})

    for n, text in enumerate(_items(contents, "problems"), start=1):
        add("problems", {
            "resourceType": "Condition", "id": f"h{handoff.pk}-problem-{n}",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},  # noqa: E501
            "code": {"text": text}, "subject": patient,
        })  # fmt: skip
    for section, status in (
        ("medications_start", "intended"),
        ("medications_change", "active"),
        ("medications_stop", "stopped"),
    ):
        slug = section.replace("_", "-")
        for n, text in enumerate(_items(contents, section), start=1):
            add(section, {
                "resourceType": "MedicationStatement", "id": f"h{handoff.pk}-{slug}-{n}",
                "status": status, "medicationCodeableConcept": {"text": text},
                "subject": patient, "note": [{"text": SECTIONS[section][0]}],
            })  # fmt: skip
    for n, text in enumerate(_items(contents, "allergies"), start=1):
        add("allergies", {
            "resourceType": "AllergyIntolerance", "id": f"h{handoff.pk}-allergy-{n}",
            "code": {"text": text}, "patient": patient,
        })  # fmt: skip
    for n, text in enumerate(_items(contents, "pending_tests"), start=1):
        add("pending_tests", {
            "resourceType": "ServiceRequest", "id": f"h{handoff.pk}-test-{n}",
            "status": "active", "intent": "order", "code": {"text": text}, "subject": patient,
        })  # fmt: skip
    for n, text in enumerate(_items(contents, "appointments"), start=1):
        add("appointments", {
            "resourceType": "Appointment", "id": f"h{handoff.pk}-appointment-{n}",
            "status": "proposed", "description": text,
            "participant": [{"actor": patient, "status": "needs-action"}],
        })  # fmt: skip
    sections = []
    for name, (title, code) in SECTIONS.items():
        if name == "reason_for_stay":
            text = str(contents.get("reason_for_stay", ""))
        else:
            text = "; ".join(_items(contents, name)) or "None"
        block: dict[str, Any] = {
            "title": title,
            "code": {"coding": [{"system": LOINC, "code": code}]},
            "text": _div(text),
        }
        if section_refs[name]:
            block["entry"] = section_refs[name]
        sections.append(block)
    composition = {
        "resourceType": "Composition",
        "id": f"handoff-{handoff.pk}",
        "status": "final",
        "type": {
            "coding": [{"system": LOINC, "code": "18761-7", "display": "Transfer summary note"}]
        },
        "subject": patient,
        "encounter": encounter,
        "date": handoff.sent_at.isoformat(),
        "author": [{"display": handoff.sent_by.get_full_name() or handoff.sent_by.username}],
        "title": f"Transition of care to {handoff.receiver_name}",
        "section": sections,
    }
    head = [
        {"fullUrl": f"urn:casework:Composition/handoff-{handoff.pk}", "resource": composition},
        {"fullUrl": f"urn:casework:Task/handoff-{handoff.pk}", "resource": handoff_task(handoff)},
    ]
    return {
        "resourceType": "Bundle",
        "id": f"handoff-{handoff.pk}",
        "type": "collection",
        "timestamp": handoff.sent_at.isoformat(),
        "entry": head + entries,
    }


def referral_pair(referral: CommunityReferral) -> dict[str, Any]:
    """The referral as Gravity SDOH's ServiceRequest + Task pair, in a collection
    Bundle: the Task's status follows the referral's state."""
    patient = {"reference": f"Patient/{referral.consumer_id}"}
    organization = referral.service.organization
    performer = organization.name if organization is not None else referral.service.name
    service_request = {
        "resourceType": "ServiceRequest",
        "id": f"referral-{referral.pk}",
        "status": "completed" if referral.status == ReferralStatus.COMPLETED else (
            "revoked" if referral.status in (ReferralStatus.CANCELLED, ReferralStatus.REJECTED) else "active"  # noqa: E501
        ),
        "intent": "order",
        "category": [{"coding": [{"system": SDOH_CATEGORY, "code": "sdoh-category-unspecified"}], "text": referral.need}],  # noqa: E501
        "code": {"text": referral.service.name},
        "subject": patient,
        "authoredOn": referral.sent_at.isoformat(),
        "performer": [{"display": performer}],
    }  # fmt: skip
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"referral-{referral.pk}-task",
        "status": TASK_STATUS[ReferralStatus(referral.status)],
        "intent": "order",
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},  # noqa: E501
        "focus": {"reference": f"ServiceRequest/referral-{referral.pk}"},
        "for": patient,
        "requester": {"display": referral.sent_by.get_full_name() or referral.sent_by.username},
        "authoredOn": referral.sent_at.isoformat(),
        "lastModified": referral.updated_at.isoformat(),
    }  # fmt: skip
    if referral.status_reason:
        task["statusReason"] = {"text": referral.status_reason}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": f"urn:casework:ServiceRequest/referral-{referral.pk}",
                "resource": service_request,
            },
            {"fullUrl": f"urn:casework:Task/referral-{referral.pk}-task", "resource": task},
        ],
    }
