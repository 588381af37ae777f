"""FHIR R4 Bulk Data (NDJSON) reader mapping an export into input schema 1.0.

Mapping (docs/population.md, "FHIR export"):

* ``Patient`` -> members (US Core race/ethnicity extension text, first communication
  language); ``deceased[x]`` marks the member deceased (scored, never selected).
* ``Encounter`` with status ``finished`` -> encounters; ``class`` IMP/EMER/AMB/HH gives
  the claim type, ``priority`` EM/UR/EL gives UB-04 admit type 1/2/3, ``serviceType``
  the service line (HOSPITAL "O"); a discharge disposition "expired" marks the member
  deceased. Other statuses (planned, cancelled, entered-in-error, in-progress, ...) are
  excluded and counted.
* ``Observation`` (final, amended or corrected) with a LOINC code of
  ``weights/fhir_labs.json`` -> the last haemoglobin and sodium of each inpatient stay
  (HOSPITAL "H" and "S").
* ``Condition`` (not refuted or entered-in-error), and diagnoses of
  ``Claim``/``ExplanationOfBenefit`` -> diagnoses, only when coded in ICD-10-CM or
  ICD-9-CM, or when the caller supplies a documented code map. SNOMED CT codes without a
  map are counted in ``Staged.unmapped``: never guessed. A Condition is active from its
  onset (else recorded date) to its abatement date, open-ended while its clinical status
  is active, recurrence or relapse.
* ``Procedure`` and ``Claim.item`` -> procedures; ``MedicationRequest`` -> pharmacy with
  the drug class of ``weights/rxnorm_drug_classes.json`` (unlisted codes are counted in
  ``Staged.unmapped``).

Each NDJSON line is one input row; bad lines go to the reject list with the file name,
line number and reason, exactly as for CSV input. No line, however malformed, raises:
a resource is mapped completely or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.population.readers import (
    InputError,
    Reject,
    Staged,
    empty_tables,
    icd9cm_problem,
    icd10cm_problem,
    normalise_code,
)
from casework.population.tables import table_load

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD9CM_SYSTEM = "http://hl7.org/fhir/sid/icd-9-cm"
SNOMED_SYSTEM = "http://snomed.info/sct"
LOINC_SYSTEM = "http://loinc.org"
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
PROCEDURE_SYSTEMS = {
    SNOMED_SYSTEM: "SNOMED",
    "http://www.ama-assn.org/go/cpt": "CPT",
    "urn:oid:2.16.840.1.113883.6.285": "HCPCS",
    "http://www.cms.gov/Medicare/Coding/ICD10": "ICD10PCS",
    "http://hl7.org/fhir/sid/icd-10-pcs": "ICD10PCS",
}
ITEM_SYSTEMS = frozenset({"CPT", "HCPCS", "ICD10PCS"})
"""Claim items coded in these systems are procedure lines (HOSPITAL "P"); items coded
otherwise (SNOMED visit types, drugs, supplies) are not read."""

READ_TYPES = (
    "Patient",
    "Encounter",
    "Observation",
    "Condition",
    "Procedure",
    "MedicationRequest",
    "Claim",
    "ExplanationOfBenefit",
)
"""Resource types read, in reading order (references point to earlier types)."""

ENCOUNTER_SCORED_STATUSES = frozenset({"finished"})
"""Encounters that happened and ended; planned, arrived, triaged, in-progress, onleave,
cancelled, entered-in-error and unknown ones are excluded (counted in the run summary)."""
CONDITION_EXCLUDED_VERIFICATION = frozenset({"refuted", "entered-in-error"})
CONDITION_ACTIVE_STATUSES = frozenset({"active", "recurrence", "relapse"})
CONDITION_ENDED_STATUSES = frozenset({"inactive", "remission", "resolved"})
OBSERVATION_SCORED_STATUSES = frozenset({"final", "amended", "corrected"})
PROCEDURE_EXCLUDED_STATUSES = frozenset({"preparation", "not-done", "entered-in-error"})
MEDICATION_EXCLUDED_STATUSES = frozenset({"cancelled", "entered-in-error", "draft"})
CLAIM_EXCLUDED_STATUSES = frozenset({"cancelled", "entered-in-error", "draft"})
EXPIRED_DISPOSITIONS = frozenset({"exp", "20", "40", "41", "42"})
"""Discharge dispositions meaning death: HL7 discharge-disposition ``exp`` and the UB-04
patient status codes for death (20, 40, 41, 42)."""

DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")

CodeMap = Mapping[tuple[str, str], tuple[str, str]]
"""``(fhir system, code) -> (ICD10CM|ICD9CM, code)``; each entry needs a documented source."""

LAB_COLUMNS = {"haemoglobin": "discharge_hemoglobin_g_dl", "sodium": "discharge_sodium_mmol_l"}


class _BadRow(Exception):
    pass


class _Excluded(Exception):
    """A valid resource deliberately not scored; the message is the counted reason."""


def _object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _BadRow(f"{what} must be a JSON object, not {_kind(value)}")
    return value


def _array(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _BadRow(f"{what} must be a JSON array, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), "a number")


def _date(value: Any, what: str) -> dt.date:
    if not isinstance(value, str) or not DATE_PREFIX.match(value):
        raise _BadRow(f"missing or unparseable {what}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _BadRow(f"unparseable {what} {value!r}") from None


def _codings(concept: Any, what: str) -> list[dict[str, Any]]:
    codings = _array(_object(concept, what).get("coding"), f"{what}.coding")
    return [_object(coding, f"{what}.coding") for coding in codings]


def _status_code(concept: Any, what: str) -> str | None:
    for coding in _codings(concept, what):
        if coding.get("code") is not None:
            return str(coding["code"])
    return None


def _reference_id(reference: Any, resource_type: str, what: str) -> str:
    text = _object(reference, what).get("reference")
    prefix = f"{resource_type}/"
    if not isinstance(text, str) or not text.startswith(prefix) or text == prefix:
        raise _BadRow(f"missing {what} reference to {resource_type}")
    return text.removeprefix(prefix)


def _extension_text(resource: dict[str, Any], url: str) -> str | None:
    for extension in _array(resource.get("extension"), "extension"):
        extension = _object(extension, "extension")
        if extension.get("url") != url:
            continue
        parts = [_object(p, "extension") for p in _array(extension.get("extension"), "extension")]
        for part in parts:
            if part.get("url") == "text" and part.get("valueString") is not None:
                return str(part["valueString"])
        for part in parts:
            if part.get("url") == "ombCategory":
                display = _object(part.get("valueCoding"), "valueCoding").get("display")
                return None if display is None else str(display)
    return None


def _normalise_text(text: str) -> str:
    """``Hematology/Oncology`` -> ``hematology_oncology``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass
