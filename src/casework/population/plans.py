"""The screening's stage SQL, rendered once per criteria set and re-run for any window.

The plans of a screening depend on the criteria set, the window, the bias report's minimum
count and the code, never on the data: the same stages run over any input, and the window
enters them only as its two dates. Building them
in SQLFrame (which copies the whole sqlglot tree on every DataFrame operation) and
rendering their SQL was most of a small run (docs/population.md, "Fixed cost of a run").
On DuckDB the first run with a given key builds the plans as usual and keeps each stage's
SQL, as a template, in a JSON file in the plan cache folder; later runs with the same key
execute those statements in order and build no plan at all.

What the key covers (:func:`plan_key`): every file of the ``casework.population``
package (code, criteria sets, code maps, reference tables), the versions of SQLFrame,
sqlglot and DuckDB, the criteria set (its file's hash and every parsed field, the look-back
days among them), the bias report's minimum count and the names of the staging inputs;
not the window, so the first run of a new day (the default window ends today) re-runs
the plans of the day before. What a template leaves open: the window's first and last
dates, the staging Parquet paths and the stage table names (numbered per process), each
written as a placeholder with a random token chosen when the plan was recorded, so no
text of the SQL itself (a tier label, say) can be mistaken for one. A plan is recorded
only when every staging path and stage table in its SQL was replaced by a placeholder,
the window's dates occur only as the date literals ``CAST('YYYY-MM-DD' AS DATE)`` and no
other date literal is left, and every reference table it reads is known; otherwise the
run simply builds its plans (and keeps none). ``tests/population/test_plans.py`` renders
each shipped criteria set for two windows and checks that the templates are equal.
A plan file that cannot be read or fails its checksum is ignored and rewritten.

Spark builds its plans in the JVM (and records analysed plans, not SQL): no cache there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casework.population.bias import bias_report
from casework.population.criteria import Criteria
from casework.population.engine import DataFrame, Engine
from casework.population.pipeline import Inputs, Window, screen

PLAN_FORMAT = 2
"""Version of the plan file layout; part of the key."""

OUTPUTS = ("results", "reasons", "tiers", "bias_report")
"""The stages a run reads back, by stage name (the last stage of that name)."""

_STAGE_TABLE = re.compile(r"casework_stage_\d+_\w+")
_REFERENCE_TABLE = re.compile(r"casework_ref_\w+")
_PARQUET_CALL = re.compile(r"READ_PARQUET\(", re.IGNORECASE)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


class UncacheableError(Exception):
    """The stage SQL holds something a template cannot stand for."""


@dataclass(frozen=True)
class ScreeningTables:
    """The outputs of a screening: stage table names on DuckDB, DataFrames on Spark."""

    results: DataFrame | str
    reasons: DataFrame | str
    tiers: DataFrame | str
    bias: DataFrame | str
    replayed: bool = False
    """Whether the stages ran from a cached plan (no plan was built)."""


def _package_digest() -> str:
    """sha256 over the path and bytes of every file of ``casework.population``."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file() or path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("sqlframe", "sqlglot", "duckdb")}


