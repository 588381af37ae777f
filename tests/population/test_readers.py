"""Input schema 1.0 readers: good input stages every row; bad rows are rejected with
file, row and reason (docs/population.md, "Rejects")."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from casework.population import schema
from casework.population.readers import (
    InputError,
    Reject,
    RejectRateExceededError,
    Staged,
    _buffers_array,
    arrow_array,
    empty_tables,
    read_input_folder,
    snapshot_hash,
    write_rejects,
    write_staging,
)
from tests.population.conftest import FIXTURES, write_csv

ELIGIBILITY_HEADER = ["member_id", "given_name", "family_name", "birth_date", "sex"]
CLAIM_HEADER = [
    "claim_id",
    "member_id",
    "claim_type",
    "service_date",
    "admission_date",
    "discharge_date",
    "allowed_amount",
    "dx_code_system",
    "dx_1",
]


def make_folder(tmp_path: Path, claims: list[list[str]]) -> Path:
    write_csv(
        tmp_path / "eligibility.csv",
        ELIGIBILITY_HEADER,
        [["M1", "A", "B", "1950-01-01", "F"], ["M2", "C", "D", "1960-01-01", "M"]],
    )
    write_csv(tmp_path / "medical_claims.csv", CLAIM_HEADER, claims)
    return tmp_path


def test_fixture_folder_stages_every_row() -> None:
    staged = read_input_folder(FIXTURES / "claims")
    counts = {name: len(rows) for name, rows in staged.tables.items()}
    assert (staged.rows_read, staged.rejects) == (29, [])
    assert counts == {
        "members": 6,
        "encounters": 14,
        "diagnoses": 20,
        "procedures": 3,
        "pharmacy": 5,
    }


def test_diagnosis_codes_are_normalised_without_dots() -> None:
    staged = read_input_folder(FIXTURES / "claims")
    codes = [d["code"] for d in staged.tables["diagnoses"] if d["claim_id"] == "C004"]
    assert codes == ["I5022", "E1122", "N184"]


def test_bad_rows_are_rejected_with_file_row_and_reason(tmp_path: Path) -> None:
    folder = make_folder(
        tmp_path,
        [
            ["K1", "M1", "outpatient", "2026-01-02", "", "", "10.00", "ICD10CM", "E11.9"],
            ["K2", "M1", "outpatient", "2026-13-02", "", "", "10.00", "ICD10CM", "E11.9"],
            ["K3", "M1", "outpatient", "2026-01-02", "", "", "10.00", "LOINC", "E11.9"],
            ["K1", "M2", "outpatient", "2026-01-03", "", "", "10.00", "ICD10CM", "E11.9"],
            ["K4", "M1", "outpatient", "2026-01-02", "", "", "10.00", "ICD10CM", "E11"],
            ["K5", "M9", "outpatient", "2026-01-02", "", "", "10.00", "ICD9CM", "4280"],
            ["K6", "M2", "inpatient", "2026-01-02", "2026-01-02", "", "10.00", "ICD9CM", "4280"],
            ["K7", "M2", "outpatient", "2026-01-02", "", "", "abc", "ICD9CM", "42"],
        ],
    )
    staged = read_input_folder(folder)
    assert staged.rejects == [
        Reject(
            "medical_claims.csv",
            2,
            "service_date: unparseable date '2026-13-02' (expected YYYY-MM-DD)",
        ),
        Reject("medical_claims.csv", 3, "unknown code system 'LOINC'"),
        Reject("medical_claims.csv", 4, "duplicate key claim_id=K1 (first at row 1)"),
        Reject(
            "medical_claims.csv",
            5,
            "dx_1: ICD-10-CM code is not billable (has subcodes): E11",
        ),
        Reject("medical_claims.csv", 6, "member_id M9 not in eligibility"),
        Reject(
            "medical_claims.csv",
            7,
            "inpatient claim without admission_date and discharge_date",
        ),
        Reject(
            "medical_claims.csv",
            8,
            "allowed_amount: unparseable amount 'abc'",
        ),
    ]
    assert [e["claim_id"] for e in staged.tables["encounters"]] == ["K1"]


def test_missing_required_column_rejects_every_row_of_that_file(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "eligibility.csv",
        ["member_id", "given_name", "family_name", "sex"],
        [["M1", "A", "B", "F"], ["M2", "C", "D", "M"]],
    )
    write_csv(tmp_path / "medical_claims.csv", CLAIM_HEADER, [])
    staged = read_input_folder(tmp_path)
    assert staged.rejects == [
        Reject("eligibility.csv", 1, "missing required column(s): birth_date"),
        Reject("eligibility.csv", 2, "missing required column(s): birth_date"),
    ]


def test_missing_eligibility_file_is_an_input_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "medical_claims.csv", CLAIM_HEADER, [])
    with pytest.raises(InputError, match=r"no eligibility\.csv or eligibility\.parquet"):
        read_input_folder(tmp_path)


def test_reject_rate_threshold_fails_only_above_threshold(tmp_path: Path) -> None:
    folder = make_folder(
        tmp_path,
        [
            ["K1", "M1", "outpatient", "2026-01-02", "", "", "1", "ICD10CM", "E11.9"],
            ["K2", "M1", "outpatient", "bad", "", "", "1", "ICD10CM", "E11.9"],
        ],
    )
    staged = read_input_folder(folder)
    assert staged.reject_rate == 0.25
    staged.check_reject_rate(0.25)
    with pytest.raises(RejectRateExceededError, match="1 of 4 input rows rejected"):
        staged.check_reject_rate(0.2)


def test_parquet_input_is_read_like_csv(tmp_path: Path) -> None:
    for name in ("eligibility", "medical_claims", "claim_lines", "pharmacy_claims"):
        with (FIXTURES / "claims" / f"{name}.csv").open(newline="") as handle:
            rows = [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / f"{name}.parquet")
    staged = read_input_folder(tmp_path)
    expected = read_input_folder(FIXTURES / "claims")
    assert staged.rejects == []
    assert staged.tables == expected.tables


def test_reject_file_lists_file_row_reason(tmp_path: Path) -> None:
    write_rejects([Reject("a.csv", 3, "bad, really")], tmp_path / "rejects.csv")
    assert (
        tmp_path / "rejects.csv"
    ).read_bytes() == b'file,row,reason\r\na.csv,3,"bad, really"\r\n'


def test_staging_round_trips_through_parquet(tmp_path: Path) -> None:
    staged = read_input_folder(FIXTURES / "claims")
    paths = write_staging(staged, tmp_path)
    assert pq.read_table(paths["diagnoses"]).num_rows == 20
    assert pq.read_table(paths["members"]).column("member_id").to_pylist()[:2] == ["M001", "M002"]


def test_staging_keys_members_densely_and_orders_rows_by_member(tmp_path: Path) -> None:
    staged = read_input_folder(FIXTURES / "claims")
    paths = write_staging(staged, tmp_path)
    members = pq.read_table(paths["members"]).to_pylist()
    keys = {m["member_id"]: m["member_key"] for m in members}
    # dense, in eligibility order
    assert [m["member_key"] for m in members] == list(range(len(members)))
    assert [m["member_id"] for m in members] == [m["member_id"] for m in staged.tables["members"]]
    for name in ("encounters", "diagnoses", "procedures", "pharmacy"):
        table = pq.read_table(paths[name])
        assert table.schema.field("member_key").type == pa.int32()
        rows = table.to_pylist()
        assert rows, name
        assert all(r["member_key"] == keys[r["member_id"]] for r in rows), name
        # in member_key order; one member's rows keep their input order (a stable sort)
        expected = sorted(staged.tables[name], key=lambda r: keys[r["member_id"]])
        assert [_without_key(r) for r in rows] == [_without_key(r) for r in expected], name


def test_staging_moves_rows_into_member_order(tmp_path: Path) -> None:
    staged = Staged(tables=empty_tables())
    for member_id in ("MB", "MA"):
        staged.tables["members"].append(
            {"member_id": member_id, "birth_date": dt.date(1950, 1, 1), "sex": "F"}
        )
    for member_id, claim_id in (("MA", "c1"), ("MB", "c2"), ("MA", "c3")):
        staged.tables["diagnoses"].append(
            {
                "member_id": member_id,
                "claim_id": claim_id,
                "sequence": 1,
                "code_system": "ICD10CM",
                "code": "I10",
            }
        )
    paths = write_staging(staged, tmp_path)
    members = pq.read_table(paths["members"]).to_pylist()
    assert [(m["member_id"], m["member_key"]) for m in members] == [("MB", 0), ("MA", 1)]
    diagnoses = pq.read_table(paths["diagnoses"]).to_pylist()
    assert [(d["member_key"], d["claim_id"]) for d in diagnoses] == [
        (0, "c2"),
        (1, "c1"),
        (1, "c3"),
    ]


def _without_key(row: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if k not in ("member_key", "code_key")}


def test_staging_keys_diagnosis_codes_densely_in_code_order(tmp_path: Path) -> None:
    staged = read_input_folder(FIXTURES / "claims")
    staged.tables["diagnoses"].append(
        staged.tables["diagnoses"][0] | {"code_system": "ICD9CM", "code": "V5861"}
    )
    paths = write_staging(staged, tmp_path)
    table = pq.read_table(paths["diagnosis_codes"])
    assert table.schema == schema.STAGING_SCHEMAS["diagnosis_codes"]
    codes = table.to_pylist()
    distinct = sorted({(d["code_system"], d["code"]) for d in staged.tables["diagnoses"]})
    assert [(c["code_system"], c["code"]) for c in codes] == distinct
    assert [c["code_key"] for c in codes] == list(range(len(distinct)))
    assert codes[0] == {"code_key": 0, "code_system": "ICD10CM", "code": "C50911"}
    assert codes[-1] == {"code_key": len(distinct) - 1, "code_system": "ICD9CM", "code": "V5861"}
    by_key = {c["code_key"]: (c["code_system"], c["code"]) for c in codes}
    diagnoses = pq.read_table(paths["diagnoses"]).to_pylist()
    assert len(diagnoses) == 21
    assert all(by_key[d["code_key"]] == (d["code_system"], d["code"]) for d in diagnoses)


def test_snapshot_hash_changes_with_content(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "claims", tmp_path / "copy")
    files = sorted((tmp_path / "copy").iterdir())
    before = snapshot_hash(files)
    assert before == snapshot_hash(sorted((FIXTURES / "claims").iterdir()))
    (tmp_path / "copy" / "claim_lines.csv").write_text("claim_id\n")
    assert snapshot_hash(files) != before


def test_icd10cm_code_set_agrees_with_simple_icd_10_cm_on_every_code() -> None:
    import simple_icd_10_cm as icd10

    from casework.population.readers import icd10cm_code_set

    codes, billable = icd10cm_code_set()
    assert (len(codes), len(billable)) == (98466, 74719)
    probes = codes | {code[:-1] for code in codes} | {code + "0" for code in codes}
    for code in probes - {c for c in codes if "-" in c}:
        valid = icd10.is_valid_item(code)
        assert (code in codes) == valid, code
        if valid:
            assert (code in billable) == icd10.is_leaf(code), code
    # blocks are never billable (the package calls some of them leaves)
    assert "A00-A09" in codes and "A00-A09" not in billable


ARROW_CASES = [
    (pa.string(), ["a", None, "", "ñ\x00é", "\U0001f600", "dx"]),
    (pa.string(), []),
    (pa.int32(), [0, None, -(2**31), 2**31 - 1]),
    (pa.date32(), [dt.date(1, 1, 1), None, dt.date(1970, 1, 1), dt.date(1969, 12, 31)]),
    (pa.date32(), [dt.date(9999, 12, 31)]),
    (pa.float64(), [1.5, None, -0.0, 1e308, 5e-324]),
    (pa.bool_(), [True, None, False, True, True, False, None, True, False]),
    (
        schema.MONEY_TYPE,
        [
            *(Decimal(text) for text in ("0.00", "-0.01", "-0.00", "12.30", "5", "1.2")),
            None,
            *(Decimal(text) for text in ("999999999999.99", "-999999999999.99")),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "values"), ARROW_CASES)
def test_staging_arrays_built_from_buffers_equal_pa_array(
    kind: pa.DataType, values: list[object]
) -> None:
    built = _buffers_array(values, kind)
    assert built is not None
    assert built.type == kind
    assert built.equals(pa.array(values, type=kind))
    assert built.to_pylist() == pa.array(values, type=kind).to_pylist()


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (pa.int32(), [True, 1]),
        (pa.int32(), [2**31]),
        (pa.date32(), [dt.datetime(2026, 1, 1, 12, 0)]),
        (pa.float64(), [1]),
        (schema.MONEY_TYPE, [Decimal("1.234")]),
        (schema.MONEY_TYPE, [Decimal("1E+12")]),
    ],
)
def test_other_values_give_what_pa_array_gives(kind: pa.DataType, values: list[object]) -> None:
    try:
        expected = pa.array(values, type=kind)
    except (pa.ArrowException, OverflowError) as error:
        with pytest.raises(type(error)):
            arrow_array(values, kind)
        return
    assert arrow_array(values, kind).equals(expected)


def test_writing_staging_does_not_import_pandas(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from casework.population.readers import read_input_folder, write_staging\n"
        f"staged = read_input_folder(Path({str(FIXTURES / 'claims')!r}))\n"
        f"write_staging(staged, Path({str(tmp_path)!r}))\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