class _Lab:
    member_id: str
    encounter_id: str | None
    day: dt.date
    order: int
    lab: str
    value: float


@dataclass
class _Export:
    """State of one export being read."""

    staged: Staged
    code_map: CodeMap
    today: dt.date
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected_patients: dict[str, tuple[str, int]] = field(default_factory=dict)
    encounters: dict[str, dict[str, Any]] = field(default_factory=dict)
    labs: list[_Lab] = field(default_factory=list)
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Rows of the resource being mapped; added to the tables only when it maps whole."""
    unmapped: list[str] = field(default_factory=list)
    item_rejects: list[str] = field(default_factory=list)

    def exclude(self, reason: str) -> None:
        self.staged.excluded[reason] = self.staged.excluded.get(reason, 0) + 1


def fhir_files(folder: Path) -> list[Path]:
    """The ``*.ndjson`` files of ``folder`` (any letter case of the suffix), by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".ndjson" and p.is_file())


def read_fhir_export(
    folder: Path, code_map: CodeMap | None = None, today: dt.date | None = None
) -> Staged:
    """Read every ``<Type>*.ndjson`` file of a Bulk Data export in ``folder``.

    ``today`` (default: the current UTC date) bounds birth dates.
    """
    staged = Staged(tables=empty_tables())
    export = _Export(staged, code_map or {}, today or dt.datetime.now(dt.UTC).date())
    by_type: dict[str, list[Path]] = {}
    for path in fhir_files(folder):
        resource_type = path.name.split(".")[0]
        if resource_type in READ_TYPES:
            by_type.setdefault(resource_type, []).append(path)
        else:
            staged.warnings.append(f"{path.name}: {resource_type} resources are not read")
    if not by_type.get("Patient"):
        raise InputError(f"{folder}: no Patient*.ndjson file in the FHIR export")
    seen_ids: dict[tuple[str, str], tuple[str, int]] = {}
    order = 0
    for resource_type in READ_TYPES:
        for path in by_type.get(resource_type, []):
            staged.input_files.append(path)
            with path.open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    staged.rows_read += 1
                    order += 1
                    export.rows, export.unmapped, export.item_rejects = [], [], []
                    try:
                        resource = _parse_line(raw, number, resource_type)
                        key = (resource_type, resource["id"])
                        if key in seen_ids:
                            first = seen_ids[key]
                            raise _BadRow(
                                f"duplicate key {resource_type}/{key[1]} "
                                f"(first at {first[0]} row {first[1]})"
                            )
                        seen_ids[key] = (path.name, number)
                        _map_resource(resource, export, (path.name, number), order)
                    except _Excluded as excluded:
                        export.exclude(str(excluded))
                        continue
                    except _BadRow as error:
                        staged.rejects.append(Reject(path.name, number, str(error)))
                        continue
                    except (AttributeError, TypeError, ValueError, KeyError) as error:
                        # last resort: a shape no check above foresaw still rejects one line
                        reason = f"malformed {resource_type} ({type(error).__name__}: {error})"
                        staged.rejects.append(Reject(path.name, number, reason))
                        continue
                    for table, row in export.rows:
                        staged.tables[table].append(row)
                    for label in export.unmapped:
                        staged.unmapped[label] = staged.unmapped.get(label, 0) + 1
                    for reason in export.item_rejects:
                        staged.rejects.append(Reject(path.name, number, reason))
    _assign_labs(export)
    return staged


