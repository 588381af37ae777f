"""FHIR Bulk NDJSON reader: Synthea export end to end, and bad resources rejected."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from casework.population.fhir import read_fhir_export
from tests.population.conftest import shared_data

SNOMED = "http://snomed.info/sct|"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm|"


def test_synthea_export_maps_patients_encounters_procedures_and_requests() -> None:
    staged = read_fhir_export(shared_data("synthea-10-patients"))
    counts = {name: len(rows) for name, rows in staged.tables.items()}
    assert counts == {
        "members": 13,
        "encounters": 1215,
        "diagnoses": 0,
        "procedures": 2056,
        "pharmacy": 1745,
    }
    assert staged.rejects == []
    assert staged.rows_read == 5584


def test_synthea_snomed_conditions_are_reported_unmapped_never_guessed() -> None:
    staged = read_fhir_export(shared_data("synthea-10-patients"))
    snomed = {k: v for k, v in staged.unmapped.items() if k.startswith(SNOMED)}
    assert sum(snomed.values()) == 555
    assert len(snomed) == 92
    assert staged.unmapped["http://snomed.info/sct|91302008|Sepsis (disorder)"] >= 1


def test_synthea_medication_requests_get_drug_classes_or_are_reported() -> None:
    staged = read_fhir_export(shared_data("synthea-10-patients"))
    rxnorm = {k: v for k, v in staged.unmapped.items() if k.startswith(RXNORM)}
    assert (sum(rxnorm.values()), len(rxnorm)) == (49, 22)
    classes = Counter(p["drug_class"] for p in staged.tables["pharmacy"])
    assert (classes["insulin"], classes["biguanide"], classes[None]) == (191, 192, 49)
    # three of the ten patients' 13 Patient resources are deceased
    assert sum(m["deceased"] for m in staged.tables["members"]) == 3


def test_synthea_encounter_classes() -> None:
    staged = read_fhir_export(shared_data("synthea-10-patients"))
    classes = Counter(e["claim_type"] for e in staged.tables["encounters"])
    assert classes == {
        "outpatient": 1133,
        "inpatient": 49,
        "emergency": 23,
        "home_health": 9,
        "other": 1,
    }


def test_documented_code_map_is_applied(tmp_path: Path) -> None:
    write_export(tmp_path, [snomed_condition("c1", "44054006")])
    staged = read_fhir_export(
        tmp_path, code_map={("http://snomed.info/sct", "44054006"): ("ICD10CM", "E119")}
    )
    assert [(d["code_system"], d["code"]) for d in staged.tables["diagnoses"]] == [
        ("ICD10CM", "E119")
    ]
    assert staged.unmapped == {}


def test_bad_resources_are_rejected_with_file_line_and_reason(tmp_path: Path) -> None:
    loinc = snomed_condition("c2", "1234-5")
    loinc["code"]["coding"][0]["system"] = "http://loinc.org"
    icd = snomed_condition("c3", "E11")
    icd["code"]["coding"][0]["system"] = "http://hl7.org/fhir/sid/icd-10-cm"
    orphan = snomed_condition("c4", "44054006")
    orphan["subject"]["reference"] = "Patient/nobody"
    lines = [json.dumps(snomed_condition("c1", "44054006")), "{not json"]
    lines += [json.dumps(r) for r in (loinc, icd, orphan, snomed_condition("c1", "1"))]
    write_export(tmp_path, [], condition_lines=lines)
    staged = read_fhir_export(tmp_path)
    reasons = [(r.row, r.reason.split(":")[0]) for r in staged.rejects]
    assert reasons == [
        (2, "invalid JSON"),
        (3, "unknown code system http"),
        (4, "ICD-10-CM code is not billable (has subcodes)"),
        (5, "subject Patient/nobody not in the export"),
        (6, "duplicate key Condition/c1 (first at Condition.000.ndjson row 1)"),
    ]
    assert {r.file for r in staged.rejects} == {"Condition.000.ndjson"}


def snomed_condition(identifier: str, code: str) -> dict:
    return {
        "resourceType": "Condition",
        "id": identifier,
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": "2026-01-02T10:00:00Z",
    }


def write_export(
    folder: Path, conditions: list[dict], condition_lines: list[str] | None = None
) -> None:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "birthDate": "1950-01-01",
        "gender": "female",
        "name": [{"given": ["A"], "family": "B"}],
    }
    (folder / "Patient.000.ndjson").write_text(json.dumps(patient) + "\n")
    lines = condition_lines or [json.dumps(c) for c in conditions]
    (folder / "Condition.000.ndjson").write_text("\n".join(lines) + "\n")
