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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from casework.population import INPUT_SCHEMA_VERSION
from casework.population.bias import bias_report
from casework.population.criteria import Criteria
from casework.population.engine import Engine
from casework.population.fhir import read_fhir_export
from casework.population.pipeline import Inputs, Window, screen
from casework.population.readers import (
    DEFAULT_REJECT_THRESHOLD,
    Staged,
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


def input_read(path: Path) -> Staged:
    """Read a FHIR Bulk export (any ``*.ndjson``) or an input-schema folder."""
    if any(path.glob("*.ndjson")):
        return read_fhir_export(path)
    return read_input_folder(path)


def _plain(value: Any) -> Any:
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
            writer.writerow({k: _plain(row.get(k)) for k in header})


def run_execute(
    *,
    engine: Engine,
    input_path: Path,
    criteria: Criteria,
    run_dir: Path,
    window_end: dt.date,
    max_reject_rate: float = DEFAULT_REJECT_THRESHOLD,
) -> RunSummary:
    """Screen ``input_path`` with ``criteria`` into ``run_dir``.

    Rejects are written before the reject-rate check, so a failed run still shows why.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    staged = input_read(input_path)
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
    window = Window.ending(window_end, criteria.lookback_days)
    inputs = Inputs.from_parquet(engine, paths)
    first_stage = len(engine.stages)
    screening = screen(engine, inputs, criteria, window)
    bias = bias_report(engine, inputs.members, screening.results, window.end)

    provenance = {
        "input_snapshot": snapshot,
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "sql_file": "sql/results.sql",
    }
    results = [row.asDict() | provenance for row in screening.results.collect()]
    results.sort(key=lambda r: r["member_id"])
    header = list(screening.results.columns) + list(provenance)
    _write_csv(run_dir / "results.csv", results, header)
    reasons = sorted(
        (row.asDict() for row in screening.reasons.collect()),
        key=lambda r: (r["member_id"], r["rule"]),
    )
    _write_csv(run_dir / "reasons.csv", reasons, ["member_id", "rule", "value"])
    bias_rows = [row.asDict() for row in bias.collect()]
    _write_csv(run_dir / "bias.csv", bias_rows, list(bias.columns))

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
        "rows_read": staged.rows_read,
        "rows_rejected": rejected_rows,
        "unmapped_codes": sum(staged.unmapped.values()),
        "members": len(results),
        "selected": len(selected),
        "sql_stages": stage_files,
    }
    (run_dir / "run.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return RunSummary(
        run_dir=run_dir,
        members=len(results),
        selected=len(selected),
        rejected_rows=rejected_rows,
        rows_read=staged.rows_read,
        snapshot=snapshot,
    )