def _reject_constant(name: str) -> Any:
    raise _BadRow(f"invalid JSON: {name} is not a JSON number")


def _parse_line(raw: bytes, number: int, resource_type: str) -> dict[str, Any]:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        raise _BadRow(f"not UTF-8: byte 0x{byte:02x} at position {error.start}") from None
    try:
        resource = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise _BadRow(f"invalid JSON: {error}") from None
    except RecursionError:
        raise _BadRow("invalid JSON: nested too deeply") from None
    if not isinstance(resource, dict):
        raise _BadRow(f"line is not a JSON object but {_kind(resource)}")
    if resource.get("resourceType") != resource_type:
        raise _BadRow(f"resourceType {resource.get('resourceType')!r} in a {resource_type} file")
    identifier = resource.get("id")
    if not isinstance(identifier, str) or not identifier.strip():
        raise _BadRow(f"{resource_type} without an id")
    return resource


def _map_resource(
    resource: dict[str, Any], export: _Export, where: tuple[str, int], order: int
) -> None:
    kind = resource["resourceType"]
    if kind == "Patient":
        try:
            _map_patient(resource, export)
        except _BadRow:
            export.rejected_patients.setdefault(resource["id"], where)
            raise
        return
    subject = resource.get("subject") or resource.get("patient")
    member_id = _reference_id(subject, "Patient", "subject")
    if member_id not in export.members:
        if member_id in export.rejected_patients:
            file, row = export.rejected_patients[member_id]
            raise _BadRow(f"subject Patient/{member_id} was rejected ({file} row {row})")
        raise _BadRow(f"subject Patient/{member_id} not in the export")
    if kind == "Encounter":
        _map_encounter(resource, export, member_id)
    elif kind == "Observation":
        _map_observation(resource, export, member_id, order)
    elif kind == "Condition":
        _map_condition(resource, export, member_id)
    elif kind == "Procedure":
        _map_procedure(resource, export, member_id)
    elif kind == "MedicationRequest":
        _map_medication_request(resource, export, member_id)
    else:
        _map_claim(resource, export, member_id)


def _map_patient(resource: dict[str, Any], export: _Export) -> None:
    names = [_object(n, "name") for n in _array(resource.get("name"), "name")] or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    given = _array(name.get("given"), "name.given") or [None]
    language = None
    for communication in _array(resource.get("communication"), "communication"):
        codings = _codings(_object(communication, "communication").get("language"), "language")
        if codings:
            language = codings[0].get("code")
            break
    birth_date = _date(resource.get("birthDate"), "birthDate")
    if birth_date > export.today:
        raise _BadRow(f"birthDate {birth_date} is in the future")
    deceased = resource.get("deceasedBoolean") is True or bool(resource.get("deceasedDateTime"))
    member_id = resource["id"]
    member = {
        "member_id": member_id,
        "given_name": None if given[0] is None else str(given[0]),
        "family_name": None if name.get("family") is None else str(name.get("family")),
        "birth_date": birth_date,
        "sex": SEX.get(str(resource.get("gender")), "U"),
        "race": _extension_text(resource, US_CORE_RACE),
        "ethnicity": _extension_text(resource, US_CORE_ETHNICITY),
        "language": None if language is None else str(language),
        "coverage_start_date": None,
        "coverage_end_date": None,
        "deceased": deceased,
    }
    export.rows.append(("members", member))
    export.members[member_id] = member


