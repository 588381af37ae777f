"""Screening the fixture claims end to end: features, tiers, reasons and provenance.

Expected values are worked by hand from fixtures/claims (window 2025-07-01..2026-06-30)
with the criteria set ``readmission-risk`` 2026.1.0; the derivations are in comments.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.population.conftest import read_csv

COLUMNS = (
    "tier",
    "charlson",
    "elixhauser_vw",
    "lace",
    "hospital",
    "hospital_simplified",
    "inpatient_admissions",
    "ed_visits",
    "allowed_amount_total",
    "pharmacy_fills",
)


def results(run: Path) -> dict[str, tuple[str, ...]]:
    return {
        row["member_id"]: tuple(row[c] for c in COLUMNS) for row in read_csv(run / "results.csv")
    }


def test_member_with_heart_failure_admission(fixture_run: Path) -> None:
    # Charlson (Quan 2011): CHF 2 + diabetes with complications 1 + renal 1 = 4.
    # van Walraven: CHF 7 + renal failure 5 = 12.
    # LACE: LOS 5 -> 4, emergency admission 3, Charlson 1987 = 5 -> 5, two ED visits
    #   (the one on the admission day is excluded) -> 2; total 14.
    # HOSPITAL: Hb 11.5 -> 1, Na 133 -> 1, procedure 1, urgent 1, LOS 5 -> 2; total 6.
    assert results(fixture_run)["M001"] == (
        "1", "4", "12", "14", "6", "5", "1", "3", "20710.50", "2",
    )  # fmt: skip


def test_member_with_metastatic_cancer_stays(fixture_run: Path) -> None:
    # Charlson: metastatic 6 (malignancy dropped). vW: metastatic 12 (solid tumour dropped).
    # LACE of the latest stay: LOS 15 -> 7, elective 0, Charlson 1987 6 -> 5, no ED -> 12.
    # HOSPITAL: Hb 1 + oncology 2 + Na 1 + procedure 1 + one prior admission 0 + LOS 2 = 7.
    assert results(fixture_run)["M004"] == (
        "1", "6", "12", "12", "7", "6", "2", "0", "49300.00", "0",
    )  # fmt: skip


def test_members_without_stays_have_no_lace_or_hospital(fixture_run: Path) -> None:
    rows = results(fixture_run)
    assert rows["M002"] == ("", "1", "3", "", "", "", "0", "0", "140.00", "1")
    assert rows["M005"] == ("3", "3", "7", "", "", "", "0", "0", "120.00", "0")
    assert rows["M006"] == ("3", "1", "0", "", "", "", "0", "5", "3000.00", "2")


def test_reasons_list_every_fired_rule_with_its_value(fixture_run: Path) -> None:
    reasons = [
        (r["member_id"], r["rule"], r["value"]) for r in read_csv(fixture_run / "reasons.csv")
    ]
    assert reasons == [
        ("M001", "charlson_high", "4.0"),
        ("M001", "heart_failure", "1.0"),
        ("M001", "insulin_use", "2.0"),
        ("M001", "lace_high", "14.0"),
        ("M003", "housing_instability", "1.0"),
        ("M004", "charlson_high", "6.0"),
        ("M004", "hospital_high", "7.0"),
        ("M004", "lace_high", "12.0"),
        ("M005", "charlson_high", "3.0"),
        ("M006", "frequent_ed", "5.0"),
    ]


def test_every_result_row_records_criteria_snapshot_and_sql(fixture_run: Path) -> None:
    rows = read_csv(fixture_run / "results.csv")
    manifest = json.loads((fixture_run / "run.json").read_text())
    provenance = {
        (r["criteria_id"], r["criteria_version"], r["input_snapshot"], r["sql_file"]) for r in rows
    }
    assert provenance == {
        ("readmission-risk", "2026.1.0", manifest["input_snapshot"], "sql/results.sql")
    }
    assert manifest["input_snapshot"].startswith("sha256:")
    assert "SELECT" in (fixture_run / "sql" / "results.sql").read_text()


def test_manifest_counts_and_window(fixture_run: Path) -> None:
    manifest = json.loads((fixture_run / "run.json").read_text())
    assert (
        manifest["members"],
        manifest["selected"],
        manifest["rows_read"],
        manifest["rows_rejected"],
        manifest["window_start"],
        manifest["window_end"],
        manifest["engine"],
    ) == (6, 5, 29, 0, "2025-07-01", "2026-06-30", "duckdb")
    assert manifest["reference_tables"]["charlson_map"] == "quan2005.1"


def test_each_sql_stage_is_kept_with_the_run(fixture_run: Path) -> None:
    manifest = json.loads((fixture_run / "run.json").read_text())
    names = [name.split("_", 1)[1] for name in manifest["sql_stages"]]
    # unions are staged part by part (Engine.union_stage), then as one statement
    parts = [name for name in names if "_part" in name]
    assert parts == [f"reasons_part{n}.sql" for n in range(1, 8)] + [
        f"bias_groups_part{n}.sql" for n in range(1, 6)
    ]
    whole = [name for name in names if "_part" not in name]
    assert whole[-4:] == ["results.sql", "bias_input.sql", "bias_groups.sql", "bias_report.sql"]
    for name in manifest["sql_stages"]:
        assert (fixture_run / "sql" / name).read_text().lstrip().startswith(("WITH", "SELECT"))
