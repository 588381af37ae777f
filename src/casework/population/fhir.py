"""FHIR R4 Bulk Data (NDJSON) reader mapping an export into input schema 1.0.

Mapping (docs/population.md, "FHIR export"):

* ``Patient`` -> members (US Core race/ethnicity extension text, first communication
  language).
* ``Encounter`` -> encounters; ``class`` IMP/EMER/AMB/HH gives the claim type,
  ``priority`` EM/UR/EL gives UB-04 admit type 1/2/3.
* ``Condition``, and diagnoses of ``Claim``/``ExplanationOfBenefit`` -> diagnoses, only
  when coded in ICD-10-CM or ICD-9-CM, or when the caller supplies a documented code map.
  SNOMED CT codes without a map are counted in ``Staged.unmapped``: never guessed.
* ``Procedure`` -> procedures; ``MedicationRequest`` -> pharmacy (RxNorm, no drug class).

Each NDJSON line is one input row; bad lines go to the reject list with the file name,
line number and reason, exactly as for CSV input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casework.population.readers import (
    Reject,
    Staged,
    empty_tables,
    icd9cm_problem,
    icd10cm_problem,
    normalise_code,
)

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD9CM_SYSTEM = "http://hl7.org/fhir/sid/icd-9-cm"
SNOMED_SYSTEM = "http://snomed.info/sct"
RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
US_CORE_RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
US_CORE_ETHNICITY = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"

ENCOUNTER_CLASS = {
    "IMP": "inpatient",
    "ACUTE": "inpatient",
    "EMER": "emergency",
    "AMB": "outpatient",
    "HH": "home_health",
}
ENCOUNTER_PRIORITY = {"EM": "1", "UR": "2", "EL": "3"}
SEX = {"male": "M", "female": "F", "other": "O", "unknown": "U"}
DIAGNOSIS_SYSTEMS = {ICD10CM_SYSTEM: "ICD10CM", ICD9CM_SYSTEM: "ICD9CM"}

CodeMap = Mapping[tuple[str, str], tuple[str, str]]
"""``(fhir system, code) -> (ICD10CM|ICD9CM, code)``; each entry needs a documented source."""


class _BadRow(Exception):
    pass


def _date(value: Any, what: str) -> dt.date:
    if not isinstance(value, str) or len(value) < 10:
        raise _BadRow(f"missing or unparseable {what}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _BadRow(f"unparseable {what} {value!r}") from None


def _reference_id(reference: Any, resource_type: str, what: str) -> str:
    text = (reference or {}).get("reference") if isinstance(reference, dict) else None
    prefix = f"{resource_type}/"
    if not isinstance(text, str) or not text.startswith(prefix):
        raise _BadRow(f"missing {what} reference to {resource_type}")
    return text.removeprefix(prefix)


def _extension_text(resource: dict[str, Any], url: str) -> str | None:
    for extension in resource.get("extension", []):
        if extension.get("url") != url:
            continue
        for part in extension.get("extension", []):
            if part.get("url") == "text":
                return str(part.get("valueString"))
        for part in extension.get("extension", []):
            if part.get("url") == "ombCategory":
                return str(part.get("valueCoding", {}).get("display"))
    return None


def read_fhir_export(folder: Path, code_map: CodeMap | None = None) -> Staged:
    """Read every ``<Type>*.ndjson`` file of a Bulk Data export in ``folder``."""
    staged = Staged(tables=empty_tables())
    code_map = code_map or {}
    files = sorted(folder.glob("*.ndjson"))
    by_type: dict[str, list[Path]] = {}
    for path in files:
        by_type.setdefault(path.name.split(".")[0], []).append(path)
    order = ["Patient", "Encounter", "Condition", "Procedure", "MedicationRequest"]
    order += ["Claim", "ExplanationOfBenefit"]
    members: set[str] = set()
    seen_ids: dict[tuple[str, str], tuple[str, int]] = {}
    for resource_type in order:
        for path in by_type.get(resource_type, []):
            staged.input_files.append(path)
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    staged.rows_read += 1
                    try:
                        resource = json.loads(line)
                        if resource.get("resourceType") != resource_type:
                            raise _BadRow(
                                f"resourceType {resource.get('resourceType')!r} "
                                f"in a {resource_type} file"
                            )
                        key = (resource_type, str(resource.get("id")))
                        if key in seen_ids:
                            first = seen_ids[key]
                            raise _BadRow(
                                f"duplicate key {resource_type}/{key[1]} "
                                f"(first at {first[0]} row {first[1]})"
                            )
                        seen_ids[key] = (path.name, number)
                        _map_resource(resource, staged, members, code_map)
                    except json.JSONDecodeError as error:
                        staged.rejects.append(Reject(path.name, number, f"invalid JSON: {error}"))
                    except _BadRow as error:
                        staged.rejects.append(Reject(path.name, number, str(error)))
    return staged


def _map_resource(
    resource: dict[str, Any], staged: Staged, members: set[str], code_map: CodeMap
) -> None:
    kind = resource["resourceType"]
    if kind == "Patient":
        _map_patient(resource, staged, members)
        return
    subject = resource.get("subject") or resource.get("patient")
    member_id = _reference_id(subject, "Patient", "subject")
    if member_id not in members:
        raise _BadRow(f"subject Patient/{member_id} not in the export")
    if kind == "Encounter":
        _map_encounter(resource, staged, member_id)
    elif kind == "Condition":
        _map_condition(resource, staged, member_id, code_map)
    elif kind == "Procedure":
        _map_procedure(resource, staged, member_id)
    elif kind == "MedicationRequest":
        _map_medication_request(resource, staged, member_id)
    else:
        _map_claim(resource, staged, member_id, code_map)


def _map_patient(resource: dict[str, Any], staged: Staged, members: set[str]) -> None:
    names = resource.get("name") or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    given = name.get("given") or [None]
    language = None
    for communication in resource.get("communication", []):
        codings = communication.get("language", {}).get("coding", [])
        if codings:
            language = codings[0].get("code")
            break
    member_id = str(resource.get("id"))
    staged.tables["members"].append(
        {
            "member_id": member_id,
            "given_name": given[0],
            "family_name": name.get("family"),
            "birth_date": _date(resource.get("birthDate"), "birthDate"),
            "sex": SEX.get(str(resource.get("gender")), "U"),
            "race": _extension_text(resource, US_CORE_RACE),
            "ethnicity": _extension_text(resource, US_CORE_ETHNICITY),
            "language": language,
            "coverage_start_date": None,
            "coverage_end_date": None,
        }
    )
    members.add(member_id)


def _map_encounter(resource: dict[str, Any], staged: Staged, member_id: str) -> None:
    claim_type = ENCOUNTER_CLASS.get(str(resource.get("class", {}).get("code")), "other")
    period = resource.get("period") or {}
    start = _date(period.get("start"), "period.start")
    end = _date(period.get("end"), "period.end") if period.get("end") else None
    priority = None
    for coding in (resource.get("priority") or {}).get("coding", []):
        priority = ENCOUNTER_PRIORITY.get(str(coding.get("code")), priority)
    inpatient = claim_type == "inpatient"
    if inpatient and end is None:
        raise _BadRow("inpatient Encounter without period.end")
    staged.tables["encounters"].append(
        {
            "claim_id": str(resource["id"]),
            "member_id": member_id,
            "claim_type": claim_type,
            "place_of_service": None,
            "admit_type": priority,
            "service_date": start,
            "admission_date": start if inpatient else None,
            "discharge_date": end if inpatient else None,
            "service_line": None,
            "allowed_amount": None,
            "discharge_hemoglobin_g_dl": None,
            "discharge_sodium_mmol_l": None,
        }
    )


def _diagnosis_from(
    concept: dict[str, Any], staged: Staged, code_map: CodeMap
) -> tuple[str, str] | None:
    """Pick an ICD coding (or a mapped one); count unmapped codings; reject unknown ones."""
    codings = concept.get("coding", [])
    for coding in codings:
        system = DIAGNOSIS_SYSTEMS.get(str(coding.get("system")))
        if system is not None:
            code = normalise_code(str(coding.get("code", "")))
            check = icd10cm_problem if system == "ICD10CM" else icd9cm_problem
            problem = check(code)
            if problem:
                raise _BadRow(problem)
            return system, code
    for coding in codings:
        mapped = code_map.get((str(coding.get("system")), str(coding.get("code"))))
        if mapped is not None:
            return mapped
    known = [c for c in codings if c.get("system") == SNOMED_SYSTEM]
    if not known:
        systems = sorted({str(c.get("system")) for c in codings}) or ["(no coding)"]
        raise _BadRow(f"unknown code system {', '.join(systems)}")
    for coding in known:
        label = f"{coding.get('system')}|{coding.get('code')}|{coding.get('display', '')}"
        staged.unmapped[label] = staged.unmapped.get(label, 0) + 1
    return None


def _map_condition(
    resource: dict[str, Any], staged: Staged, member_id: str, code_map: CodeMap
) -> None:
    when = resource.get("onsetDateTime") or resource.get("recordedDate")
    service_date = _date(when, "onsetDateTime/recordedDate")
    diagnosis = _diagnosis_from(resource.get("code") or {}, staged, code_map)
    if diagnosis is None:
        return
    encounter = resource.get("encounter")
    staged.tables["diagnoses"].append(
        {
            "member_id": member_id,
            "claim_id": _reference_id(encounter, "Encounter", "encounter") if encounter else None,
            "sequence": 1,
            "code_system": diagnosis[0],
            "code": diagnosis[1],
            "service_date": service_date,
        }
    )


def _map_procedure(resource: dict[str, Any], staged: Staged, member_id: str) -> None:
    performed = resource.get("performedDateTime") or (resource.get("performedPeriod") or {}).get(
        "start"
    )
    codings = (resource.get("code") or {}).get("coding", [])
    if not codings:
        raise _BadRow("Procedure without a coded code")
    system = {SNOMED_SYSTEM: "SNOMED", "http://www.ama-assn.org/go/cpt": "CPT"}.get(
        str(codings[0].get("system"))
    )
    if system is None:
        raise _BadRow(f"unknown code system {codings[0].get('system')}")
    encounter = resource.get("encounter")
    staged.tables["procedures"].append(
        {
            "member_id": member_id,
            "claim_id": _reference_id(encounter, "Encounter", "encounter") if encounter else None,
            "code_system": system,
            "code": str(codings[0].get("code")),
            "service_date": _date(performed, "performed date"),
        }
    )


def _map_medication_request(resource: dict[str, Any], staged: Staged, member_id: str) -> None:
    codings = (resource.get("medicationCodeableConcept") or {}).get("coding", [])
    systems = {RXNORM_SYSTEM: "RXNORM", NDC_SYSTEM: "NDC"}
    chosen = next((c for c in codings if c.get("system") in systems), None)
    if chosen is None:
        raise _BadRow("MedicationRequest without an RxNorm or NDC medicationCodeableConcept")
    staged.tables["pharmacy"].append(
        {
            "fill_id": str(resource["id"]),
            "member_id": member_id,
            "fill_date": _date(resource.get("authoredOn"), "authoredOn"),
            "code_system": systems[chosen["system"]],
            "drug_code": str(chosen.get("code")),
            "drug_class": None,
            "days_supply": None,
            "allowed_amount": None,
        }
    )


def _map_claim(resource: dict[str, Any], staged: Staged, member_id: str, code_map: CodeMap) -> None:
    period = resource.get("billablePeriod") or {}
    service_date = _date(period.get("start") or resource.get("created"), "billablePeriod.start")
    for position, entry in enumerate(resource.get("diagnosis", []), start=1):
        diagnosis = _diagnosis_from(entry.get("diagnosisCodeableConcept") or {}, staged, code_map)
        if diagnosis is None:
            continue
        staged.tables["diagnoses"].append(
            {
                "member_id": member_id,
                "claim_id": f"{resource['resourceType']}/{resource['id']}",
                "sequence": int(entry.get("sequence", position)),
                "code_system": diagnosis[0],
                "code": diagnosis[1],
                "service_date": service_date,
            }
        )
