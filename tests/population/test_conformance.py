"""Engine conformance: the same pipeline gives identical output on SQLFrame-DuckDB and
on PySpark local mode over the same fixtures, down to the bytes of the run folder's
files. Select with ``-m spark``; CI runs it (Java 17 is installed there). Every Spark
test uses the one session-scoped ``spark`` fixture of conftest.py: one JVM per run.

The runs both engines make are session fixtures too: xdist hands a worker this module's
tests in more than one batch, and a module fixture is torn down (and its runs made again)
whenever another module's test comes between."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from casework.population.bias import bias_report
from casework.population.criteria import criteria_load
from casework.population.engine import Engine
from casework.population.pipeline import Inputs, Window, screen
from casework.population.readers import read_input_folder, write_staging
from casework.population.runs import run_execute
from tests.population.conftest import FIXTURES
from tests.population.fhir_export import write_export
from tests.population.test_fhir_screening import resources

pytestmark = [pytest.mark.spark, pytest.mark.slow(65)]
pytest.importorskip("pyspark")


def normalised(rows: list[Any]) -> list[tuple[Any, ...]]:
    def value(item: Any) -> Any:
        if isinstance(item, Decimal | float):
            return f"{float(item):.6f}"
        return item

    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)


def outputs(engine: Engine, staging: dict[str, Path]) -> dict[str, list[tuple[Any, ...]]]:
    criteria = criteria_load("readmission-risk")
    window = Window.ending(dt.date(2026, 6, 30), criteria.lookback_days)
    inputs = Inputs.from_parquet(engine, staging)
    screening = screen(engine, inputs, criteria, window)
    bias = bias_report(engine, inputs.members, screening.results, window.end)
    return {
        "results": normalised(screening.results.collect()),
        "reasons": normalised(screening.reasons.collect()),
        "bias": normalised(bias.collect()),
        "columns": [tuple(screening.results.columns), tuple(bias.columns)],
    }


@pytest.fixture(scope="session")
def staging(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    staged = read_input_folder(FIXTURES / "claims")
    return write_staging(staged, tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="session")
def both(duck: Engine, spark: Engine, staging: dict[str, Path]) -> dict[str, Any]:
    return {"duckdb": outputs(duck, staging), "spark": outputs(spark, staging)}


def test_results_are_identical_on_both_engines(both: dict[str, Any]) -> None:
    assert both["spark"]["results"] == both["duckdb"]["results"]
    assert len(both["duckdb"]["results"]) == 6


def test_reasons_are_identical_on_both_engines(both: dict[str, Any]) -> None:
    assert both["spark"]["reasons"] == both["duckdb"]["reasons"]
    assert len(both["duckdb"]["reasons"]) == 10


def test_bias_report_is_identical_on_both_engines(both: dict[str, Any]) -> None:
    assert both["spark"]["bias"] == both["duckdb"]["bias"]
    assert len(both["duckdb"]["bias"]) == 17


def test_column_order_is_identical_on_both_engines(both: dict[str, Any]) -> None:
    assert both["spark"]["columns"] == both["duckdb"]["columns"]


def test_scores_agree_on_oracle_patients(duck: Engine, spark: Engine) -> None:
    from casework.population.scores import charlson, elixhauser

    def scores(engine: Engine) -> list[tuple[Any, ...]]:
        diagnoses = engine.session.createDataFrame(
            [("p4", "ICD10CM", c) for c in ("I252", "I110", "N184", "C20", "I850", "K7030")]
            + [("p1", "ICD10CM", c) for c in ("I5022", "E1122", "B20")],
            schema="member_id string, code_system string, code string",
        )
        units = engine.session.createDataFrame([("p1",), ("p4",)], schema="member_id string")
        ch = charlson(engine, diagnoses, units, "quan2011")
        vw = elixhauser(engine, diagnoses, units)
        return sorted(tuple(r) for r in ch.join(vw, on="member_id").collect())

    # p4: CHF 7 + renal failure 5 + solid tumour 4 + liver disease 11 = 27
    assert scores(spark) == scores(duck) == [("p1", 7, 7), ("p4", 9, 27)]


RUN_FILES = ("results.csv", "reasons.csv", "bias.csv", "selected.jsonl", "rejects.csv")


def run_both(duck: Engine, spark: Engine, input_path: Path, out: Path) -> dict[str, Path]:
    criteria = criteria_load("readmission-risk")
    folders = {}
    for engine in (duck, spark):
        folders[engine.name] = out / engine.name
        run_execute(
            engine=engine,
            input_path=input_path,
            criteria=criteria,
            run_dir=folders[engine.name],
            window_end=dt.date(2026, 6, 30),
            bias_min_count=1,
        )
    return folders


@pytest.mark.parametrize("name", RUN_FILES)
def test_claims_run_files_are_byte_identical(name: str, claims_runs: dict[str, Path]) -> None:
    duckdb_bytes = (claims_runs["duckdb"] / name).read_bytes()
    assert (claims_runs["spark"] / name).read_bytes() == duckdb_bytes
    assert len(duckdb_bytes) > len("file,row,reason\r\n") or name == "rejects.csv"


def test_money_is_written_with_two_decimals_on_both_engines(
    claims_runs: dict[str, Path],
) -> None:
    for folder in claims_runs.values():
        text = (folder / "results.csv").read_text()
        assert ",20710.50," in text and ",140.00," in text


@pytest.mark.parametrize("name", RUN_FILES)
def test_fhir_run_files_are_byte_identical(name: str, fhir_runs: dict[str, Path]) -> None:
    assert (fhir_runs["spark"] / name).read_bytes() == (fhir_runs["duckdb"] / name).read_bytes()


@pytest.fixture(scope="session")
def claims_runs(
    duck: Engine, spark: Engine, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    return run_both(duck, spark, FIXTURES / "claims", tmp_path_factory.mktemp("claims-runs"))


@pytest.fixture(scope="session")
def fhir_runs(
    duck: Engine, spark: Engine, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    export = write_export(tmp_path_factory.mktemp("fhir-export"), resources())
    return run_both(duck, spark, export, tmp_path_factory.mktemp("fhir-runs"))
