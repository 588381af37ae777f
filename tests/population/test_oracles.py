"""Independent oracles: comorbidipy and pycomorb on every UCI Diabetes 130 encounter.

All 101,766 encounters (ICD-9-CM ``diag_1..3``, dots removed) are scored by our
DataFrame pipeline and by both packages. Documented, tested differences:

* comorbidipy maps the 3-character code ``195`` to malignancy; Quan 2005 lists only
  195.0-195.8, so a bare ``195`` (a truncated code) is not a malignancy for us or pycomorb.
* pycomorb writes ICD-9 140-149 as the 2-character prefix ``14``, which also matches the
  truncated UCI code ``14`` (tuberculosis 014 with its leading zero lost).
* comorbidipy's Quan 2011 weighting gives AIDS/HIV 2 points instead of 4 (clinical.md 1.3);
  no UCI encounter has an AIDS/HIV code, so it is shown on the ICD-10 oracle patient p1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pyarrow as pa
import pytest

from casework.population.engine import Engine
from casework.population.scores import charlson, elixhauser
from tests.population.conftest import shared_data

pytestmark = pytest.mark.oracle
comorbidipy = pytest.importorskip("comorbidipy")
pycomorb = pytest.importorskip("pycomorb")
polars = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def uci() -> dict[str, Any]:
    path = shared_data("uci-diabetes-130/dataset_diabetes.zip")
    encounters: list[str] = []
    rows: list[tuple[str, str]] = []
    with (
        zipfile.ZipFile(path) as archive,
        archive.open("dataset_diabetes/diabetic_data.csv") as handle,
    ):
        for record in csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")):
            encounters.append(record["encounter_id"])
            for column in ("diag_1", "diag_2", "diag_3"):
                code = record[column]
                if code and code != "?":
                    rows.append((record["encounter_id"], code.replace(".", "")))
    return {"encounters": encounters, "rows": rows}


@pytest.fixture(scope="module")
def ours(duck: Engine, uci: dict[str, Any]) -> dict[str, dict[str, int]]:
    rows = uci["rows"]
    duck.connection.register(
        "uci_dx_arrow",
        pa.table(
            {
                "encounter_id": [r[0] for r in rows],
                "code_system": ["ICD9CM"] * len(rows),
                "code": [r[1] for r in rows],
            }
        ),
    )
    duck.connection.register("uci_units_arrow", pa.table({"encounter_id": uci["encounters"]}))
    duck.connection.execute("CREATE OR REPLACE TABLE uci_dx AS SELECT * FROM uci_dx_arrow")
    duck.connection.execute("CREATE OR REPLACE TABLE uci_units AS SELECT * FROM uci_units_arrow")
    diagnoses, units = duck.session.table("uci_dx"), duck.session.table("uci_units")

    def collect(frame: Any) -> dict[str, int]:
        return {row[0]: row[1] for row in frame.collect()}

    return {
        "charlson1987": collect(charlson(duck, diagnoses, units, "charlson1987", "encounter_id")),
        "quan2011": collect(charlson(duck, diagnoses, units, "quan2011", "encounter_id")),
        "van_walraven": collect(elixhauser(duck, diagnoses, units, unit="encounter_id")),
    }


def oracle_input(uci: dict[str, Any]) -> Any:
    return polars.DataFrame(uci["rows"], schema=["id", "code"], orient="row")


@pytest.fixture(scope="module")
def comorbidipy_scores(uci: dict[str, Any]) -> dict[str, dict[str, int]]:
    frame = oracle_input(uci)
    results = {}
    for name, score, weighting in (
        ("charlson1987", "CHARLSON", "CHARLSON"),
        ("quan2011", "CHARLSON", "QUAN"),
        ("van_walraven", "ELIXHAUSER", "VAN_WALRAVEN"),
    ):
        out = comorbidipy.comorbidity(
            frame,
            score=comorbidipy.ScoreType[score],
            icd=comorbidipy.ICDVersion.ICD9,
            variant=comorbidipy.MappingVariant.QUAN,
            weighting=comorbidipy.WeightingVariant[weighting],
        )
        results[name] = dict(
            zip(out["id"].to_list(), [int(v) for v in out["comorbidity_score"]], strict=True)
        )
    return results


@pytest.fixture(scope="module")
def pycomorb_scores(uci: dict[str, Any]) -> dict[str, dict[str, int]]:
    frame = oracle_input(uci)
    aged = frame.with_columns(polars.lit(0).alias("age"))
    results = {}
    for name, weights in (("charlson1987", "charlson"), ("quan2011", "quan")):
        out = pycomorb.comorbidity(
            "charlson", aged, icd_version="icd9", implementation="quan", weights=weights
        )
        column = "Charlson Age-Comorbidity Score"
        results[name] = dict(zip(out["id"].to_list(), out[column].to_list(), strict=True))
    out = pycomorb.comorbidity(
        "elixhauser", frame, icd_version="icd9", implementation="quan", weights="van_walraven"
    )
    column = "Elixhauser Comorbidity Index"
    results["van_walraven"] = dict(zip(out["id"].to_list(), out[column].to_list(), strict=True))
    return results


def disagreements(
    uci: dict[str, Any], ours: dict[str, int], oracle: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Encounters whose scores differ; an encounter the oracle omits (no codes) scores 0."""
    return {
        e: (ours[e], oracle.get(e, 0)) for e in uci["encounters"] if ours[e] != oracle.get(e, 0)
    }


