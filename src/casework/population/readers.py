"""Readers for the input schema (CSV or Parquet) with row-level reject handling.

Every bad row is written to the reject list with its file, 1-based data row number
(the header is not counted) and reason; nothing is dropped silently. A run fails with
:class:`RejectRateExceededError` only when the share of rejected rows passes the
configured threshold. Valid rows are written to Parquet staging tables
(:data:`casework.population.schema.STAGING_SCHEMAS`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import importlib.util
import math
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import accumulate, repeat
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
    excluded: dict[str, int] = field(default_factory=dict)
    """Valid records deliberately not scored, ``reason -> count`` (FHIR input: refuted or
    entered-in-error conditions, cancelled encounters, ...). Reported in ``run.json``."""
    warnings: list[str] = field(default_factory=list)
    """Things the analyst should know that reject no row (files ignored, ...)."""

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


@cache
def icd10cm_code_set() -> tuple[frozenset[str], frozenset[str]]:
    """``(codes, billable codes)`` of the ICD-10-CM code set shipped by
    ``simple-icd-10-cm`` (April 2026), without dots.

    Read from the package's code list directly: importing ``simple_icd_10_cm`` builds its
    whole classification tree from XML (seconds of CPU, the largest fixed cost of a run).
    A code is billable when no other code extends it; chapters (digits) and blocks
    (``A00-A09``) never are. ``tests/population/test_readers.py`` checks that this gives
    exactly ``is_valid_item`` and ``is_leaf`` of the package for every code.
    """
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the ICD-10-CM code set (package simple-icd-10-cm) is not installed")
    lists = sorted(Path(spec.submodule_search_locations[0], "data").glob("code-list-*.txt"))
    if len(lists) != 1:
        raise InputError(f"expected one ICD-10-CM code list in simple-icd-10-cm, found {lists}")
    text = lists[0].read_text(encoding="utf-8")
    listed = [line.split(" ")[0].replace(".", "") for line in text.split("\n") if line]
    # the list is the classification in pre-order (each item followed by its subtree),
    # so a code is extended exactly when the next line starts with it (one pass, no
    # sort, no prefix sets)
    billable = frozenset(
        code
        for code, following in zip(listed, [*listed[1:], ""], strict=True)
        if not following.startswith(code) and "-" not in code and not code.isdigit()
    )
    return frozenset(listed), billable


def icd10cm_problem(code: str) -> str | None:
    """Why ``code`` is not a billable ICD-10-CM code, or ``None`` when it is.

    Validation uses the April 2026 code set shipped by ``simple-icd-10-cm``. Non-billable
    (category) codes are rejected because prefix matching on truncated codes is
    ambiguous (shared/reference/clinical.md section 1.6, "Large-scale agreement check").
    """
    codes, billable = icd10cm_code_set()
    if code not in codes:
        return f"not an ICD-10-CM code: {code}"
    if code not in billable:
        return f"ICD-10-CM code is not billable (has subcodes): {code}"
    return None


def icd9cm_problem(code: str) -> str | None:
    """Why ``code`` does not have the shape of an ICD-9-CM diagnosis code, or ``None``."""
    if not ICD9_PATTERN.match(code):
        return f"not an ICD-9-CM diagnosis code: {code}"
    return None


DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
"""Dates are ISO ``YYYY-MM-DD`` only (``date.fromisoformat`` alone would also take the
basic format ``20250501``, which the schema does not allow)."""

MAX_FIELD_CHARS = 128 * 1024
"""Longest value accepted in one field (128 KiB, the ``csv`` module's own limit)."""

MONEY_LIMIT = Decimal(10) ** (schema.MONEY_TYPE.precision - schema.MONEY_TYPE.scale)
"""Amounts must be below this in absolute value (they are staged as DECIMAL(14, 2))."""

INT32_RANGE = (-(2**31), 2**31 - 1)


@lru_cache(maxsize=65536)
def _parse_date(raw: str) -> dt.date | None:
    """``raw`` as a date, or ``None`` when it is not ``YYYY-MM-DD`` (cached: an input
    holds few distinct dates, each on many rows)."""
    if not DATE_PATTERN.match(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_value(kind: str, raw: str) -> Any:
    """Parse one non-empty cell of ``kind``; raise ``ValueError`` with a reason."""
    if kind == schema.STRING:
        return raw
    if kind == schema.DATE:
        day = _parse_date(raw)
        if day is None:
            raise ValueError(f"unparseable date {raw!r} (expected YYYY-MM-DD)")
        return day
    if kind == schema.MONEY:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"unparseable amount {raw!r}") from None
        if not value.is_finite():
            raise ValueError(f"unparseable amount {raw!r}")
        if abs(value) >= MONEY_LIMIT:
            raise ValueError(
                f"amount {raw!r} out of range (at most {MONEY_LIMIT - Decimal('0.01')})"
            )
        return value.quantize(Decimal("0.01"))
    if kind == schema.NUMBER:
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"unparseable number {raw!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"not a finite number {raw!r}")
        return number
    if kind == schema.INTEGER:
        try:
            integer = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                number = math.nan
            if not number.is_integer():
                raise ValueError(f"unparseable integer {raw!r}") from None
            integer = int(number)
        if not INT32_RANGE[0] <= integer <= INT32_RANGE[1]:
            raise ValueError(f"integer {raw!r} out of range")
        return integer
    raise AssertionError(f"unknown column kind {kind}")


def find_input(folder: Path, spec: schema.FileSpec) -> Path | None:
    """Return ``<stem>.csv`` or ``<stem>.parquet`` in ``folder`` (any letter case), if present."""
    names = {f"{spec.stem}{suffix}": suffix for suffix in (".csv", ".parquet")}
    found = sorted(
        (path for path in folder.iterdir() if path.name.lower() in names and path.is_file()),
        key=lambda path: (names[path.name.lower()], path.name),
    )
    if len(found) > 1:
        raise InputError(
            f"{folder}: more than one {spec.stem} file ({', '.join(p.name for p in found)})"
        )
    return found[0] if found else None


RowResult = tuple[dict[str, str | None] | None, str | None]
"""One data row: its values (text or ``None``), or ``None`` and why it cannot be read."""


def _undecodable(values: list[str], header: list[str]) -> str | None:
    """Why a row read with ``surrogateescape`` is not UTF-8, or ``None`` when it is."""
    if "".join(values).isascii():
        return None  # the common case, in one C call per row
    for position, value in enumerate(values):
        if value.isascii():
            continue  # surrogates are not ASCII; isascii scans in C
        for char in value:
            if "\udc80" <= char <= "\udcff":
                column = header[position] if position < len(header) else f"#{position + 1}"
                byte = ord(char) - 0xDC00
                return f"not UTF-8: byte 0x{byte:02x} in column {column}"
    return None


def _parquet_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    if isinstance(value, str | int | float | Decimal | bool):
        return str(value)
    raise ValueError(f"unsupported Parquet value of type {type(value).__name__}")


def iter_rows(path: Path) -> tuple[list[str], Iterator[RowResult]]:
    """Header and rows (all values as text or ``None``) of a CSV or Parquet file.

    Rows that cannot be read (bytes that are not UTF-8, a broken CSV record, a Parquet
    value of an unsupported type) come back as ``(None, reason)``; a file that cannot be
    opened at all raises :class:`InputError`. A UTF-8 byte order mark is ignored.
    Parquet timestamps are read as their date.
    """
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes); an input file needs its header row")
    if path.suffix.lower() == ".parquet":
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as error:
            raise InputError(f"{path.name} is not a readable Parquet file: {error}") from None
        header = list(table.column_names)

        def parquet_rows() -> Iterator[RowResult]:
            for batch in table.to_batches(max_chunksize=65536):
                for record in batch.to_pylist():
                    try:
                        row = {k: _parquet_text(v) for k, v in record.items()}
                    except ValueError as error:
                        yield None, str(error)
                        continue
                    problem = _undecodable([v or "" for v in row.values()], header)
                    yield (None, problem) if problem else (row, None)

        return header, parquet_rows()
    handle = path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        handle.close()
        return [], iter(())
    except csv.Error as error:
        handle.close()
        raise InputError(f"{path.name}: unreadable header row: {error}") from None
    problem = _undecodable(header, header)
    if problem:
        handle.close()
        raise InputError(f"{path.name}: header row {problem}")

    def csv_rows() -> Iterator[RowResult]:
        with handle:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    reason = str(error)
                    if "field larger than field limit" in reason:
                        reason = f"a field is longer than {MAX_FIELD_CHARS} characters"
                    yield None, f"unreadable CSV record: {reason}"
                    continue
                if not values:
                    continue
                problem = _undecodable(values, header)
                if problem:
                    yield None, problem
                    continue
                yield dict(zip(header, values, strict=False)), None

    return header, csv_rows()


