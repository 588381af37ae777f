"""Engine conformance: the same pipeline gives identical output on SQLFrame-DuckDB and
on PySpark local mode over the same fixtures. Select with ``-m spark``; CI runs it
(Java 17 is installed there)."""

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
from tests.population.conftest import FIXTURES

pytestmark = pytest.mark.spark
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


@pytest.fixture(scope="module")
def staging(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    staged = read_input_folder(FIXTURES / "claims")
    return write_staging(staged, tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="module")
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