def _map_encounter(resource: dict[str, Any], export: _Export, member_id: str) -> None:
    status = resource.get("status")
    if not isinstance(status, str) or not status:
        raise _BadRow("Encounter without a status")
    encounter_class = resource.get("class")
    if isinstance(encounter_class, list):
        raise _BadRow("Encounter.class must be one Coding (FHIR R4), not an array")
    code = _object(encounter_class, "Encounter.class").get("code")
    claim_type = ENCOUNTER_CLASS.get(str(code), "other")
    period = _object(resource.get("period"), "period")
    start = _date(period.get("start"), "period.start")
    end = _date(period.get("end"), "period.end") if period.get("end") else None
    if end is not None and end < start:
        raise _BadRow("period.end before period.start")
    priority = None
    for coding in _codings(resource.get("priority"), "priority"):
        priority = ENCOUNTER_PRIORITY.get(str(coding.get("code")), priority)
    hospitalization = _object(resource.get("hospitalization"), "hospitalization")
    disposition = hospitalization.get("dischargeDisposition")
    expired = any(
        str(c.get("code")).lower() in EXPIRED_DISPOSITIONS
        for c in _codings(disposition, "dischargeDisposition")
    ) or _normalise_text(str(_object(disposition, "dischargeDisposition").get("text", ""))) in (
        "expired",
        "died",
    )
    service_line = _service_line(resource.get("serviceType"))
    inpatient = claim_type == "inpatient"
    if status not in ENCOUNTER_SCORED_STATUSES:
        raise _Excluded(f"Encounter status {status}")
    if inpatient and end is None:
        raise _BadRow("inpatient Encounter without period.end")
    if expired:
        # applied to the member row even though rows are committed later: the member
        # exists already, and an expired discharge is a fact about them
        export.members[member_id]["deceased"] = True
    row = {
        "claim_id": resource["id"],
        "member_id": member_id,
        "claim_type": claim_type,
        "place_of_service": None,
        "admit_type": priority,
        "service_date": start,
        "admission_date": start if inpatient else None,
        "discharge_date": end if inpatient else None,
        "service_line": service_line,
        "allowed_amount": None,
        "discharge_hemoglobin_g_dl": None,
        "discharge_sodium_mmol_l": None,
    }
    export.rows.append(("encounters", row))
    export.encounters[resource["id"]] = row


def _service_line(concept: Any) -> str | None:
    """``Encounter.serviceType`` as a service line: its text, else the first coding's
    display, else its code, lower-cased with ``_`` between words (``Hematology/Oncology``
    -> ``hematology_oncology``), compared with ``hospital.oncology_service_lines``."""
    concept = _object(concept, "serviceType")
    text = concept.get("text")
    if not text:
        for coding in _codings(concept, "serviceType"):
            text = coding.get("display") or coding.get("code")
            if text:
                break
    return _normalise_text(str(text)) or None if text else None


def _map_observation(resource: dict[str, Any], export: _Export, member_id: str, order: int) -> None:
    loinc = [
        str(c.get("code"))
        for c in _codings(resource.get("code"), "code")
        if c.get("system") == LOINC_SYSTEM
    ]
    table = {row["loinc"]: row for row in table_load("fhir_labs")["rows"]}
    known = next((table[code] for code in loinc if code in table), None)
    if known is None:
        raise _Excluded("Observation not a HOSPITAL laboratory code")
    status = resource.get("status")
    if status not in OBSERVATION_SCORED_STATUSES:
        raise _Excluded(f"Observation status {status}")
    quantity = _object(resource.get("valueQuantity"), "valueQuantity")
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _BadRow(f"Observation {known['loinc']} without a numeric valueQuantity.value")
    unit = str(quantity.get("code") or quantity.get("unit") or "")
    factors = {name.lower(): factor for name, factor in known["units"].items()}
    if unit.lower() not in factors:
        raise _BadRow(
            f"Observation {known['loinc']}: unit {unit!r} is not one of {', '.join(known['units'])}"
        )
    effective = resource.get("effectiveDateTime") or _object(
        resource.get("effectivePeriod"), "effectivePeriod"
    ).get("end")
    day = _date(effective or resource.get("issued"), "effectiveDateTime")
    encounter = resource.get("encounter")
    encounter_id = _reference_id(encounter, "Encounter", "encounter") if encounter else None
    export.labs.append(
        _Lab(
            member_id,
            encounter_id,
            day,
            order,
            known["lab"],
            round(float(value) * factors[unit.lower()], 4),
        )
    )


