"""FHIR R4 Encounter ⇄ stay (H1, API)."""

from datetime import datetime
from typing import Any

from casework.core.errors import ValidationFailed
from casework.stays.models import Stay
from casework.stays.rules import FHIR_CLASS, FHIR_CLASS_IN, StayClass, StayState

VISIT_SYSTEM = "urn:casework:visit-number"
STATUS = {StayState.IN_HOUSE: "in-progress", StayState.DISCHARGED: "finished",
          StayState.CANCELLED: "cancelled"}  # fmt: skip


def encounter_of(stay: Stay) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(stay.pk),
        "meta": {"versionId": str(stay.version)},
        "identifier": [{"system": VISIT_SYSTEM, "value": stay.visit_number}],
        "status": STATUS[StayState(stay.state)],
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": FHIR_CLASS[StayClass(stay.stay_class)],
        },
        "subject": {"reference": f"Patient/{stay.consumer_id}"},
        "period": {"start": stay.admitted_at.isoformat()},
    }
    if stay.discharged_at:
        out["period"]["end"] = stay.discharged_at.isoformat()
    if stay.unit is not None:
        out["location"] = [{"location": {"display": stay.unit.code}}]
    if stay.admitting_diagnosis:
        out["reasonCode"] = [{"text": stay.admitting_diagnosis}]
    return out


def _time(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed.single(field, "not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        raise ValidationFailed.single(field, "needs a time-zone offset")
    return at


def encounter_facts(resource: dict[str, Any]) -> dict[str, Any]:
    """The stay facts an Encounter carries: consumer id, visit number, class, times,
    status, unit code, diagnosis. 422 naming the FHIR element otherwise."""
    reference = str(resource.get("subject", {}).get("reference", ""))
    if not reference.startswith("Patient/") or not reference[8:].isdigit():
        raise ValidationFailed.single("subject.reference", "must be Patient/<consumer id>")
    code = str(resource.get("class", {}).get("code", ""))
    if code not in FHIR_CLASS_IN:
        raise ValidationFailed.single("class.code", f"must be one of {sorted(FHIR_CLASS_IN)}")
    visit = next(
        (str(i.get("value", "")) for i in resource.get("identifier", []) if i.get("value")), ""
    )
    if not visit:
        raise ValidationFailed.single("identifier", "a visit number identifier is required")
    period = resource.get("period", {})
    start = _time(period.get("start"), "period.start")
    if start is None:
        raise ValidationFailed.single("period.start", "required")
    locations = resource.get("location", [])
    unit = str(locations[0].get("location", {}).get("display", "")) if locations else ""
    reasons = resource.get("reasonCode", [])
    return {
        "consumer_id": int(reference[8:]),
        "visit_number": visit[:40],
        "stay_class": FHIR_CLASS_IN[code],
        "admitted_at": start,
        "discharged_at": _time(period.get("end"), "period.end"),
        "status": resource.get("status"),
        "unit_code": unit,
        "admitting_diagnosis": str(reasons[0].get("text", ""))[:200] if reasons else "",
    }
