"""Screening the Synthea 10-patient FHIR export end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casework.population.cli import main
from tests.population.conftest import read_csv, shared_data


@pytest.fixture(scope="module")
def synthea_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    export = shared_data("synthea-10-patients")
    run_dir = tmp_path_factory.mktemp("synthea") / "run"
    argv = ["screen", str(export), "--criteria", "readmission-risk", "--out", str(run_dir)]
    assert main([*argv, "--window-end", "2020-12-31"]) == 0
    return run_dir


def test_every_patient_is_screened_and_nothing_is_rejected(synthea_run: Path) -> None:
    manifest = json.loads((synthea_run / "run.json").read_text())
    assert (manifest["members"], manifest["rows_read"], manifest["rows_rejected"]) == (
        13,
        5584,
        0,
    )
    assert len(read_csv(synthea_run / "results.csv")) == 13


def test_snomed_conditions_are_reported_not_scored(synthea_run: Path) -> None:
    manifest = json.loads((synthea_run / "run.json").read_text())
    unmapped = read_csv(synthea_run / "unmapped_codes.csv")
    snomed = [row for row in unmapped if row["system"] == "http://snomed.info/sct"]
    assert sum(int(row["count"]) for row in snomed) == 555
    assert manifest["unmapped_codes"] == sum(int(row["count"]) for row in unmapped)
    assert {row["system"] for row in unmapped} == {
        "http://snomed.info/sct",
        "http://www.nlm.nih.gov/research/umls/rxnorm",
    }
    scores = {(r["charlson"], r["elixhauser_vw"]) for r in read_csv(synthea_run / "results.csv")}
    assert scores == {("0", "0")}
