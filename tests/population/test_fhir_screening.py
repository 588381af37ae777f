"""A FHIR export written for the purpose, screened end to end (issue 14, items 1-6).

Window 2025-07-01..2026-06-30 (``readmission-risk``, 365 days to 2026-06-30).

* p1: a refuted HIV diagnosis and an entered-in-error metastatic cancer (together
  Charlson 10 if they were scored) are excluded. Scored: heart failure active since 2019
  (Charlson Quan 2011 2, vW 7) and CKD stage 4 abated inside the window (Quan 2011 1,
  vW 5); not scored: diabetes abated in 2024, COPD resolved in 2020 without an abatement
  date. Charlson 3, vW 12. Stay e1 (2026-03-01..06, emergency, oncology service):
  haemoglobin 13.0 g/dL on 03-02 then 105 g/L (10.5 g/dL) on 03-05 -> H 1; sodium 132 ->
  S 1; oncology O 2; a procedure P 1; urgent 1; no prior admission A 0; LOS 5 -> L 2:
  HOSPITAL 8. A cancelled stay (04-01..03) and an entered-in-error ED visit are not
  scored. Insulin glargine (RxNorm 274783) -> drug class insulin.
* p2: deceasedDateTime; heart failure and insulin would give tier 2; excluded.
* p3: an inpatient stay discharged "expired"; excluded.
* p4: heart failure with onset in the window -> tier 3.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from casework.population.cli import main
from casework.population.fhir import read_fhir_export
from tests.population.conftest import read_csv
from tests.population.fhir_export import (
    condition,
    encounter,
    medication,
    observation,
    patient,
    procedure,
    write_export,
)

EXPIRED = {
    "dischargeDisposition": {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition",
                "code": "exp",
            }
        ]
    }
}


def resources() -> list[dict[str, Any]]:
    return [
        patient("p1"),
        patient("p2", deceasedDateTime="2026-05-01T00:00:00Z"),
        patient("p3"),
        patient("p4", birth="1990-06-01"),
        encounter(
            "e1",
            "p1",
            "2026-03-01",
            "2026-03-06",
            priority={"coding": [{"code": "EM"}]},
            serviceType={"coding": [{"display": "Oncology"}]},
        ),
        encounter("e2", "p1", "2026-04-01", "2026-04-03", status="cancelled"),
        encounter("e3", "p1", "2026-02-01", "2026-02-01", cls="EMER", status="entered-in-error"),
        encounter("e4", "p3", "2026-01-10", "2026-01-12", hospitalization=EXPIRED),
        encounter("e5", "p4", "2026-01-05", "2026-01-05", cls="AMB"),
        observation("o1", "p1", "718-7", 13.0, "g/dL", "2026-03-02"),
        observation("o2", "p1", "718-7", 105, "g/L", "2026-03-05"),
        observation("o3", "p1", "2951-2", 132, "mmol/L", "2026-03-05"),
        observation("o4", "p1", "2951-2", 120, "mmol/L", "2026-03-05", status="preliminary"),
        observation("o5", "p1", "8867-4", 80, "/min", "2026-03-05"),
        condition("c1", "p1", "B20", "2026-01-01", verification="refuted"),
        condition("c2", "p1", "C78.00", "2026-01-01", verification="entered-in-error"),
        condition("c3", "p1", "I50.22", "2019-05-01"),
        condition(
            "c4",
            "p1",
            "N18.4",
            "2025-08-01",
            clinical="resolved",
            abatementDateTime="2025-09-01",
        ),
        condition(
            "c5", "p1", "E11.9", "2018-01-01", clinical="resolved", abatementDateTime="2024-01-01"
        ),
        condition("c6", "p1", "J44.9", "2020-01-01", clinical="resolved"),
        condition("c7", "p2", "I50.22", "2020-01-01"),
        condition("c8", "p3", "I50.22", "2020-01-01"),
        condition("c9", "p4", "I50.22", "2026-01-05"),
        procedure("x1", "p1", "387713003", "2026-03-03"),
        medication("m1", "p1", "274783", "2026-02-01"),
        medication("m2", "p2", "274783", "2026-02-01"),
        medication("m3", "p1", "999999", "2026-02-01"),
        medication("m4", "p1", "274783", "2026-02-02", status="entered-in-error"),
    ]


def cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_export(tmp_path_factory.mktemp("fhir") / "export", resources())


@pytest.fixture(scope="module")
def run(export: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    run_dir = tmp_path_factory.mktemp("fhir-run") / "run"
    argv = ["screen", str(export), "--criteria", "readmission-risk", "--out", str(run_dir)]
    code, out, err = cli([*argv, "--window-end", "2026-06-30", "--json"])
    assert code == 0, err
    return run_dir, out, err


def results(run_dir: Path) -> dict[str, dict[str, str]]:
    return {row["member_id"]: row for row in read_csv(run_dir / "results.csv")}


def test_refuted_and_entered_in_error_conditions_are_not_scored(
    run: tuple[Path, str, str],
) -> None:
    p1 = results(run[0])["p1"]
    assert (p1["charlson"], p1["elixhauser_vw"]) == ("3", "12")


def test_statuses_excluded_are_counted_in_the_summary(run: tuple[Path, str, str]) -> None:
    manifest = json.loads((run[0] / "run.json").read_text())
    assert manifest["excluded_records"] == {
        "Condition verificationStatus entered-in-error": 1,
        "Condition verificationStatus refuted": 1,
        "Encounter status cancelled": 1,
        "Encounter status entered-in-error": 1,
        "MedicationRequest status entered-in-error": 1,
        "Observation not a HOSPITAL laboratory code": 1,
        "Observation status preliminary": 1,
    }
    assert (manifest["rows_read"], manifest["rows_rejected"]) == (28, 0)


def test_hospital_reads_labs_oncology_service_and_procedures_from_fhir(
    run: tuple[Path, str, str],
) -> None:
    p1 = results(run[0])["p1"]
    # cancelled stay e2 ignored: e1 is the latest discharge, with no prior admission
    assert (p1["hospital"], p1["hospital_band"], p1["inpatient_admissions"]) == (
        "8",
        "high",
        "1",
    )
    # LACE: LOS 5 -> 4, emergency 3, Charlson 1987 CHF 1 + renal 2 = 3 -> 3, no ED -> 10
    assert (p1["lace"], p1["ed_visits"]) == ("10", "0")
    assert (p1["tier"], p1["tier_label"], p1["excluded"]) == ("1", "intensive", "")


def test_drug_class_comes_from_the_rxnorm_table(run: tuple[Path, str, str]) -> None:
    reasons = {(r["member_id"], r["rule"], r["value"]) for r in read_csv(run[0] / "reasons.csv")}
    assert ("p1", "insulin_use", "1.0") in reasons
    unmapped = read_csv(run[0] / "unmapped_codes.csv")
    assert unmapped == [
        {
            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
            "code": "999999",
            "display": "",
            "count": "1",
        }
    ]


def test_deceased_members_are_scored_but_never_selected(run: tuple[Path, str, str]) -> None:
    rows = results(run[0])
    assert {m: (r["tier"], r["excluded"], r["charlson"]) for m, r in rows.items()} == {
        "p1": ("1", "", "3"),
        "p2": ("", "deceased", "2"),
        "p3": ("", "deceased", "2"),
        "p4": ("3", "", "2"),
    }
    selected = [json.loads(line)["member_id"] for line in (run[0] / "selected.jsonl").open()]
    assert selected == ["p1", "p4"]
    manifest = json.loads((run[0] / "run.json").read_text())
    assert (manifest["deceased_excluded"], manifest["selected"]) == (2, 2)


def test_summary_line_json_and_window_are_printed(run: tuple[Path, str, str]) -> None:
    _, out, err = run
    summary = json.loads(out)
    assert summary["deceased_excluded"] == 2
    assert summary["window_start"] == "2025-07-01"
    # 14 service dates (3 encounters, 7 diagnoses, 1 procedure, 3 fills); the
    # diagnoses starting in 2018, 2019 and 2020 (x3) are before the window
    assert summary["window_coverage"] == round(9 / 14, 6)
    assert summary["excluded_records"]["Encounter status cancelled"] == 1
    assert summary["warnings"] == []
    lines = err.splitlines()
    # not a terminal: no progress lines, only the window and the summary
    assert len(lines) == 2
    assert lines[0] == "window 2025-07-01 to 2026-06-30 (365 days)"
    assert lines[-1].startswith(
        "screened 4 members, selected 2; 2 deceased members excluded from selection; "
        "0 of 28 input rows rejected; 7 input records not scored (status); run folder "
    )


def test_conditions_are_dated_by_when_they_were_active(tmp_path: Path) -> None:
    staged = read_fhir_export(write_export(tmp_path, resources()))
    dated = {
        (d["member_id"], d["code"]): (str(d["service_date"]), str(d["active_until"]))
        for d in staged.tables["diagnoses"]
    }
    assert dated == {
        ("p1", "I5022"): ("2019-05-01", "None"),
        ("p1", "N184"): ("2025-08-01", "2025-09-01"),
        ("p1", "E119"): ("2018-01-01", "2024-01-01"),
        ("p1", "J449"): ("2020-01-01", "2020-01-01"),
        ("p2", "I5022"): ("2020-01-01", "None"),
        ("p3", "I5022"): ("2020-01-01", "None"),
        ("p4", "I5022"): ("2026-01-05", "None"),
    }


def test_old_window_warns_that_few_service_dates_fall_in_it(export: Path, tmp_path: Path) -> None:
    argv = ["screen", str(export), "--criteria", "readmission-risk", "--out", str(tmp_path)]
    code, out, err = cli([*argv, "--window-end", "2021-06-30"])
    assert code == 0
    # none of the 14 service dates is from 2020-07-01 to 2021-06-30
    assert out.splitlines()[0] == "window 2020-07-01 to 2021-06-30 (365 days)"
    assert err.splitlines() == [
        "warning: only 0 of the input's 14 service dates (0.0%) fall in the window "
        "2020-07-01 to 2021-06-30; check --window-end"
    ]


def test_start_in_window_dating_drops_chronic_conditions(tmp_path: Path) -> None:
    from casework.population.criteria import criteria_library

    data = json.loads(criteria_library()["readmission-risk"].read_text())
    data["condition_dating"] = "start_in_window"
    criteria = tmp_path / "start.json"
    criteria.write_text(json.dumps(data))
    export = write_export(tmp_path / "export", resources())
    argv = ["screen", str(export), "--criteria", str(criteria), "--out", str(tmp_path / "run")]
    code, _, err = cli([*argv, "--window-end", "2026-06-30"])
    assert code == 0, err
    rows = results(tmp_path / "run")
    # only CKD (onset 2025-08-01) and p4's heart failure (2026-01-05) start in the window
    assert {m: r["charlson"] for m, r in rows.items()} == {
        "p1": "1",
        "p2": "0",
        "p3": "0",
        "p4": "2",
    }
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["condition_dating"] == "start_in_window"
