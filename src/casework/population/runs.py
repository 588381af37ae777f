"""A screening run end to end: read, validate, stage, screen, report, write the run folder.

Run folder layout (docs/population.md, "Run folder"):

``run.json``            manifest: criteria id/version/citations, window, engine, input
                        snapshot hash, reference-table versions, counts, stage list
``results.csv``         one row per member: tier, scores, criteria version, snapshot hash
``reasons.csv``         one row per fired rule per member, with its value
``selected.jsonl``      selected members with demographics for the referral hand-off
``bias.csv``            the bias report
``rejects.csv``         rejected input rows (file, row, reason)
``unmapped_codes.csv``  codes with no documented map (FHIR input), with counts
``sql/NN_stage.sql``    the SQL (DuckDB) or analysed plan (Spark) of every stage
``staging/*.parquet``   the validated input in the canonical schema
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from casework.population import INPUT_SCHEMA_VERSION
from casework.population.bias import BIAS_MIN_COUNT
from casework.population.criteria import Criteria
from casework.population.engine import Engine
from casework.population.fhir import fhir_files, read_fhir_export
from casework.population.pipeline import Window
from casework.population.plans import screening_execute
from casework.population.readers import (
    DEFAULT_REJECT_THRESHOLD,
    InputError,
    Reject,
    Staged,
    find_input,
    read_input_folder,
    snapshot_hash,
    write_rejects,
    write_staging,
)
from casework.population.tables import table_versions


@dataclass(frozen=True)
class RunSummary:
    """What a run produced."""

    run_dir: Path
    members: int
    selected: int
    rejected_rows: int
    rows_read: int
    snapshot: str
    window_start: dt.date
    window_end: dt.date
    deceased_excluded: int = 0
    """Members the input says died: scored, never selected."""
    excluded_records: dict[str, int] = field(default_factory=dict)
    """Valid input records not scored, by reason (refuted conditions, cancelled encounters)."""
    window_coverage: float | None = None
    """Share of the input's service dates inside the window (``None`` without dates)."""
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The summary as JSON-ready values (``casework screen --json``)."""
        return {
            "run_dir": str(self.run_dir),
            "members": self.members,
            "selected": self.selected,
            "deceased_excluded": self.deceased_excluded,
            "rows_read": self.rows_read,
            "rows_rejected": self.rejected_rows,
            "excluded_records": dict(sorted(self.excluded_records.items())),
            "input_snapshot": self.snapshot,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_coverage": self.window_coverage,
            "warnings": list(self.warnings),
        }


COVERAGE_WARNING_BELOW = 0.10
"""Warn when fewer than this share of the input's service dates fall in the window."""

MONEY_COLUMNS = frozenset({"allowed_amount_total"})
"""Result columns written with exactly two decimals on every engine."""


def input_read(path: Path, today: dt.date | None = None) -> Staged:
    """Read an input-schema folder or a FHIR Bulk export (``*.ndjson``, any case).

    A folder with an input-schema ``eligibility`` file is read as input schema whatever
    else it holds; NDJSON files beside it are ignored with a warning. Otherwise a folder
    with NDJSON files is read as a FHIR export.
    """
    if not path.is_dir():
        raise InputError(f"{path}: not a folder")
    from casework.population.schema import ELIGIBILITY

    stray = fhir_files(path)
    if find_input(path, ELIGIBILITY) is not None or not stray:
        staged = read_input_folder(path, today=today)
        staged.warnings += [
            f"{p.name}: NDJSON file ignored in an input-schema folder" for p in stray
        ]
        return staged
    return read_fhir_export(path, today=today)


def _plain(value: Any, money: bool = False) -> Any:
    if value is None:
        return None
    if money and isinstance(value, Decimal | float | int):
        return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_csv(path: Path, rows: list[dict[str, Any]], header: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _plain(row.get(k), k in MONEY_COLUMNS) for k in header})


def window_coverage(staged: Staged, window: Window) -> tuple[int, int]:
    """``(service dates in the window, service dates)`` over the staged encounters,
    diagnoses, procedures and fills."""
    inside = total = 0
    for table, column in (
        ("encounters", "service_date"),
        ("diagnoses", "service_date"),
        ("procedures", "service_date"),
        ("pharmacy", "fill_date"),
    ):
        for row in staged.tables[table]:
            day = row[column]
            if day is None:
                continue
            total += 1
            inside += window.start <= day <= window.end
    return inside, total


