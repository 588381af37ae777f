"""Builders for small FHIR R4 Bulk exports written for the tests (no generator output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def patient(identifier: str, birth: str = "1950-01-01", **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": identifier,
        "birthDate": birth,
        "gender": "female",
        "name": [{"given": ["Given"], "family": identifier.upper()}],
        **extra,
    }


def encounter(
    identifier: str,
    member: str,
    start: str,
    end: str | None = None,
    *,
    cls: str = "IMP",
    status: str = "finished",
    **extra: Any,
) -> dict[str, Any]:
    period = {"start": f"{start}T08:00:00Z"} | ({"end": f"{end}T12:00:00Z"} if end else {})
    return {
        "resourceType": "Encounter",
        "id": identifier,
        "status": status,
        "class": {"code": cls},
        "subject": {"reference": f"Patient/{member}"},
        "period": period,
        **extra,
    }


def condition(
    identifier: str,
    member: str,
    code: str,
    onset: str | None,
    *,
    clinical: str | None = "active",
    verification: str | None = "confirmed",
    **extra: Any,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": identifier,
        "subject": {"reference": f"Patient/{member}"},
        "code": {"coding": [{"system": ICD10, "code": code}]},
        **extra,
    }
    if onset is not None:
        resource["onsetDateTime"] = f"{onset}T00:00:00Z"
    if clinical is not None:
        resource["clinicalStatus"] = {"coding": [{"system": CLINICAL, "code": clinical}]}
    if verification is not None:
        resource["verificationStatus"] = {
            "coding": [{"system": VERIFICATION, "code": verification}]
        }
    return resource


def observation(
    identifier: str,
    member: str,
    loinc: str,
    value: float,
    unit: str,
    day: str,
    *,
    status: str = "final",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": identifier,
        "status": status,
        "subject": {"reference": f"Patient/{member}"},
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "effectiveDateTime": f"{day}T06:00:00Z",
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
        **extra,
    }


def medication(
    identifier: str, member: str, rxcui: str, day: str, status: str = "active"
) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": identifier,
        "status": status,
        "intent": "order",
        "subject": {"reference": f"Patient/{member}"},
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxcui}]},
        "authoredOn": f"{day}T09:00:00Z",
    }


def procedure(identifier: str, member: str, code: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Procedure",
        "id": identifier,
        "status": "completed",
        "subject": {"reference": f"Patient/{member}"},
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "performedDateTime": f"{day}T10:00:00Z",
        **extra,
    }


def claim(
    identifier: str,
    member: str,
    day: str,
    codes: list[str],
    items: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "resourceType": "Claim",
        "id": identifier,
        "status": "active",
        "patient": {"reference": f"Patient/{member}"},
        "billablePeriod": {"start": day},
        "diagnosis": [
            {"sequence": n, "diagnosisCodeableConcept": {"coding": [{"system": ICD10, "code": c}]}}
            for n, c in enumerate(codes, start=1)
        ],
        "item": items or [],
    }


def write_export(folder: Path, resources: list[dict[str, Any]]) -> Path:
    """Write ``resources`` as ``<Type>.000.ndjson`` files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, list[str]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(json.dumps(resource))
    for kind, lines in by_type.items():
        (folder / f"{kind}.000.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
