"""Readers for the input schema (CSV or Parquet) with row-level reject handling.

Every bad row is written to the reject list with its file, 1-based data row number
(the header is not counted) and reason; nothing is dropped silently. A run fails with
:class:`RejectRateExceededError` only when the share of rejected rows passes the
configured threshold. Valid rows are written to Parquet staging tables
(:data:`casework.population.schema.STAGING_SCHEMAS`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from casework.population import schema

DEFAULT_REJECT_THRESHOLD = 0.05
"""Fail the run when more than 5 % of input rows are rejected (setting ``--max-reject-rate``)."""

ICD9_PATTERN = re.compile(r"^(V\d{2}(\d{1,2})?|E\d{3}\d?|\d{3}(\d{1,2})?)$")
"""Shape of an ICD-9-CM diagnosis code after dots are removed (3 to 5 characters)."""


class InputError(Exception):
    """Input that cannot be read at all (no eligibility file, unknown layout)."""


class RejectRateExceededError(Exception):
    """More rows were rejected than the threshold allows."""

    def __init__(self, rejected: int, total: int, threshold: float) -> None:
        self.rejected = rejected
        self.total = total
        self.threshold = threshold
        super().__init__(
            f"{rejected} of {total} input rows rejected "
            f"({rejected / total:.2%}), above the threshold of {threshold:.2%}"
        )


@dataclass(frozen=True)
class Reject:
    """One rejected row: where it came from and why."""

    file: str
    row: int
    reason: str


@dataclass
class Staged:
    """Validated rows per staging table, the rejects and what was read."""

    tables: dict[str, list[dict[str, Any]]]
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0
    input_files: list[Path] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    """Codes that have no documented map, ``"system|code|display" -> count`` (FHIR input)."""

    @property
    def reject_rate(self) -> float:
        """Rejected rows divided by rows read (0 when nothing was read)."""
        return (
            len({(r.file, r.row) for r in self.rejects}) / self.rows_read if self.rows_read else 0.0
        )

    def check_reject_rate(self, threshold: float) -> None:
        """Raise :class:`RejectRateExceededError` when the reject rate passes ``threshold``."""
        rejected = len({(r.file, r.row) for r in self.rejects})
        if self.rows_read and rejected / self.rows_read > threshold:
            raise RejectRateExceededError(rejected, self.rows_read, threshold)


def empty_tables() -> dict[str, list[dict[str, Any]]]:
    """One empty row list per staging table."""
    return {name: [] for name in schema.STAGING_SCHEMAS if name not in schema.DERIVED_TABLES}


def normalise_code(code: str) -> str:
    """Upper-case a diagnosis code and remove dots and spaces (``E11.22`` -> ``E1122``)."""
    return code.strip().upper().replace(".", "").replace(" ", "")


def icd10cm_problem(code: str) -> str | None:
    """Why ``code`` is not a billable ICD-10-CM code, or ``None`` when it is.

    Validation uses the April 2026 code set shipped by ``simple-icd-10-cm``. Non-billable
    (category) codes are rejected because prefix matching on truncated codes is
    ambiguous (shared/reference/clinical.md section 1.6, "Large-scale agreement check").
    """
    import simple_icd_10_cm as icd10

    if not icd10.is_valid_item(code):
        return f"not an ICD-10-CM code: {code}"
    if not icd10.is_leaf(code):
        return f"ICD-10-CM code is not billable (has subcodes): {code}"
    return None


def icd9cm_problem(code: str) -> str | None:
    """Why ``code`` does not have the shape of an ICD-9-CM diagnosis code, or ``None``."""
    if not ICD9_PATTERN.match(code):
        return f"not an ICD-9-CM diagnosis code: {code}"
    return None


def parse_value(kind: str, raw: str) -> Any:
    """Parse one non-empty cell of ``kind``; raise ``ValueError`` with a reason."""
    if kind == schema.STRING:
        return raw
    if kind == schema.DATE:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"unparseable date {raw!r} (expected YYYY-MM-DD)") from None
    if kind == schema.MONEY:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"unparseable amount {raw!r}") from None
        if not value.is_finite():
            raise ValueError(f"unparseable amount {raw!r}")
        return value.quantize(Decimal("0.01"))
    if kind == schema.NUMBER:
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"unparseable number {raw!r}") from None
    if kind == schema.INTEGER:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"unparseable integer {raw!r}") from None
    raise AssertionError(f"unknown column kind {kind}")


def find_input(folder: Path, spec: schema.FileSpec) -> Path | None:
    """Return ``<stem>.csv`` or ``<stem>.parquet`` in ``folder``, if present."""
    for suffix in (".csv", ".parquet"):
        candidate = folder / f"{spec.stem}{suffix}"
        if candidate.exists():
            return candidate
    return None


def iter_rows(path: Path) -> tuple[list[str], Iterator[dict[str, str | None]]]:
    """Header and rows (all values as text or ``None``) of a CSV or Parquet file."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)

        def parquet_rows() -> Iterator[dict[str, str | None]]:
            for batch in table.to_batches(max_chunksize=65536):
                for record in batch.to_pylist():
                    yield {k: None if v is None else str(v) for k, v in record.items()}

        return list(table.column_names), parquet_rows()
    handle = path.open(newline="", encoding="utf-8")
    reader = csv.DictReader(handle)
    header = list(reader.fieldnames or [])

    def csv_rows() -> Iterator[dict[str, str | None]]:
        with handle:
            for record in reader:
                yield {k: v for k, v in record.items() if k is not None}

    return header, csv_rows()