def _assign_labs(export: _Export) -> None:
    """Give each inpatient stay the last haemoglobin and sodium of the stay: those of
    Observations that reference the encounter, or that are dated from admission to
    discharge when they reference none; the latest date wins, then the later line."""
    by_member: dict[str, list[_Lab]] = {}
    for lab in export.labs:
        by_member.setdefault(lab.member_id, []).append(lab)
    for encounter_id, row in export.encounters.items():
        if row["claim_type"] != "inpatient" or row["member_id"] not in by_member:
            continue
        admission, discharge = row["admission_date"], row["discharge_date"]
        for lab_name, column in LAB_COLUMNS.items():
            candidates = [
                lab
                for lab in by_member[row["member_id"]]
                if lab.lab == lab_name
                and (
                    lab.encounter_id == encounter_id
                    or (lab.encounter_id is None and admission <= lab.day <= discharge)
                )
            ]
            if candidates:
                row[column] = max(candidates, key=lambda lab: (lab.day, lab.order)).value


def _diagnosis_from(concept: dict[str, Any], export: _Export, what: str) -> tuple[str, str] | None:
    """Pick an ICD coding (or a mapped one); count unmapped codings; reject unknown ones."""
    codings = _codings(concept, what)
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
        mapped = export.code_map.get((str(coding.get("system")), str(coding.get("code"))))
        if mapped is not None:
            return mapped
    known = [c for c in codings if c.get("system") == SNOMED_SYSTEM]
    if not known:
        systems = sorted({str(c.get("system")) for c in codings}) or ["(no coding)"]
        raise _BadRow(f"unknown code system {', '.join(systems)}")
    for coding in known:
        export.unmapped.append(
            f"{coding.get('system')}|{coding.get('code')}|{coding.get('display', '')}"
        )
    return None


def _map_condition(resource: dict[str, Any], export: _Export, member_id: str) -> None:
    verification = _status_code(resource.get("verificationStatus"), "verificationStatus")
    if verification in CONDITION_EXCLUDED_VERIFICATION:
        raise _Excluded(f"Condition verificationStatus {verification}")
    clinical = _status_code(resource.get("clinicalStatus"), "clinicalStatus")
    onset = resource.get("onsetDateTime") or _object(
        resource.get("onsetPeriod"), "onsetPeriod"
    ).get("start")
    start = _date(onset or resource.get("recordedDate"), "onsetDateTime/recordedDate")
    abatement = resource.get("abatementDateTime") or _object(
        resource.get("abatementPeriod"), "abatementPeriod"
    ).get("end")
    until: dt.date | None
    if abatement:
        until = _date(abatement, "abatementDateTime")
        if until < start:
            raise _BadRow("abatementDateTime before the onset")
    elif clinical in CONDITION_ACTIVE_STATUSES:
        until = None  # still active
    else:
        # ended (or of unknown status) with no end date: counts on its start date only
        until = start
    diagnosis = _diagnosis_from(resource.get("code") or {}, export, "code")
    if diagnosis is None:
        return
    encounter = resource.get("encounter")
    export.rows.append(
        (
            "diagnoses",
            {
                "member_id": member_id,
                "claim_id": _reference_id(encounter, "Encounter", "encounter")
                if encounter
                else None,
                "sequence": 1,
                "code_system": diagnosis[0],
                "code": diagnosis[1],
                "service_date": start,
                "active_until": until,
            },
        )
    )


def _procedure_code(concept: Any, what: str) -> tuple[str, str]:
    codings = _codings(concept, what)
    if not codings:
        raise _BadRow(f"{what} without a coding")
    for coding in codings:
        system = PROCEDURE_SYSTEMS.get(str(coding.get("system")))
        if system is not None and coding.get("code"):
            return system, str(coding["code"]).upper()
    systems = sorted({str(c.get("system")) for c in codings})
    raise _BadRow(f"unknown code system {', '.join(systems)}")


def _map_procedure(resource: dict[str, Any], export: _Export, member_id: str) -> None:
    status = resource.get("status")
    if status in PROCEDURE_EXCLUDED_STATUSES:
        raise _Excluded(f"Procedure status {status}")
    performed = resource.get("performedDateTime") or _object(
        resource.get("performedPeriod"), "performedPeriod"
    ).get("start")
    system, code = _procedure_code(resource.get("code"), "Procedure.code")
    encounter = resource.get("encounter")
    export.rows.append(
        (
            "procedures",
            {
                "member_id": member_id,
                "claim_id": _reference_id(encounter, "Encounter", "encounter")
                if encounter
                else None,
                "code_system": system,
                "code": code,
                "service_date": _date(performed, "performed date"),
            },
        )
    )


