"""Input schema, version 1.0 (documented in docs/population.md, "Input schema").

Analysts supply up to four files in one folder, CSV (UTF-8, header row) or Parquet:
``eligibility``, ``medical_claims`` (claim headers with diagnoses), ``claim_lines``
(procedures, optional) and ``pharmacy_claims`` (optional). The readers validate every row
against the specs below and write the canonical staging tables (``members``,
``encounters``, ``diagnoses`` and their code dictionary ``diagnosis_codes``,
``procedures``, ``pharmacy``) that the pipeline reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pyarrow as pa

STRING = "string"
DATE = "date"
MONEY = "money"
NUMBER = "number"
INTEGER = "integer"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an input file."""

    name: str
    kind: str
    required: bool = True
    """Whether the column must be present in the file header."""
    nullable: bool = False
    """Whether an empty value is accepted."""


@dataclass(frozen=True)
class FileSpec:
    """One input file: its stem, columns and key."""

    stem: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    optional_file: bool = False

    @property
    def required_columns(self) -> list[str]:
        """Names of the columns the header must contain."""
        return [c.name for c in self.columns if c.required]


MAX_DIAGNOSES = 25
"""Diagnosis columns ``dx_1`` .. ``dx_25`` on a claim header (UB-04 carries up to 25)."""

ELIGIBILITY = FileSpec(
    stem="eligibility",
    key=("member_id",),
    columns=(
        ColumnSpec("member_id", STRING),
        ColumnSpec("given_name", STRING, nullable=True),
        ColumnSpec("family_name", STRING, nullable=True),
        ColumnSpec("birth_date", DATE),
        ColumnSpec("sex", STRING),
        ColumnSpec("race", STRING, required=False, nullable=True),
        ColumnSpec("ethnicity", STRING, required=False, nullable=True),
        ColumnSpec("language", STRING, required=False, nullable=True),
        ColumnSpec("coverage_start_date", DATE, required=False, nullable=True),
        ColumnSpec("coverage_end_date", DATE, required=False, nullable=True),
        ColumnSpec("deceased_date", DATE, required=False, nullable=True),
    ),
)

MEDICAL_CLAIMS = FileSpec(
    stem="medical_claims",
    key=("claim_id",),
    columns=(
        ColumnSpec("claim_id", STRING),
        ColumnSpec("member_id", STRING),
        ColumnSpec("claim_type", STRING),
        ColumnSpec("place_of_service", STRING, required=False, nullable=True),
        ColumnSpec("admit_type", STRING, required=False, nullable=True),
        ColumnSpec("service_date", DATE),
        ColumnSpec("admission_date", DATE, nullable=True),
        ColumnSpec("discharge_date", DATE, nullable=True),
        ColumnSpec("service_line", STRING, required=False, nullable=True),
        ColumnSpec("allowed_amount", MONEY, nullable=True),
        ColumnSpec("discharge_hemoglobin_g_dl", NUMBER, required=False, nullable=True),
        ColumnSpec("discharge_sodium_mmol_l", NUMBER, required=False, nullable=True),
        ColumnSpec("discharge_status", STRING, required=False, nullable=True),
        ColumnSpec("dx_code_system", STRING),
        ColumnSpec("dx_1", STRING, nullable=True),
        *(
            ColumnSpec(f"dx_{n}", STRING, required=False, nullable=True)
            for n in range(2, MAX_DIAGNOSES + 1)
        ),
    ),
)

CLAIM_LINES = FileSpec(
    stem="claim_lines",
    key=("claim_id", "line_number"),
    optional_file=True,
    columns=(
        ColumnSpec("claim_id", STRING),
        ColumnSpec("line_number", INTEGER),
        ColumnSpec("service_date", DATE),
        ColumnSpec("procedure_code_system", STRING, nullable=True),
        ColumnSpec("procedure_code", STRING, nullable=True),
        ColumnSpec("allowed_amount", MONEY, required=False, nullable=True),
    ),
)

PHARMACY_CLAIMS = FileSpec(
    stem="pharmacy_claims",
    key=("fill_id",),
    optional_file=True,
    columns=(
        ColumnSpec("fill_id", STRING),
        ColumnSpec("member_id", STRING),
        ColumnSpec("fill_date", DATE),
        ColumnSpec("ndc", STRING),
        ColumnSpec("drug_class", STRING, required=False, nullable=True),
        ColumnSpec("days_supply", INTEGER, required=False, nullable=True),
        ColumnSpec("allowed_amount", MONEY, required=False, nullable=True),
    ),
)

INPUT_FILES = (ELIGIBILITY, MEDICAL_CLAIMS, CLAIM_LINES, PHARMACY_CLAIMS)

CLAIM_TYPES = frozenset(
    {"inpatient", "emergency", "outpatient", "professional", "home_health", "other"}
)
"""Allowed ``claim_type`` values; ``emergency`` claims count as ED visits."""

SEX_CODES = {
    "M": "M",
    "MALE": "M",
    "F": "F",
    "FEMALE": "F",
    "O": "O",
    "OTHER": "O",
    "U": "U",
    "UNKNOWN": "U",
}

EXPIRED_DISCHARGE_STATUSES = frozenset({"20", "40", "41", "42"})
"""UB-04 patient discharge status codes meaning the patient expired (20; hospice deaths
40 at home, 41 in a facility, 42 place unknown): the member is excluded from selection."""

ADMIT_TYPES = frozenset({"1", "2", "3", "4", "5", "9"})
"""UB-04 priority (type) of admission: 1 emergency, 2 urgent, 3 elective, 4 newborn,
5 trauma, 9 information not available."""

DIAGNOSIS_CODE_SYSTEMS = {
    "ICD10CM": "ICD10CM",
    "ICD-10-CM": "ICD10CM",
    "ICD9CM": "ICD9CM",
    "ICD-9-CM": "ICD9CM",
}