def validate_file(
    path: Path,
    spec: schema.FileSpec,
    staged: Staged,
    rejected_keys: dict[str, int] | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, parsed_row)`` for good rows; record rejects in ``staged``.

    Checks: required columns present (else every row is rejected), values readable and
    parse, required values present, and the file key is unique (the later duplicate is
    rejected). For a one-column key, ``rejected_keys`` collects the key of every rejected
    row (``key -> row``) so that rows referring to it can say so.
    """
    header, rows = iter_rows(path)
    missing = [c for c in spec.required_columns if c not in header]
    seen: dict[tuple[Any, ...], int] = {}
    # A column the header lacks is empty on every row: when all such columns may be empty
    # they start as None and only the header's columns are looked at (a claim header
    # file with two of its 25 diagnosis columns was mostly this loop). A row's problems
    # keep the order of spec.columns either way.
    in_header = set(header)
    absent = [c for c in spec.columns if c.name not in in_header]
    checked = spec.columns
    if all(column.nullable for column in absent):
        checked = tuple(c for c in spec.columns if c.name in in_header)
    checks = [(column.name, column.kind, column.nullable) for column in checked]
    empty = dict.fromkeys(column.name for column in spec.columns)
    for number, (raw, unreadable) in enumerate(rows, start=1):
        staged.rows_read += 1
        if missing:
            staged.rejects.append(
                Reject(path.name, number, f"missing required column(s): {', '.join(missing)}")
            )
            continue
        if raw is None:
            staged.rejects.append(Reject(path.name, number, str(unreadable)))
            continue
        parsed: dict[str, Any] = empty.copy()
        problems: list[str] = []
        for name, kind, nullable in checks:
            value = raw.get(name)
            text = value.strip() if value else ""
            if not text:
                if not nullable:
                    problems.append(f"missing value for {name}")
                continue
            if len(text) > MAX_FIELD_CHARS:
                problems.append(f"{name}: longer than {MAX_FIELD_CHARS} characters")
                continue
            if kind == schema.STRING:
                parsed[name] = text  # parse_value's first case, without the call
                continue
            try:
                parsed[name] = parse_value(kind, text)
            except ValueError as error:
                problems.append(f"{name}: {error}")
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
            if rejected_keys is not None and len(spec.key) == 1:
                key_text = (raw.get(spec.key[0]) or "").strip()
                if key_text and key_text not in rejected_keys:
                    rejected_keys[key_text] = number
            continue
        yield number, parsed


@dataclass
class _References:
    """Accepted and rejected keys of one file, to explain a row that refers to them."""

    file: str
    accepted: dict[str, Any] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)

    def problem(self, column: str, key: str, target: str) -> str | None:
        """Why ``key`` cannot be referred to, or ``None`` when it was accepted."""
        if key in self.accepted:
            return None
        if key in self.rejected:
            return f"{column} {key} was rejected ({self.file} row {self.rejected[key]})"
        return f"{column} {key} not in {target}"


def read_input_folder(folder: Path, today: dt.date | None = None) -> Staged:
    """Read and validate a folder laid out as input schema 1.0 (see module docstring).

    ``today`` (default: the current UTC date) bounds birth dates: a birth date after it
    is rejected.
    """
    staged = Staged(tables=empty_tables())
    paths = {spec.stem: find_input(folder, spec) for spec in schema.INPUT_FILES}
    for spec in schema.INPUT_FILES:
        if paths[spec.stem] is None and not spec.optional_file:
            raise InputError(f"{folder}: no {spec.stem}.csv or {spec.stem}.parquet")
    staged.input_files = [p for p in paths.values() if p is not None]
    for path in staged.input_files:
        if path.stat().st_size == 0:
            raise InputError(f"{path.name} is empty (0 bytes); an input file needs its header row")
    today = today or dt.datetime.now(dt.UTC).date()
    members = _read_eligibility(paths["eligibility"], staged, today)  # type: ignore[arg-type]
    claims = _read_medical_claims(paths["medical_claims"], staged, members)  # type: ignore[arg-type]
    if paths["claim_lines"] is not None:
        _read_claim_lines(paths["claim_lines"], staged, claims)
    if paths["pharmacy_claims"] is not None:
        _read_pharmacy(paths["pharmacy_claims"], staged, members)
    return staged


def _read_eligibility(path: Path, staged: Staged, today: dt.date) -> _References:
    members = _References(path.name)
    for number, row in validate_file(path, schema.ELIGIBILITY, staged, members.rejected):
        problem = None
        sex = schema.SEX_CODES.get(row["sex"].upper())
        start, end = row["coverage_start_date"], row["coverage_end_date"]
        if sex is None:
            problem = f"unknown sex code {row['sex']!r}"
        elif row["birth_date"] > today:
            problem = f"birth_date {row['birth_date']} is in the future"
        elif start is not None and end is not None and end < start:
            problem = "coverage ends before it starts"
        if problem:
            staged.rejects.append(Reject(path.name, number, problem))
            members.rejected.setdefault(row["member_id"], number)
            continue
        member = {name: row.get(name) for name in schema.STAGING_SCHEMAS["members"].names}
        member |= {"sex": sex, "deceased": row["deceased_date"] is not None}
        members.accepted[row["member_id"]] = member
        staged.tables["members"].append(member)
    return members


_DIAGNOSIS_COLUMNS = tuple((n, f"dx_{n}") for n in range(1, schema.MAX_DIAGNOSES + 1))


def _read_medical_claims(path: Path, staged: Staged, members: _References) -> _References:
    """Claim headers. A claim is the unit of rejection: a header with any problem (its
    diagnoses included) is rejected whole and its lines with it."""
    claims = _References(path.name)
    for number, row in validate_file(path, schema.MEDICAL_CLAIMS, staged, claims.rejected):
        problems = []
        member_problem = members.problem("member_id", row["member_id"], "eligibility")
        if member_problem:
            problems.append(member_problem)
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
            for sequence, column in _DIAGNOSIS_COLUMNS:
                value = row[column]
                if value is None:
                    continue
                code = normalise_code(value)
                problem = check(code)
                if problem:
                    problems.append(f"dx_{sequence}: {problem}")
                diagnoses.append((sequence, code))
        if problems:
            staged.rejects.append(Reject(path.name, number, "; ".join(problems)))
            claims.rejected.setdefault(row["claim_id"], number)
            continue
        claims.accepted[row["claim_id"]] = row["member_id"]
        if (row["discharge_status"] or "").strip() in schema.EXPIRED_DISCHARGE_STATUSES:
            members.accepted[row["member_id"]]["deceased"] = True
        encounter = {name: row.get(name) for name in schema.STAGING_SCHEMAS["encounters"].names}
        encounter["claim_type"] = claim_type
        staged.tables["encounters"].append(encounter)
        for sequence, code in diagnoses:
            day = row["admission_date"] or row["service_date"]
            staged.tables["diagnoses"].append(
                {
                    "member_id": row["member_id"],
                    "claim_id": row["claim_id"],
                    "sequence": sequence,
                    "code_system": system,
                    "code": code,
                    "service_date": day,
                    "active_until": day,
                }
            )
    return claims


def _read_claim_lines(path: Path, staged: Staged, claims: _References) -> None:
    """Claim lines: a bad line is rejected alone; the lines of a rejected claim with it."""
    for number, row in validate_file(path, schema.CLAIM_LINES, staged):
        problems = []
        claim_problem = claims.problem("claim_id", row["claim_id"], "medical_claims")
        if claim_problem:
            problems.append(claim_problem)
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
                    "member_id": claims.accepted[row["claim_id"]],
                    "claim_id": row["claim_id"],
                    "code_system": system,
                    "code": row["procedure_code"].upper(),
                    "service_date": row["service_date"],
                }
            )


def _read_pharmacy(path: Path, staged: Staged, members: _References) -> None:
    for number, row in validate_file(path, schema.PHARMACY_CLAIMS, staged):
        member_problem = members.problem("member_id", row["member_id"], "eligibility")
        if member_problem:
            staged.rejects.append(Reject(path.name, number, member_problem))
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


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _validity(values: list[Any]) -> tuple[pa.Buffer | None, int]:
    """Arrow's validity bitmap of ``values`` (``None`` when nothing is null) and the
    null count."""
    nulls = values.count(None)
    if not nulls:
        return None, 0
    bits = bytearray((len(values) + 7) // 8)
    for index, value in enumerate(values):
        if value is not None:
            bits[index >> 3] |= 1 << (index & 7)
    return pa.py_buffer(bits), nulls


def _buffers_array(values: list[Any], kind: pa.DataType) -> pa.Array | None:
    """``values`` as an Arrow array of ``kind`` built from its buffers, or ``None`` when a
    value is not of the exact Python type the staging tables hold for ``kind`` (a
    ``datetime`` for a date, an amount with more than two decimals, ...)."""
    types = set(map(type, values))
    types.discard(type(None))
    validity, nulls = _validity(values)
    size = len(values)
    if kind == pa.string():
        if not types <= {str}:
            return None
        if nulls:
            data = [b"" if value is None else value.encode() for value in values]
        else:
            data = list(map(str.encode, values))
        offsets = array("i", [0])
        offsets.extend(accumulate(map(len, data)))
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
        return pa.Array.from_buffers(kind, size, buffers, null_count=nulls)
    if kind == pa.date32():
        if not types <= {dt.date}:
            return None
        epoch = _EPOCH_ORDINAL
        days = array("i", [0 if v is None else v.toordinal() - epoch for v in values])
        return pa.Array.from_buffers(kind, size, [validity, pa.py_buffer(days)], nulls)
    if kind == pa.int32():
        if not types <= {int}:
            return None
        integers = array("i", [0 if v is None else v for v in values] if nulls else values)
        return pa.Array.from_buffers(kind, size, [validity, pa.py_buffer(integers)], nulls)
    if kind == pa.float64():
        if not types <= {float}:
            return None
        doubles = array("d", [0.0 if v is None else v for v in values] if nulls else values)
        return pa.Array.from_buffers(kind, size, [validity, pa.py_buffer(doubles)], nulls)
    if kind == pa.bool_():
        if not types <= {bool}:
            return None
        bits = bytearray((size + 7) // 8)
        for index, value in enumerate(values):
            if value:
                bits[index >> 3] |= 1 << (index & 7)
        return pa.Array.from_buffers(kind, size, [validity, pa.py_buffer(bits)], nulls)
    if kind == schema.MONEY_TYPE:
        if not types <= {Decimal}:
            return None
        limit = 10**kind.precision
        # decimal128: 16 bytes little-endian, two int64 words (low, then the sign)
        words = array("q")
        for value in values:
            unscaled = 0
            if value is not None:
                if not value.is_finite():
                    return None
                scaled = value.scaleb(kind.scale)
                unscaled = int(scaled)
                if unscaled != scaled or not -limit < unscaled < limit:
                    return None
            words.append(unscaled)
            words.append(-1 if unscaled < 0 else 0)
        return pa.Array.from_buffers(kind, size, [validity, pa.py_buffer(words)], nulls)
    return None


def arrow_array(values: list[Any], kind: pa.DataType) -> pa.Array:
    """``values`` (Python values, ``None`` for null) as an Arrow array of ``kind``.

    Built from the array's buffers for the staging tables' types and values: ``pa.array``
    imports pandas on its first call (its array-like check), a third of a second of
    CPU, a fifth of a small cached run. Anything else goes through ``pa.array``, as
    before. ``tests/population/test_readers.py`` checks both give equal arrays."""
    built = None
    with contextlib.suppress(OverflowError):
        built = _buffers_array(values, kind)
    return built if built is not None else pa.array(values, type=kind)


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
    diagnoses = staged.tables["diagnoses"]
    dictionary = sorted({(row["code_system"], row["code"]) for row in diagnoses})
    code_keys = {code: key for key, code in enumerate(dictionary)}
    paths = {}
    for name, table_schema in schema.STAGING_SCHEMAS.items():
        # column by column (pa.Table.from_pydict): building a dict per row and
        # from_pylist was most of this function's time
        columns: dict[str, list[Any]]
        if name == "diagnosis_codes":
            columns = {
                "code_key": list(range(len(dictionary))),
                "code_system": [system for system, _ in dictionary],
                "code": [code for _, code in dictionary],
            }
        else:
            rows = staged.tables[name]
            member_keys = [keys[row["member_id"]] for row in rows]
            # stable: rows of one member keep their input order
            order = sorted(range(len(rows)), key=member_keys.__getitem__)
            ordered = [rows[index] for index in order]
            columns = {}
            for column in table_schema.names:
                if column == "member_key":
                    columns[column] = [member_keys[index] for index in order]
                elif name == "diagnoses" and column == "code_key":
                    columns[column] = [code_keys[r["code_system"], r["code"]] for r in ordered]
                else:
                    # row.get(column) for each row, the loop in C
                    columns[column] = list(map(dict.get, ordered, repeat(column)))
        table = pa.Table.from_arrays(
            [arrow_array(columns[field.name], field.type) for field in table_schema],
            schema=table_schema,
        )
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