def plan_key(*, engine: Engine, criteria: Criteria, bias_min_count: int, inputs: list[str]) -> str:
    """The cache key of a screening's plans (see the module docstring for what it covers;
    the window is a parameter of the plans, not part of the key)."""
    material = {
        "format": PLAN_FORMAT,
        "engine": engine.name,
        "code": _package_digest(),
        "libraries": _library_versions(),
        "criteria_sha256": criteria.source_sha256,
        "criteria": repr(criteria),
        "bias_min_count": bias_min_count,
        "inputs": sorted(inputs),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _template(
    text: str,
    token: str,
    tables: dict[str, int],
    paths: dict[str, Path],
    references: set[str],
    window: Window,
) -> str:
    """``text`` with each stage table, staging path and window date replaced by a
    placeholder."""
    if token in text:
        raise UncacheableError("the placeholder token occurs in the SQL")

    def table(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in tables:
            raise UncacheableError(f"{name} is not a stage of this run")
        return f"__casework_{token}_stage_{tables[name]}__"

    text = _STAGE_TABLE.sub(table, text)
    for name, path in paths.items():
        text = text.replace(_literal(path), f"'__casework_{token}_input_{name}__'")
    calls = len(_PARQUET_CALL.findall(text))
    templated = len(
        re.findall(rf"READ_PARQUET\(\s*'__casework_{token}_input_", text, re.IGNORECASE)
    )
    if calls != templated:
        raise UncacheableError("a Parquet read is not one of the staging inputs")
    if any(str(path.parent) in text for path in paths.values()):
        raise UncacheableError("the staging folder occurs in the SQL")
    references.update(_REFERENCE_TABLE.findall(text))
    for bound in ("start", "end"):
        day = getattr(window, bound).isoformat()
        text = text.replace(
            f"CAST('{day}' AS DATE)", f"CAST('__casework_{token}_window_{bound}__' AS DATE)"
        )
    if _DATE_TEXT.search(text):
        raise UncacheableError("a date other than the window's occurs in the SQL")
    return text


def _record(engine: Engine, first: int, paths: dict[str, Path], window: Window) -> dict[str, Any]:
    """The plan of the stages ``engine`` ran from index ``first``, as templates."""
    token = secrets.token_hex(8)
    run_stages = engine.stages[first:]
    run_tables = engine.stage_tables[first:]
    if len(run_stages) != len(run_tables):
        raise UncacheableError("stages and tables differ in number")
    tables = {table: number for number, table in enumerate(run_tables)}
    references: set[str] = set()
    stages = [
        [name, _template(text, token, tables, paths, references, window)]
        for name, text in run_stages
    ]
    missing = references - set(engine.reference_specs)
    if missing:
        raise UncacheableError(f"unknown reference tables {sorted(missing)}")
    reference_rows = {}
    for table in sorted(references):
        rows, ddl = engine.reference_specs[table]
        reference_rows[table] = {"ddl": ddl, "rows": [list(row) for row in rows]}
    names = [name for name, _ in run_stages]
    outputs = {}
    for output in OUTPUTS:
        if output not in names:
            raise UncacheableError(f"no stage {output}")
        outputs[output] = len(names) - 1 - names[::-1].index(output)
    body = {"token": token, "stages": stages, "references": reference_rows, "outputs": outputs}
    return body


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _plan_read(path: Path, key: str) -> dict[str, Any] | None:
    """The plan stored at ``path`` for ``key``, or ``None`` when absent or unusable."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        body = stored["body"]
        if stored["key"] != key or stored["sha256"] != _checksum(body):
            return None
        if not isinstance(body, dict):
            return None
        return body
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _plan_write(path: Path, key: str, body: dict[str, Any]) -> None:
    """Write the plan atomically (a concurrent run reads the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"key": key, "sha256": _checksum(body), "body": body}, sort_keys=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".plan-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _replay(
    engine: Engine, body: dict[str, Any], paths: dict[str, Path], window: Window
) -> ScreeningTables:
    """Run the stages of a recorded plan over the staging files at ``paths`` for
    ``window``."""
    for table, spec in sorted(body["references"].items()):
        name = table.removeprefix("casework_ref_")
        if table not in engine.reference_specs:
            engine.reference_create(name, [tuple(row) for row in spec["rows"]], spec["ddl"])
    token = body["token"]
    placeholder = re.compile(rf"__casework_{re.escape(token)}_(stage|input|window)_(\w+?)__")
    tables: list[str] = []
    literals = {name: _literal(path)[1:-1] for name, path in paths.items()}
    days = {"start": window.start.isoformat(), "end": window.end.isoformat()}

    def fill(match: re.Match[str]) -> str:
        kind, value = match.groups()
        if kind == "stage":
            return tables[int(value)]
        if kind == "window":
            return days[value]
        return literals[value]

    for name, template in body["stages"]:
        tables.append(engine.replay_stage(name, placeholder.sub(fill, template)))
    outputs = body["outputs"]
    return ScreeningTables(
        results=tables[outputs["results"]],
        reasons=tables[outputs["reasons"]],
        tiers=tables[outputs["tiers"]],
        bias=tables[outputs["bias_report"]],
        replayed=True,
    )


def screening_execute(
    *,
    engine: Engine,
    paths: dict[str, Path],
    criteria: Criteria,
    window: Window,
    bias_min_count: int,
    cache_dir: Path | None = None,
) -> ScreeningTables:
    """Run the screening and the bias report over the staging files at ``paths``.

    With ``cache_dir`` on DuckDB, the stage SQL is taken from the plan cache when a plan
    with the same key (whatever its window) is there, and recorded there otherwise (see
    the module docstring).
    """
    key = None
    if cache_dir is not None and engine.name == "duckdb":
        key = plan_key(
            engine=engine,
            criteria=criteria,
            bias_min_count=bias_min_count,
            inputs=list(paths),
        )
        body = _plan_read(cache_dir / f"{key}.json", key)
        if body is not None:
            return _replay(engine, body, paths, window)
    first = len(engine.stages)
    inputs = Inputs.from_parquet(engine, paths)
    screening = screen(engine, inputs, criteria, window)
    bias = bias_report(engine, inputs.members, screening.results, window.end, bias_min_count)
    if engine.name != "duckdb":
        return ScreeningTables(
            results=screening.results, reasons=screening.reasons, tiers=screening.tiers, bias=bias
        )
    if key is not None and cache_dir is not None:
        with contextlib.suppress(UncacheableError):
            _plan_write(cache_dir / f"{key}.json", key, _record(engine, first, paths, window))
    names = [name for name, _ in engine.stages[first:]]
    tables = engine.stage_tables[first:]

    def last(output: str) -> str:
        return tables[len(names) - 1 - names[::-1].index(output)]

    return ScreeningTables(
        results=last("results"),
        reasons=last("reasons"),
        tiers=last("tiers"),
        bias=last("bias_report"),
    )


def plans_prepare(
    *, engine: Engine, criteria: Criteria, cache_dir: Path, bias_min_count: int, window: Window
) -> bool:
    """Build and keep the plans of ``criteria`` in ``cache_dir`` before any screening, so
    that the first ``casework screen`` with it runs from the cache (``casework criteria
    prepare``, for an install step). The plans are built by :func:`screening_execute`
    itself, over empty staging tables (plans do not depend on the data, and a plan's
    window is a parameter). Returns whether a plan for its key is in the cache (an
    existing one is kept)."""
    from casework.population.readers import Staged, empty_tables, write_staging

    with tempfile.TemporaryDirectory(prefix="casework-plans-") as folder:
        paths = write_staging(Staged(tables=empty_tables()), Path(folder))
        screening_execute(
            engine=engine,
            paths=paths,
            criteria=criteria,
            window=window,
            bias_min_count=bias_min_count,
            cache_dir=cache_dir,
        )
    key = plan_key(
        engine=engine, criteria=criteria, bias_min_count=bias_min_count, inputs=list(paths)
    )
    return _plan_read(cache_dir / f"{key}.json", key) is not None