def validate_file(
    path: Path, spec: schema.FileSpec, staged: Staged
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, parsed_row)`` for good rows; record rejects in ``staged``.

    Checks: required columns present (else every row is rejected), values parse, required
    values present, and the file key is unique (the later duplicate is rejected).
    """
    header, rows = iter_rows(path)
    missing = [c for c in spec.required_columns if c not in header]
    seen: dict[tuple[Any, ...], int] = {}
    for number, raw in enumerate(rows, start=1):
        staged.rows_read += 1
        if missing:
            staged.rejects.append(
                Reject(path.name, number, f"missing required column(s): {', '.join(missing)}")
            )
            continue
        parsed: dict[str, Any] = {}
        problems: list[str] = []
        for column in spec.columns:
            text = (raw.get(column.name) or "").strip()
            if not text:
                if not column.nullable:
                    problems.append(f"missing value for {column.name}")
                parsed[column.name] = None
                continue
            try:
                parsed[column.name] = parse_value(column.kind, text)
            except ValueError as error:
                problems.append(f"{column.name}: {error}")
        if not problems:
            key = tuple(parsed[k] for k in spec.key)
            if key in seen:
                problems.append(
                    f"duplicate key {', '.join(spec.key)}={'/'.join(map(str, key))} "
                    f"(first at row {seen[key]})"
                )
            else:
                seen[key] = number
        if problems:
            staged.rejects.append(Reject(path.name, number, "; ".join(problems)))
            continue
        yield number, parsed


def read_input_folder(folder: Path) -> Staged:
    """Read and validate a folder laid out as input schema 1.0 (see module docstring)."""
    staged = Staged(tables=empty_tables())
    paths = {spec.stem: find_input(folder, spec) for spec in schema.INPUT_FILES}
    for spec in schema.INPUT_FILES:
        if paths[spec.stem] is None and not spec.optional_file:
            raise InputError(f"{folder}: no {spec.stem}.csv or {spec.stem}.parquet")
    staged.input_files = [p for p in paths.values() if p is not None]
    members = _read_eligibility(paths["eligibility"], staged)  # type: ignore[arg-type]
    claims = _read_medical_claims(paths["medical_claims"], staged, members)  # type: ignore[arg-type]
    if paths["claim_lines"] is not None:
        _read_claim_lines(paths["claim_lines"], staged, claims)
    if paths["pharmacy_claims"] is not None:
        _read_pharmacy(paths["pharmacy_claims"], staged, members)
    return staged


def _read_eligibility(path: Path, staged: Staged) -> set[str]:
    members: set[str] = set()
    for number, row in validate_file(path, schema.ELIGIBILITY, staged):
        sex = schema.SEX_CODES.get(row["sex"].upper())
        if sex is None:
            staged.rejects.append(Reject(path.name, number, f"unknown sex code {row['sex']!r}"))
            continue
        start, end = row["coverage_start_date"], row["coverage_end_date"]
        if start is not None and end is not None and end < start:
            staged.rejects.append(Reject(path.name, number, "coverage ends before it starts"))
            continue
        members.add(row["member_id"])
        staged.tables["members"].append(
            {name: row.get(name) for name in schema.STAGING_SCHEMAS["members"].names} | {"sex": sex}
        )
    return members


def _read_medical_claims(
    path: Path, staged: Staged, members: set[str]
) -> dict[str, tuple[str, dt.date]]:
    claims: dict[str, tuple[str, dt.date]] = {}
    for number, row in validate_file(path, schema.MEDICAL_CLAIMS, staged):
        problems = []
        if row["member_id"] not in members:
            problems.append(f"member_id {row['member_id']} not in eligibility")
        claim_type = row["claim_type"].lower()
        if claim_type not in schema.CLAIM_TYPES:
            problems.append(f"unknown claim_type {row['claim_type']!r}")
        if row["admit_type"] is not None and row["admit_type"] not in schema.ADMIT_TYPES:
            problems.append(f"unknown admit_type {row['admit_type']!r}")
        if claim_type == "inpatient" and (
            row["admission_date"] is None or row["discharge_date"] is None
        ):
            problems.append("inpatient claim without admission_date and discharge_date")
        if (
            row["admission_date"] is not None
            and row["discharge_date"] is not None
            and row["discharge_date"] < row["admission_date"]
        ):
            problems.append("discharge_date before admission_date")
        system = schema.DIAGNOSIS_CODE_SYSTEMS.get(row["dx_code_system"].upper())
        diagnoses: list[tuple[int, str]] = []
        if system is None:
            problems.append(f"unknown code system {row['dx_code_system']!r}")
        else:
            check = icd10cm_problem if system == "ICD10CM" else icd9cm_problem
            for sequence in range(1, schema.MAX_DIAGNOSES + 1):
                value = row.get(f"dx_{sequence}")
                if value is None:
                    continue
                code = normalise_code(value)
                problem = check(code)
                if problem:
                    problems.append(f"dx_{sequence}: {problem}")
                diagnoses.append((sequence, code))
        if problems:
            staged.rejects.append(Reject(path.name, number, "; ".join(problems)))
            continue
        claims[row["claim_id"]] = (row["member_id"], row["service_date"])
        encounter = {name: row.get(name) for name in schema.STAGING_SCHEMAS["encounters"].names}
        encounter["claim_type"] = claim_type
        staged.tables["encounters"].append(encounter)
        for sequence, code in diagnoses:
            staged.tables["diagnoses"].append(
                {
                    "member_id": row["member_id"],
                    "claim_id": row["claim_id"],
                    "sequence": sequence,
                    "code_system": system,
                    "code": code,
                    "service_date": row["admission_date"] or row["service_date"],
                }
            )
    return claims


def _read_claim_lines(path: Path, staged: Staged, claims: dict[str, tuple[str, dt.date]]) -> None:
    for number, row in validate_file(path, schema.CLAIM_LINES, staged):
        problems = []
        if row["claim_id"] not in claims:
            problems.append(f"claim_id {row['claim_id']} not in medical_claims")
        system = None
        if row["procedure_code"] is not None:
            system = schema.PROCEDURE_CODE_SYSTEMS.get((row["procedure_code_system"] or "").upper())
            if system is None:
                problems.append(f"unknown code system {row['procedure_code_system']!r}")
        if problems:
            staged.rejects.append(Reject(path.name, number, "; ".join(problems)))
            continue
        if row["procedure_code"] is not None:
            staged.tables["procedures"].append(
                {
                    "member_id": claims[row["claim_id"]][0],
                    "claim_id": row["claim_id"],
                    "code_system": system,
                    "code": row["procedure_code"].upper(),
                    "service_date": row["service_date"],
                }
            )


def _read_pharmacy(path: Path, staged: Staged, members: set[str]) -> None:
    for number, row in validate_file(path, schema.PHARMACY_CLAIMS, staged):
        if row["member_id"] not in members:
            staged.rejects.append(
                Reject(path.name, number, f"member_id {row['member_id']} not in eligibility")
            )
            continue
        ndc = row["ndc"].replace("-", "")
        if not (ndc.isdigit() and len(ndc) == 11):
            staged.rejects.append(
                Reject(path.name, number, f"ndc: not an 11-digit NDC: {row['ndc']}")
            )
            continue
        staged.tables["pharmacy"].append(
            {
                "fill_id": row["fill_id"],
                "member_id": row["member_id"],
                "fill_date": row["fill_date"],
                "code_system": "NDC",
                "drug_code": ndc,
                "drug_class": (row["drug_class"] or "").lower() or None,
                "days_supply": row["days_supply"],
                "allowed_amount": row["allowed_amount"],
            }
        )


def snapshot_hash(paths: list[Path]) -> str:
    """SHA-256 over the names and bytes of the input files, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def write_staging(staged: Staged, folder: Path) -> dict[str, Path]:
    """Write each staging table as Parquet under ``folder``; return the paths.

    Every row gets its member's ``member_key`` (the member's position in ``members``),
    and every table is written in ``member_key`` order (rows of one member keep their
    input order), so per-member folds read each member's rows together. The distinct
    diagnosis codes become the ``diagnosis_codes`` dictionary, sorted by code system and
    code, and every diagnosis row gets its code's ``code_key`` (its position there).
    """
    folder.mkdir(parents=True, exist_ok=True)
    keys = {row["member_id"]: key for key, row in enumerate(staged.tables["members"])}
    dictionary = sorted({(row["code_system"], row["code"]) for row in staged.tables["diagnoses"]})
    code_keys = {code: key for key, code in enumerate(dictionary)}
    tables = staged.tables | {
        "diagnoses": [
            row | {"code_key": code_keys[row["code_system"], row["code"]]}
            for row in staged.tables["diagnoses"]
        ],
        "diagnosis_codes": [
            {"code_key": key, "code_system": system, "code": code}
            for key, (system, code) in enumerate(dictionary)
        ],
    }
    paths = {}
    for name, table_schema in schema.STAGING_SCHEMAS.items():
        rows = tables[name]
        if name not in schema.DERIVED_TABLES:
            rows = [row | {"member_key": keys[row["member_id"]]} for row in rows]
            rows.sort(key=lambda row: row["member_key"])
        table = pa.Table.from_pylist(rows, schema=table_schema)
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        paths[name] = path
    return paths


def write_rejects(rejects: list[Reject], path: Path) -> None:
    """Write the reject list as CSV with columns ``file,row,reason``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "reason"])
        for reject in rejects:
            writer.writerow([reject.file, reject.row, reject.reason])
