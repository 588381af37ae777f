"""Bias report values, and proof that protected attributes never drive selection."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from casework.population.bias import bias_report
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


def test_small_groups_get_no_ratio_and_say_why(fixture_run: Path) -> None:
    # default minimum 11: every group of the six-member fixture is below it
    rows = read_csv(fixture_run / "bias.csv")
    assert {(r["ratio_to_highest"], r["flagged"]) for r in rows} == {("", "")}
    assert {r["suppressed"] for r in rows} == {"group has fewer than 11 members"}
    assert read_csv(fixture_run / "bias.csv")[0]["selection_rate"] != ""
    assert json.loads((fixture_run / "run.json").read_text())["bias_min_count"] == 11


def small_run(duck: Engine, groups: dict[str, tuple[int, int]], min_count: int) -> dict:
    """Bias rows by sex for members in ``groups`` (sex -> (members, selected))."""
    members, results = [], []
    for sex, (count, selected) in groups.items():
        for n in range(count):
            member_id = f"{sex}{n:03d}"
            members.append((member_id, dt.date(1970, 1, 1), sex, None, None, None))
            results.append((member_id, 1 if n < selected else None, 0, 0, None, None))
    members_df = duck.session.createDataFrame(
        members,
        schema="member_id string, birth_date date, sex string, race string, "
        "ethnicity string, language string",
    )
    results_df = duck.session.createDataFrame(
        results,
        schema="member_id string, tier int, charlson int, elixhauser_vw int, lace int, "
        "hospital int",
    )
    report = bias_report(duck, members_df, results_df, dt.date(2026, 6, 30), min_count=min_count)
    return {
        r["group"]: (
            r["members"],
            r["selected"],
            r["ratio_to_highest"],
            r["flagged"],
            r["suppressed"],
        )
        for r in report.collect()
        if r["attribute"] == "sex"
    }


def test_a_run_selecting_fewer_than_the_minimum_flags_nobody(duck: Engine) -> None:
    # 0 of 33 selected looks like adverse impact only because the run selected 3 people
    rows = small_run(duck, {"F": (33, 0), "M": (67, 3)}, min_count=11)
    assert rows == {
        "F": (33, 0, None, None, "run selected fewer than 11 members"),
        "M": (67, 3, None, None, "run selected fewer than 11 members"),
    }
    rows = small_run(duck, {"F": (33, 0), "M": (67, 3)}, min_count=3)
    assert rows == {"F": (33, 0, 0.0, True, None), "M": (67, 3, 1.0, False, None)}


def test_the_highest_rate_comes_from_groups_above_the_minimum(duck: Engine) -> None:
    # U: 2 of 2 selected (rate 1.0) is too small to be the reference; F's 0.5 is
    rows = small_run(duck, {"F": (20, 10), "M": (20, 7), "U": (2, 2)}, min_count=11)
    assert rows == {
        "F": (20, 10, 1.0, False, None),
        "M": (20, 7, 0.7, True, None),
        "U": (2, 2, None, None, "group has fewer than 11 members"),
    }