def _map_medication_request(resource: dict[str, Any], export: _Export, member_id: str) -> None:
    status = resource.get("status")
    if status in MEDICATION_EXCLUDED_STATUSES:
        raise _Excluded(f"MedicationRequest status {status}")
    codings = _codings(resource.get("medicationCodeableConcept"), "medicationCodeableConcept")
    systems = {RXNORM_SYSTEM: "RXNORM", NDC_SYSTEM: "NDC"}
    chosen = next((c for c in codings if c.get("system") in systems), None)
    if chosen is None or not chosen.get("code"):
        raise _BadRow("MedicationRequest without an RxNorm or NDC medicationCodeableConcept")
    code = str(chosen["code"])
    classes = {row["rxcui"]: row["class"] for row in table_load("rxnorm_drug_classes")["rows"]}
    drug_class = classes.get(code) if chosen["system"] == RXNORM_SYSTEM else None
    if drug_class is None:
        export.unmapped.append(f"{chosen['system']}|{code}|{chosen.get('display', '')}")
    export.rows.append(
        (
            "pharmacy",
            {
                "fill_id": resource["id"],
                "member_id": member_id,
                "fill_date": _date(resource.get("authoredOn"), "authoredOn"),
                "code_system": systems[chosen["system"]],
                "drug_code": code,
                "drug_class": drug_class,
                "days_supply": None,
                "allowed_amount": None,
            },
        )
    )


def _map_claim(resource: dict[str, Any], export: _Export, member_id: str) -> None:
    """A Claim or ExplanationOfBenefit is one unit: its header (patient, dates, status and
    every diagnosis) maps whole or the claim is rejected whole; each ``item`` (a line)
    with a bad code is rejected alone and the claim keeps its other lines."""
    kind = resource["resourceType"]
    status = resource.get("status")
    if status in CLAIM_EXCLUDED_STATUSES:
        raise _Excluded(f"{kind} status {status}")
    period = _object(resource.get("billablePeriod"), "billablePeriod")
    service_date = _date(period.get("start") or resource.get("created"), "billablePeriod.start")
    claim_id = f"{kind}/{resource['id']}"
    for position, entry in enumerate(_array(resource.get("diagnosis"), "diagnosis"), start=1):
        entry = _object(entry, "diagnosis")
        try:
            diagnosis = _diagnosis_from(
                entry.get("diagnosisCodeableConcept") or {}, export, "diagnosisCodeableConcept"
            )
        except _BadRow as error:
            raise _BadRow(f"diagnosis[{position}]: {error}") from None
        if diagnosis is None:
            continue
        sequence = entry.get("sequence", position)
        if isinstance(sequence, bool) or not isinstance(sequence, int):
            raise _BadRow(f"diagnosis[{position}]: sequence must be an integer")
        export.rows.append(
            (
                "diagnoses",
                {
                    "member_id": member_id,
                    "claim_id": claim_id,
                    "sequence": sequence,
                    "code_system": diagnosis[0],
                    "code": diagnosis[1],
                    "service_date": service_date,
                    "active_until": service_date,
                },
            )
        )
    for position, item in enumerate(_array(resource.get("item"), "item"), start=1):
        try:
            item = _object(item, "item")
            codings = _codings(item.get("productOrService"), "productOrService")
            chosen = next(
                (c for c in codings if PROCEDURE_SYSTEMS.get(str(c.get("system"))) in ITEM_SYSTEMS),
                None,
            )
            if chosen is None:
                continue  # a visit, drug or supply line coded otherwise: not a procedure
            if not chosen.get("code"):
                raise _BadRow("productOrService without a code")
            day = _date(item["servicedDate"], "servicedDate") if "servicedDate" in item else None
        except _BadRow as error:
            export.item_rejects.append(f"item[{position}]: {error}")
            continue
        export.rows.append(
            (
                "procedures",
                {
                    "member_id": member_id,
                    "claim_id": claim_id,
                    "code_system": PROCEDURE_SYSTEMS[str(chosen["system"])],
                    "code": str(chosen["code"]).upper(),
                    "service_date": day or service_date,
                },
            )
        )
