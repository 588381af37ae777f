"""The plan cache (plans.py): stage SQL rendered once per criteria set, re-run for any window.

A replayed run must write exactly what a run that builds its plans writes (for its own
window too), and any change to what the SQL depends on (criteria set, bias minimum count)
must give a new plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casework.population import plans
from casework.population.cli import main
from casework.population.criteria import criteria_library, criteria_load
from casework.population.engine import Engine
from casework.population.pipeline import Window
from casework.population.runs import run_execute
from tests.population.conftest import FIXTURES

pytestmark = pytest.mark.slow(35)

WINDOW_END = dt.date(2026, 6, 30)
OUTPUT_FILES = ("results.csv", "reasons.csv", "bias.csv", "selected.jsonl", "rejects.csv")


def run(engine: Engine, run_dir: Path, cache: Path | None, **options: object) -> Path:
    arguments: dict[str, object] = {
        "criteria": criteria_load("readmission-risk"),
        "window_end": WINDOW_END,
        "bias_min_count": 1,
    }
    arguments.update(options)
    run_execute(
        engine=engine,
        input_path=FIXTURES / "claims",
        run_dir=run_dir,
        plan_cache=cache,
        **arguments,  # type: ignore[arg-type]
    )
    return run_dir


def outputs(run_dir: Path) -> dict[str, str]:
    files = {name: (run_dir / name).read_text(encoding="utf-8") for name in OUTPUT_FILES}
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    files["sql_stages"] = " ".join(manifest["sql_stages"])
    return files


def stage_sql(run_dir: Path, stage: str) -> str:
    (path,) = (run_dir / "sql").glob(f"*_{stage}.sql")
    return path.read_text(encoding="utf-8")


def test_replayed_run_writes_what_a_built_run_writes(duck: Engine, tmp_path: Path) -> None:
    built = run(duck, tmp_path / "built", None)
    cache = tmp_path / "plans"
    recording = run(duck, tmp_path / "recording", cache)
    replayed = run(duck, tmp_path / "replayed", cache)
    assert len(list(cache.glob("*.json"))) == 1
    assert outputs(recording) == outputs(built)
    assert outputs(replayed) == outputs(built)


def test_replayed_sql_reads_this_runs_staging_files(duck: Engine, tmp_path: Path) -> None:
    cache = tmp_path / "plans"
    run(duck, tmp_path / "first", cache)
    second = run(duck, tmp_path / "second's run", cache)
    sql = stage_sql(second, "diagnoses_in_window")
    staging = str(second / "staging" / "diagnoses.parquet").replace("'", "''")
    assert len(list(cache.glob("*.json"))) == 1
    assert f"'{staging}'" in sql
    assert str(tmp_path / "first") not in "".join(
        path.read_text(encoding="utf-8") for path in (second / "sql").glob("*.sql")
    )


def test_replay_builds_no_plan(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "plans"
    run(duck, tmp_path / "first", cache)

    def no_building(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a plan was built")

    monkeypatch.setattr(plans, "screen", no_building)
    monkeypatch.setattr(plans, "bias_report", no_building)
    second = run(duck, tmp_path / "second", cache)
    assert (second / "results.csv").read_text() == (tmp_path / "first/results.csv").read_text()


def test_a_changed_window_reruns_the_plan_with_its_own_dates(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    may_end = dt.date(2026, 5, 31)
    built = run(duck, tmp_path / "built", None, window_end=may_end)
    cache = tmp_path / "plans"
    run(duck, tmp_path / "june", cache)

    def no_building(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a plan was built")

    monkeypatch.setattr(plans, "screen", no_building)
    may = run(duck, tmp_path / "may", cache, window_end=may_end)
    assert len(list(cache.glob("*.json"))) == 1
    sql = stage_sql(may, "diagnoses_in_window")
    assert "CAST('2026-05-31' AS DATE)" in sql
    assert "CAST('2025-06-01' AS DATE)" in sql
    assert "2026-06-30" not in sql
    assert outputs(may) == outputs(built)


def _templates(engine: Engine, paths: dict[str, Path], criteria_id: str, end: dt.date) -> object:
    criteria = criteria_load(criteria_id)
    window = Window.ending(end, criteria.lookback_days)
    first = len(engine.stages)
    plans.screening_execute(
        engine=engine, paths=paths, criteria=criteria, window=window, bias_min_count=11
    )
    body = plans._record(engine, first, paths, window)
    stages = [[name, _aliases_numbered(text)] for name, text in body["stages"]]
    return (
        json.loads(json.dumps(stages).replace(body["token"], "TOKEN")),
        body["references"],
        body["outputs"],
    )


def _aliases_numbered(text: str) -> str:
    """``text`` with SQLFrame's CTE names (a hash of their expression, the dates
    included) replaced by their order of first appearance."""
    aliases: dict[str, str] = {}
    return re.sub(r'"t\d+"', lambda m: aliases.setdefault(m[0], f'"cte{len(aliases)}"'), text)


@pytest.mark.parametrize("criteria_id", sorted(criteria_library()))
def test_every_shipped_criteria_set_renders_one_template_for_any_window(
    duck: Engine, tmp_path: Path, criteria_id: str
) -> None:
    staged = run(duck, tmp_path / "staged", None, criteria=criteria_load(criteria_id))
    paths = {path.stem: path for path in sorted((staged / "staging").glob("*.parquet"))}
    june = _templates(duck, paths, criteria_id, WINDOW_END)
    leap_day = _templates(duck, paths, criteria_id, dt.date(2024, 2, 29))
    assert june == leap_day


def test_a_date_in_the_sql_other_than_the_windows_is_not_cached() -> None:
    window = Window.ending(WINDOW_END, 365)
    text = (
        "SELECT * FROM t WHERE d >= CAST('2025-07-01' AS DATE) AND d < CAST('2026-01-01' AS DATE)"
    )
    with pytest.raises(plans.UncacheableError, match="a date other than the window's"):
        plans._template(text, "abc", {}, {}, set(), window)
    assert plans._template(text.split(" AND")[0], "abc", {}, {}, set(), window) == (
        "SELECT * FROM t WHERE d >= CAST('__casework_abc_window_start__' AS DATE)"
    )


def test_a_changed_criteria_set_gets_fresh_sql(duck: Engine, tmp_path: Path) -> None:
    cache = tmp_path / "plans"
    run(duck, tmp_path / "as-shipped", cache)
    source = json.loads(criteria_library()["readmission-risk"].read_text(encoding="utf-8"))
    (rule,) = [r for r in source["rules"] if r["id"] == "charlson_high"]
    rule["value"] = 2
    changed_file = tmp_path / "changed.json"
    changed_file.write_text(json.dumps(source), encoding="utf-8")
    changed = run(duck, tmp_path / "changed", cache, criteria=criteria_load(str(changed_file)))
    assert len(list(cache.glob("*.json"))) == 2
    assert 'CAST("charlson" AS DOUBLE) >= 2.0' in stage_sql(changed, "reasons_part4")
    assert 'CAST("charlson" AS DOUBLE) >= 3.0' in stage_sql(
        tmp_path / "as-shipped", "reasons_part4"
    )


def test_a_changed_bias_minimum_gets_fresh_sql(duck: Engine, tmp_path: Path) -> None:
    cache = tmp_path / "plans"
    run(duck, tmp_path / "one", cache)
    eleven = run(duck, tmp_path / "eleven", cache, bias_min_count=11)
    assert len(list(cache.glob("*.json"))) == 2
    assert "group has fewer than 11 members" in stage_sql(eleven, "bias_report")


def test_plan_key_covers_criteria_minimum_and_inputs_not_the_window(duck: Engine) -> None:
    criteria = criteria_load("readmission-risk")
    inputs = ["members", "diagnoses"]

    def key(**changes: object) -> str:
        arguments: dict[str, object] = {
            "engine": duck,
            "criteria": criteria,
            "bias_min_count": 11,
            "inputs": inputs,
        }
        arguments.update(changes)
        return plans.plan_key(**arguments)  # type: ignore[arg-type]

    keys = {
        key(),
        key(bias_min_count=12),
        key(inputs=["members"]),
        key(criteria=dataclasses.replace(criteria, condition_dating="start_in_window")),
        key(criteria=dataclasses.replace(criteria, lookback_days=364)),
    }  # fmt: skip
    assert len(keys) == 5
    assert key() == key()


def test_a_damaged_plan_file_is_ignored_and_rewritten(duck: Engine, tmp_path: Path) -> None:
    cache = tmp_path / "plans"
    first = run(duck, tmp_path / "first", cache)
    (plan,) = cache.glob("*.json")
    stored = json.loads(plan.read_text())
    stored["body"]["stages"][0][1] = "SELECT 1 AS wrong"
    plan.write_text(json.dumps(stored))
    second = run(duck, tmp_path / "second", cache)
    assert outputs(second) == outputs(first)
    assert json.loads(plan.read_text())["body"]["stages"][0][1] != "SELECT 1 AS wrong"
    plan.write_text("{not json")
    third = run(duck, tmp_path / "third", cache)
    assert outputs(third) == outputs(first)


def test_a_replayed_run_never_imports_sqlframe(duck: Engine, tmp_path: Path) -> None:
    cache = tmp_path / "plans"
    run(duck, tmp_path / "first", cache)
    arguments = [
        "screen", str(FIXTURES / "claims"), "--criteria", "readmission-risk",
        "--out", str(tmp_path / "second"), "--window-end", WINDOW_END.isoformat(),
        "--bias-min-count", "1", "--plan-cache", str(cache),
    ]  # fmt: skip
    script = (
        "import sys\n"
        "from casework.population.cli import main\n"
        f"assert main({arguments!r}) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlframe', 'sqlglot'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
    assert outputs(tmp_path / "second") == outputs(tmp_path / "first")


def test_prepared_plans_make_the_first_screening_a_cached_one(
    duck: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = run(duck, tmp_path / "built", None)
    cache = tmp_path / "plans"
    arguments = ["criteria", "prepare", "--plan-cache", str(cache), "--bias-min-count", "1"]
    assert main(arguments) == 0
    assert capsys.readouterr().out == f"readmission-risk\t2026.1.0\tplans in {cache}\n"
    assert len(list(cache.glob("*.json"))) == 1

    def no_building(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a plan was built")

    monkeypatch.setattr(plans, "screen", no_building)
    first = run(duck, tmp_path / "first", cache)
    assert outputs(first) == outputs(built)
    assert len(list(cache.glob("*.json"))) == 1