def run_execute(
    *,
    engine: Engine,
    input_path: Path,
    criteria: Criteria,
    run_dir: Path,
    window_end: dt.date,
    max_reject_rate: float = DEFAULT_REJECT_THRESHOLD,
    bias_min_count: int = BIAS_MIN_COUNT,
    notify: Callable[[str], None] | None = None,
    today: dt.date | None = None,
    progress: Callable[[str, int | None], None] | None = None,
    plan_cache: Path | None = None,
) -> RunSummary:
    """Screen ``input_path`` with ``criteria`` into ``run_dir``.

    ``notify`` receives the lines an operator should see (the window first, then
    warnings); ``progress`` is called as each stage finishes, with its row count when
    known (see ``progress.Progress``). With ``plan_cache`` (a folder) on DuckDB the
    stage SQL is rendered once per criteria set, window and code and re-run
    (``plans.py``). Rejects are written before the reject-rate check, so a failed run
    still shows why; when the input cannot be read at all, ``rejects.csv`` holds the
    reason (row 0) and :class:`InputError` is raised.
    """
    say = notify or (lambda _message: None)
    step: Callable[[str, int | None], None] = progress or (lambda _stage, _rows: None)
    window = Window.ending(window_end, criteria.lookback_days)
    say(f"window {window.start} to {window.end} ({criteria.lookback_days} days)")
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        staged = input_read(input_path, today=today)
    except InputError as error:
        write_rejects([Reject("", 0, str(error))], run_dir / "rejects.csv")
        raise
    step("read input", staged.rows_read)
    inside, dates = window_coverage(staged, window)
    coverage = round(inside / dates, 6) if dates else None
    warnings = list(staged.warnings)
    if coverage is not None and coverage < COVERAGE_WARNING_BELOW:
        warnings.append(
            f"only {inside} of the input's {dates} service dates ({coverage:.1%}) fall in the "
            f"window {window.start} to {window.end}; check --window-end"
        )
    for warning in warnings:
        say(f"warning: {warning}")
    write_rejects(staged.rejects, run_dir / "rejects.csv")
    _write_csv(
        run_dir / "unmapped_codes.csv",
        [
            {"system": k.split("|")[0], "code": k.split("|")[1], "display": k.split("|", 2)[2]}
            | {"count": v}
            for k, v in sorted(staged.unmapped.items())
        ],
        ["system", "code", "display", "count"],
    )
    staged.check_reject_rate(max_reject_rate)
    snapshot = snapshot_hash(staged.input_files)
    paths = write_staging(staged, run_dir / "staging")
    step("write staging", sum(len(rows) for rows in staged.tables.values()))
    first_stage = len(engine.stages)

    def stage_done(name: str, rows: int | None) -> None:
        step(f"stage {name}", rows)

    engine.listeners.append(stage_done)
    try:
        screening = screening_execute(
            engine=engine,
            paths=paths,
            criteria=criteria,
            window=window,
            bias_min_count=bias_min_count,
            cache_dir=plan_cache,
        )
    finally:
        engine.listeners.remove(stage_done)

    provenance = {
        "input_snapshot": snapshot,
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "sql_file": "sql/results.sql",
    }
    result_columns, result_rows = engine.rows(screening.results)
    results = [row | provenance for row in result_rows]
    results.sort(key=lambda r: r["member_id"])
    header = result_columns + list(provenance)
    _write_csv(run_dir / "results.csv", results, header)
    reasons = sorted(engine.rows(screening.reasons)[1], key=lambda r: (r["member_id"], r["rule"]))
    _write_csv(run_dir / "reasons.csv", reasons, ["member_id", "rule", "value"])
    bias_columns, bias_rows = engine.rows(screening.bias)
    _write_csv(run_dir / "bias.csv", bias_rows, bias_columns)

    sql_dir = run_dir / "sql"
    sql_dir.mkdir(exist_ok=True)
    stage_files = []
    for number, (name, text) in enumerate(engine.stages[first_stage:], start=1):
        file_name = f"{number:02d}_{name}.sql"
        (sql_dir / file_name).write_text(text + "\n", encoding="utf-8")
        stage_files.append(file_name)
    (sql_dir / "results.sql").write_text(
        dict(engine.stages[first_stage:])["results"] + "\n", encoding="utf-8"
    )

    members = {m["member_id"]: m for m in staged.tables["members"]}
    by_member: dict[str, list[dict[str, Any]]] = {}
    for reason in reasons:
        by_member.setdefault(reason["member_id"], []).append(
            {"rule": reason["rule"], "value": reason["value"]}
        )
    selected = [r for r in results if r["tier"] is not None]
    with (run_dir / "selected.jsonl").open("w", encoding="utf-8") as handle:
        for result in selected:
            member = members[result["member_id"]]
            record = {
                "member_id": result["member_id"],
                "given_name": member["given_name"],
                "family_name": member["family_name"],
                "birth_date": member["birth_date"].isoformat(),
                "sex": member["sex"],
                "language": member["language"],
                "tier": result["tier"],
                "tier_label": result["tier_label"],
                "reasons": by_member.get(result["member_id"], []),
            }
            handle.write(json.dumps(record, sort_keys=True) + "\n")

    rejected_rows = len({(r.file, r.row) for r in staged.rejects})
    deceased = sum(1 for m in staged.tables["members"] if m["deceased"])
    manifest = {
        "input_schema_version": INPUT_SCHEMA_VERSION,
        "input_path": str(input_path),
        "input_snapshot": snapshot,
        "input_files": sorted(p.name for p in staged.input_files),
        "engine": engine.name,
        "criteria_id": criteria.criteria_id,
        "criteria_version": criteria.version,
        "criteria_sha256": criteria.source_sha256,
        "criteria_citations": list(criteria.citations),
        "reference_tables": table_versions(),
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "window_coverage": coverage,
        "condition_dating": criteria.condition_dating,
        "bias_min_count": bias_min_count,
        "rows_read": staged.rows_read,
        "rows_rejected": rejected_rows,
        "unmapped_codes": sum(staged.unmapped.values()),
        "members": len(results),
        "selected": len(selected),
        "deceased_excluded": deceased,
        "excluded_records": dict(sorted(staged.excluded.items())),
        "warnings": warnings,
        "sql_stages": stage_files,
    }
    (run_dir / "run.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    step("write run folder", len(results))
    return RunSummary(
        run_dir=run_dir,
        members=len(results),
        selected=len(selected),
        rejected_rows=rejected_rows,
        rows_read=staged.rows_read,
        snapshot=snapshot,
        window_start=window.start,
        window_end=window.end,
        deceased_excluded=deceased,
        excluded_records=dict(staged.excluded),
        window_coverage=coverage,
        warnings=tuple(warnings),
    )