def encounters_with_code(uci: dict[str, Any], code: str) -> set[str]:
    return {e for e, c in uci["rows"] if c == code}


def test_every_encounter_is_scored(uci: dict[str, Any], ours: dict[str, dict[str, int]]) -> None:
    assert len(uci["encounters"]) == 101_766
    assert {len(scores) for scores in ours.values()} == {101_766}


@pytest.mark.parametrize("weighting", ["charlson1987", "quan2011"])
def test_charlson_equals_comorbidipy_except_bare_195(
    uci: dict[str, Any],
    ours: dict[str, dict[str, int]],
    comorbidipy_scores: dict[str, dict[str, int]],
    weighting: str,
) -> None:
    differing = disagreements(uci, ours[weighting], comorbidipy_scores[weighting])
    assert set(differing) <= encounters_with_code(uci, "195")
    assert len(differing) == 7
    assert {oracle - mine for mine, oracle in differing.values()} == {2}


@pytest.mark.parametrize("weighting", ["charlson1987", "quan2011"])
def test_charlson_equals_pycomorb_except_two_character_14(
    uci: dict[str, Any],
    ours: dict[str, dict[str, int]],
    pycomorb_scores: dict[str, dict[str, int]],
    weighting: str,
) -> None:
    differing = disagreements(uci, ours[weighting], pycomorb_scores[weighting])
    assert set(differing) <= encounters_with_code(uci, "14")
    assert len(differing) == 1


def test_van_walraven_equals_comorbidipy_on_every_encounter(
    uci: dict[str, Any],
    ours: dict[str, dict[str, int]],
    comorbidipy_scores: dict[str, dict[str, int]],
) -> None:
    assert disagreements(uci, ours["van_walraven"], comorbidipy_scores["van_walraven"]) == {}


def test_van_walraven_equals_pycomorb_on_every_encounter(
    uci: dict[str, Any],
    ours: dict[str, dict[str, int]],
    pycomorb_scores: dict[str, dict[str, int]],
) -> None:
    assert disagreements(uci, ours["van_walraven"], pycomorb_scores["van_walraven"]) == {}


def test_charlson_1987_distribution_matches_clinical_md(ours: dict[str, dict[str, int]]) -> None:
    """clinical.md 1.6 reports 42,157 zeros (comorbidipy, which omits the encounter without
    diagnoses and counts six zero-scored bare-195 encounters as 2); we add those seven."""
    values = list(ours["charlson1987"].values())
    # one bare-195 encounter scores 1 for us and 3 for comorbidipy
    assert (values.count(0), values.count(1), values.count(6)) == (42_157 + 7, 35_340 + 1, 1_501)


def test_quan2011_aids_weight_differs_from_comorbidipy_only_by_its_bug(duck: Engine) -> None:
    """Oracle patient p1 (clinical.md 1.6): I5022 E1122 B20 -> 7; comorbidipy says 5."""
    codes = ["I5022", "E1122", "B20"]
    frame = polars.DataFrame({"id": ["p1"] * 3, "code": codes, "age": [70] * 3})
    buggy = comorbidipy.comorbidity(
        frame.drop("age"),
        score=comorbidipy.ScoreType.CHARLSON,
        icd=comorbidipy.ICDVersion.ICD10,
        variant=comorbidipy.MappingVariant.QUAN,
        weighting=comorbidipy.WeightingVariant.QUAN,
    )["comorbidity_score"].to_list()
    correct = pycomorb.comorbidity("charlson", frame, icd_version="icd10", weights="quan")
    age_free = correct["Charlson Age-Comorbidity Score"][0] - 3
    diagnoses = duck.session.createDataFrame(
        [("p1", "ICD10CM", c) for c in codes],
        schema="member_id string, code_system string, code string",
    )
    units = duck.session.createDataFrame([("p1",)], schema="member_id string")
    mine = charlson(duck, diagnoses, units, "quan2011").collect()[0]["charlson"]
    assert (mine, age_free, buggy) == (7, 7, [5])
