"""Bias report values, and proof that protected attributes never drive selection."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from casework.population.criteria import criteria_load
from casework.population.engine import Engine
from casework.population.pipeline import Inputs, Window, screen
from casework.population.readers import read_input_folder, write_staging
from tests.population.conftest import FIXTURES, read_csv, write_csv


def bias_rows(run: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (r["attribute"], r["group"]): (
            r["members"],
            r["selected"],
            r["selection_rate"],
            r["ratio_to_highest"],
            r["flagged"],
        )
        for r in read_csv(run / "bias.csv")
    }


def test_selection_rates_by_sex_with_four_fifths_flag(fixture_run_unsuppressed: Path) -> None:
    rows = bias_rows(fixture_run_unsuppressed)
    assert rows[("sex", "F")] == ("3", "3", "1.0", "1.0", "False")
    assert rows[("sex", "M")] == ("2", "1", "0.5", "0.5", "True")
    assert rows[("sex", "U")] == ("1", "1", "1.0", "1.0", "False")


def test_age_bands_use_age_on_window_end(fixture_run_unsuppressed: Path) -> None:
    # M002 turns 46 on 2026-07-01, one day after the window ends: still 45-64.
    # M005 turns 25 on 2026-06-30, the window end: 18-44. M006 (29 Feb 1960) is 66.
    rows = bias_rows(fixture_run_unsuppressed)
    assert {
        group: row[0] for (attribute, group), row in rows.items() if attribute == "age_band"
    } == {
        "18-44": "2",
        "45-64": "1",
        "65-74": "1",
        "75+": "2",
    }
    assert rows[("age_band", "45-64")][4] == "True"


def test_report_covers_every_attribute(fixture_run: Path) -> None:
    attributes = {attribute for attribute, _ in bias_rows(fixture_run)}
    assert attributes == {"age_band", "sex", "race", "ethnicity", "language"}


def test_score_distribution_by_group(fixture_run: Path) -> None:
    row = next(
        r
        for r in read_csv(fixture_run / "bias.csv")
        if (r["attribute"], r["group"]) == ("sex", "M")
    )
    # M002 Charlson 1, M004 Charlson 6
    assert (row["charlson_mean"], row["charlson_min"], row["charlson_max"]) == ("3.5", "1", "6")


def test_changing_protected_attributes_leaves_selections_unchanged(
    duck: Engine, tmp_path: Path, fixture_run: Path
) -> None:
    folder = tmp_path / "input"
    shutil.copytree(FIXTURES / "claims", folder)
    original = read_csv(folder / "eligibility.csv")
    swapped = [
        [
            row["member_id"],
            row["given_name"],
            row["family_name"],
            "1930-01-01" if index % 2 else "2005-12-31",
            "M" if row["sex"] == "F" else "F",
            "Native Hawaiian or Other Pacific Islander",
            "Hispanic or Latino",
            "vi",
            row["coverage_start_date"],
            row["coverage_end_date"],
        ]
        for index, row in enumerate(original)
    ]
    write_csv(folder / "eligibility.csv", list(original[0]), swapped)
    criteria = criteria_load("readmission-risk")
    window = Window.ending(dt.date(2026, 6, 30), criteria.lookback_days)

    paths = write_staging(read_input_folder(folder), tmp_path / "staging")
    screening = screen(duck, Inputs.from_parquet(duck, paths), criteria, window)
    after = sorted(
        (r["member_id"], str(r["tier"] or ""), r["tier_label"] or "")
        for r in screening.results.collect()
    )
    before = sorted(
        (r["member_id"], r["tier"], r["tier_label"]) for r in read_csv(fixture_run / "results.csv")
    )
    assert after == before
    assert [r[1] for r in before] == ["1", "", "3", "1", "3", "3"]