PROCEDURE_CODE_SYSTEMS = {
    "CPT": "CPT",
    "HCPCS": "HCPCS",
    "ICD10PCS": "ICD10PCS",
    "ICD-10-PCS": "ICD10PCS",
    "ICD9PROC": "ICD9PROC",
    "SNOMED": "SNOMED",
}

MONEY_TYPE = pa.decimal128(14, 2)

STAGING_SCHEMAS: dict[str, pa.Schema] = {
    "members": pa.schema(
        [
            ("member_id", pa.string()),
            ("member_key", pa.int32()),
            ("given_name", pa.string()),
            ("family_name", pa.string()),
            ("birth_date", pa.date32()),
            ("sex", pa.string()),
            ("race", pa.string()),
            ("ethnicity", pa.string()),
            ("language", pa.string()),
            ("coverage_start_date", pa.date32()),
            ("coverage_end_date", pa.date32()),
            ("deceased", pa.bool_()),
        ]
    ),
    "encounters": pa.schema(
        [
            ("claim_id", pa.string()),
            ("member_id", pa.string()),
            ("member_key", pa.int32()),
            ("claim_type", pa.string()),
            ("place_of_service", pa.string()),
            ("admit_type", pa.string()),
            ("service_date", pa.date32()),
            ("admission_date", pa.date32()),
            ("discharge_date", pa.date32()),
            ("service_line", pa.string()),
            ("allowed_amount", MONEY_TYPE),
            ("discharge_hemoglobin_g_dl", pa.float64()),
            ("discharge_sodium_mmol_l", pa.float64()),
        ]
    ),
    "diagnoses": pa.schema(
        [
            ("member_id", pa.string()),
            ("member_key", pa.int32()),
            ("claim_id", pa.string()),
            ("sequence", pa.int32()),
            ("code_system", pa.string()),
            ("code", pa.string()),
            ("code_key", pa.int32()),
            ("service_date", pa.date32()),
            ("active_until", pa.date32()),
        ]
    ),
    "diagnosis_codes": pa.schema(
        [
            ("code_key", pa.int32()),
            ("code_system", pa.string()),
            ("code", pa.string()),
        ]
    ),
    "procedures": pa.schema(
        [
            ("member_id", pa.string()),
            ("member_key", pa.int32()),
            ("claim_id", pa.string()),
            ("code_system", pa.string()),
            ("code", pa.string()),
            ("service_date", pa.date32()),
        ]
    ),
    "pharmacy": pa.schema(
        [
            ("fill_id", pa.string()),
            ("member_id", pa.string()),
            ("member_key", pa.int32()),
            ("fill_date", pa.date32()),
            ("code_system", pa.string()),
            ("drug_code", pa.string()),
            ("drug_class", pa.string()),
            ("days_supply", pa.int32()),
            ("allowed_amount", MONEY_TYPE),
        ]
    ),
}
"""Canonical staging tables written as Parquet and read by the pipeline.

``members.deceased`` is true when the input says the member died (eligibility
``deceased_date``, an expired discharge status, FHIR ``Patient.deceased[x]`` or an
"expired" discharge disposition); such members are scored but never selected.

``diagnoses.service_date`` is the date a diagnosis starts counting (a claim's admission or
service date; a FHIR Condition's onset, else its recorded date) and ``active_until`` the
last day it counts: the same day for a claim diagnosis, the abatement date of a
Condition, or empty while the condition is still active (see
``pipeline.diagnoses_in_window`` and docs/population.md, "Conditions in the window").

``member_key`` is a dense surrogate for ``member_id`` (0 to members - 1, in eligibility
order) assigned when the staging tables are written, and every table is written in
``member_key`` order. Per-member folds group by it: an integer key with a small range
lets DuckDB aggregate into an array (its perfect hash aggregate) instead of hashing
strings, and the order makes that array's accesses sequential. Together they make the
comorbidity fold about three times faster than grouping by ``member_id``.

``diagnosis_codes`` is the dictionary of the distinct diagnosis codes: ``code_key`` is a
dense surrogate (0 to codes - 1, in ``code_system, code`` order) that every diagnosis row
carries. Code maps are matched against the dictionary (thousands of rows) rather than
the diagnoses (millions), and the diagnoses join the result on one integer.
"""

DERIVED_TABLES = frozenset({"diagnosis_codes"})
"""Staging tables that ``readers.write_staging`` derives from the others (readers never
append to them)."""


def staging_struct(types: ModuleType, name: str, columns: tuple[str, ...] | None = None) -> Any:
    """The staging table ``name`` (only ``columns`` when given) as a ``StructType`` of
    the engine's ``types`` module (``pyspark.sql.types`` or SQLFrame's). Readers given it
    need not open the file to learn its columns."""
    kinds = {
        pa.string(): types.StringType,
        pa.int32(): types.IntegerType,
        pa.date32(): types.DateType,
        pa.float64(): types.DoubleType,
        pa.bool_(): types.BooleanType,
    }
    fields = []
    for field in STAGING_SCHEMAS[name]:
        if columns is not None and field.name not in columns:
            continue
        if field.type == MONEY_TYPE:
            kind = types.DecimalType(MONEY_TYPE.precision, MONEY_TYPE.scale)
        else:
            kind = kinds[field.type]()
        fields.append(types.StructField(field.name, kind, True))
    return types.StructType(fields)


PROTECTED_ATTRIBUTES = frozenset(
    {
        "sex",
        "race",
        "ethnicity",
        "language",
        "birth_date",
        "age",
        "age_band",
        "given_name",
        "family_name",
    }
)
"""Member attributes that may be reported on (bias report) but never used by a rule."""
