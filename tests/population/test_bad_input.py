"""Bad input never crashes a run (issue 14): every case gives an exact reject row or an
exact error, and the readers are fuzzed over byte strings and JSON values."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.population.fhir import read_fhir_export
from casework.population.readers import InputError, Reject, read_input_folder
from casework.population.runs import input_read
from tests.population.conftest import write_csv
from tests.population.fhir_export import claim, condition, encounter, patient, write_export

TODAY = dt.date(2026, 6, 30)
ELIGIBILITY = ["member_id", "given_name", "family_name", "birth_date", "sex"]
CLAIMS = [
    "claim_id",
    "member_id",
    "claim_type",
    "service_date",
    "admission_date",
    "discharge_date",
    "allowed_amount",
    "discharge_hemoglobin_g_dl",
    "discharge_sodium_mmol_l",
    "dx_code_system",
    "dx_1",
]
GOOD_CLAIM = ["K1", "M1", "outpatient", "2026-01-02", "", "", "10.00", "", "", "ICD10CM", "E11.9"]
LINES = ["claim_id", "line_number", "service_date", "procedure_code_system", "procedure_code"]


def folder_with(
    tmp_path: Path,
    members: list[list[str]] | None = None,
    claims: list[list[str]] | None = None,
) -> Path:
    write_csv(
        tmp_path / "eligibility.csv",
        ELIGIBILITY,
        members if members is not None else [["M1", "A", "B", "1950-01-01", "F"]],
    )
    write_csv(tmp_path / "medical_claims.csv", CLAIMS, claims if claims is not None else [])
    return tmp_path


def read(folder: Path) -> Any:
    return read_input_folder(folder, today=TODAY)


# --- CSV and Parquet ---------------------------------------------------------------


def test_csv_row_that_is_not_utf8_is_rejected_alone(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    with (folder / "eligibility.csv").open("ab") as handle:
        handle.write(b"M2,Jos\xe9,Mu\xf1oz,1960-01-01,M\r\nM3,C,D,1970-01-01,F\r\n")
    staged = read(folder)
    assert staged.rejects == [
        Reject("eligibility.csv", 2, "not UTF-8: byte 0xe9 in column given_name")
    ]
    assert [m["member_id"] for m in staged.tables["members"]] == ["M1", "M3"]


def test_field_over_128_kib_is_rejected_alone(tmp_path: Path) -> None:
    long_claim = [*GOOD_CLAIM[:2], "x" * (128 * 1024 + 1), *GOOD_CLAIM[3:]]
    second = ["K2", *GOOD_CLAIM[1:]]
    staged = read(folder_with(tmp_path, claims=[long_claim, second]))
    assert staged.rejects == [
        Reject(
            "medical_claims.csv",
            1,
            "unreadable CSV record: a field is longer than 131072 characters",
        )
    ]
    assert [e["claim_id"] for e in staged.tables["encounters"]] == ["K2"]


def test_huge_amount_is_rejected(tmp_path: Path) -> None:
    claims = [[*GOOD_CLAIM[:6], "1e26", *GOOD_CLAIM[7:]]]
    assert read(folder_with(tmp_path, claims=claims)).rejects == [
        Reject(
            "medical_claims.csv",
            1,
            "allowed_amount: amount '1e26' out of range (at most 999999999999.99)",
        )
    ]


def test_corrupt_parquet_is_an_input_error(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    (folder / "medical_claims.csv").unlink()
    (folder / "medical_claims.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(InputError) as raised:
        read(folder)
    assert str(raised.value).startswith("medical_claims.parquet is not a readable Parquet file: ")


def test_corrupt_parquet_through_the_cli_exits_2_with_the_reason_in_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from casework.population.cli import main

    folder = folder_with(tmp_path / "input")
    (folder / "eligibility.csv").unlink()
    (folder / "eligibility.parquet").write_bytes(b"\x00" * 64)
    run_dir = tmp_path / "run"
    argv = ["screen", str(folder), "--criteria", "readmission-risk", "--out", str(run_dir)]
    assert main([*argv, "--window-end", "2026-06-30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: eligibility.parquet is not a readable Parquet file: ")
    rejects = (run_dir / "rejects.csv").read_text().splitlines()
    assert rejects[0] == "file,row,reason"
    assert rejects[1].startswith(",0,eligibility.parquet is not a readable Parquet file: ")


def test_empty_required_file_is_an_input_error(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    (folder / "medical_claims.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"^medical_claims\.csv is empty \(0 bytes\); an input "):
        read(folder)


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, claims=[GOOD_CLAIM])
    path = folder / "eligibility.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    staged = read(folder)
    assert staged.rejects == []
    assert [m["member_id"] for m in staged.tables["members"]] == ["M1"]


def test_parquet_timestamp_column_is_read_as_its_date(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    (folder / "eligibility.csv").unlink()
    table = pa.table(
        {
            "member_id": ["M1"],
            "given_name": ["A"],
            "family_name": ["B"],
            "birth_date": pa.array([dt.datetime(1950, 1, 1, 0, 0)], pa.timestamp("us")),
            "sex": ["F"],
        }
    )
    pq.write_table(table, folder / "eligibility.parquet")
    staged = read(folder)
    assert staged.rejects == []
    assert staged.tables["members"][0]["birth_date"] == dt.date(1950, 1, 1)


def test_dates_must_be_yyyy_mm_dd(tmp_path: Path) -> None:
    staged = read(folder_with(tmp_path, members=[["M1", "A", "B", "19500101", "F"]]))
    assert staged.rejects == [
        Reject(
            "eligibility.csv", 1, "birth_date: unparseable date '19500101' (expected YYYY-MM-DD)"
        )
    ]


def test_lab_values_must_be_finite(tmp_path: Path) -> None:
    claims = [[*GOOD_CLAIM[:7], "nan", "-inf", *GOOD_CLAIM[9:]]]
    assert read(folder_with(tmp_path, claims=claims)).rejects == [
        Reject(
            "medical_claims.csv",
            1,
            "discharge_hemoglobin_g_dl: not a finite number 'nan'; "
            "discharge_sodium_mmol_l: not a finite number '-inf'",
        )
    ]


def test_future_birth_date_is_rejected(tmp_path: Path) -> None:
    staged = read(folder_with(tmp_path, members=[["M1", "A", "B", "2026-07-01", "F"]]))
    assert staged.rejects == [
        Reject("eligibility.csv", 1, "birth_date 2026-07-01 is in the future")
    ]


def test_stray_ndjson_in_a_csv_folder_is_ignored_with_a_warning(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, claims=[GOOD_CLAIM])
    (folder / "notes.ndjson").write_text("{}\n")
    staged = input_read(folder, today=TODAY)
    assert [e["claim_id"] for e in staged.tables["encounters"]] == ["K1"]
    assert staged.warnings == ["notes.ndjson: NDJSON file ignored in an input-schema folder"]


def test_rows_of_a_rejected_member_or_claim_name_the_rejected_row(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        members=[["M1", "A", "B", "1950-01-01", "F"], ["M2", "C", "D", "1950-01-01", "X"]],
        claims=[GOOD_CLAIM, ["K2", "M2", *GOOD_CLAIM[2:]], ["K3", "M9", *GOOD_CLAIM[2:]]],
    )
    write_csv(
        folder / "claim_lines.csv",
        LINES,
        [
            ["K1", "1", "2026-01-02", "CPT", "93306"],
            ["K1", "2", "2026-01-02", "LOINC", "1234-5"],
            ["K2", "1", "2026-01-02", "CPT", "93306"],
        ],
    )
    staged = read(folder)
    assert staged.rejects == [
        Reject("eligibility.csv", 2, "unknown sex code 'X'"),
        Reject("medical_claims.csv", 2, "member_id M2 was rejected (eligibility.csv row 2)"),
        Reject("medical_claims.csv", 3, "member_id M9 not in eligibility"),
        Reject("claim_lines.csv", 2, "unknown code system 'LOINC'"),
        Reject("claim_lines.csv", 3, "claim_id K2 was rejected (medical_claims.csv row 2)"),
    ]
    # the bad line of K1 is rejected alone: K1 keeps its other line and its diagnosis
    assert [(p["claim_id"], p["code"]) for p in staged.tables["procedures"]] == [("K1", "93306")]
    assert [(d["claim_id"], d["code"]) for d in staged.tables["diagnoses"]] == [("K1", "E119")]


def test_deceased_date_and_expired_discharge_mark_members_deceased(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "eligibility.csv",
        [*ELIGIBILITY, "deceased_date"],
        [
            ["M1", "A", "B", "1950-01-01", "F", ""],
            ["M2", "C", "D", "1950-01-01", "M", "2026-02-01"],
            ["M3", "E", "F", "1950-01-01", "M", ""],
        ],
    )
    write_csv(
        tmp_path / "medical_claims.csv",
        [*CLAIMS, "discharge_status"],
        [
            [
                "K1",
                "M3",
                "inpatient",
                "2026-01-02",
                "2026-01-02",
                "2026-01-04",
                "1",
                "",
                "",
                "ICD10CM",
                "E11.9",
                "20",
            ]
        ],
    )
    staged = read(tmp_path)
    assert staged.rejects == []
    assert {m["member_id"]: m["deceased"] for m in staged.tables["members"]} == {
        "M1": False,
        "M2": True,
        "M3": True,
    }


# --- FHIR NDJSON -------------------------------------------------------------------


def fhir(tmp_path: Path, lines_by_file: dict[str, list[bytes]]) -> Any:
    (tmp_path / "Patient.000.ndjson").write_text(json.dumps(patient("p1")) + "\n")
    for name, lines in lines_by_file.items():
        (tmp_path / name).write_bytes(b"\n".join(lines) + b"\n")
    return read_fhir_export(tmp_path, today=TODAY)


def dumps(resource: Any) -> bytes:
    return json.dumps(resource).encode()


def test_ndjson_lines_that_are_not_objects_not_utf8_or_without_id(tmp_path: Path) -> None:
    no_id = condition("c9", "p1", "I50.22", "2026-01-01")
    del no_id["id"]
    listed = encounter("e2", "p1", "2026-01-01", "2026-01-02")
    listed["class"] = [{"coding": [{"code": "IMP"}]}]
    staged = fhir(
        tmp_path,
        {
            "Condition.000.ndjson": [
                b"[1, 2]",
                b'"a string"',
                b"42",
                '{"resourceType": "Condition", "note": "caf\xe9"}'.encode("latin-1"),
                dumps(no_id),
                b'{"resourceType": "Condition", "id": "c1", "x": NaN}',
            ],
            "Encounter.000.ndjson": [dumps(listed)],
        },
    )
    assert staged.rejects == [
        Reject(
            "Encounter.000.ndjson", 1, "Encounter.class must be one Coding (FHIR R4), not an array"
        ),
        Reject("Condition.000.ndjson", 1, "line is not a JSON object but an array"),
        Reject("Condition.000.ndjson", 2, "line is not a JSON object but a string"),
        Reject("Condition.000.ndjson", 3, "line is not a JSON object but a number"),
        Reject("Condition.000.ndjson", 4, "not UTF-8: byte 0xe9 at position 42"),
        Reject("Condition.000.ndjson", 5, "Condition without an id"),
        Reject("Condition.000.ndjson", 6, "invalid JSON: NaN is not a JSON number"),
    ]


def test_capital_ndjson_suffix_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "Patient.000.NDJSON").write_text(json.dumps(patient("p1")) + "\n")
    staged = input_read(tmp_path, today=TODAY)
    assert [m["member_id"] for m in staged.tables["members"]] == ["p1"]


def test_resources_of_a_rejected_patient_name_the_rejected_line(tmp_path: Path) -> None:
    export = write_export(
        tmp_path,
        [
            patient("p1"),
            patient("p2", birth="2999-01-01"),
            condition("c1", "p2", "I50.22", "2026-01-01"),
        ],
    )
    staged = read_fhir_export(export, today=TODAY)
    assert staged.rejects == [
        Reject("Patient.000.ndjson", 2, "birthDate 2999-01-01 is in the future"),
        Reject(
            "Condition.000.ndjson",
            1,
            "subject Patient/p2 was rejected (Patient.000.ndjson row 2)",
        ),
    ]


def test_a_claim_with_a_bad_header_contributes_nothing(tmp_path: Path) -> None:
    export = write_export(
        tmp_path, [patient("p1"), claim("k1", "p1", "2026-01-02", ["I50.22", "E11"])]
    )
    staged = read_fhir_export(export, today=TODAY)
    assert staged.rejects == [
        Reject(
            "Claim.000.ndjson",
            1,
            "diagnosis[2]: ICD-10-CM code is not billable (has subcodes): E11",
        )
    ]
    assert staged.tables["diagnoses"] == []


def test_a_bad_claim_line_is_rejected_alone(tmp_path: Path) -> None:
    cpt = "http://www.ama-assn.org/go/cpt"
    items = [
        {"sequence": 1, "productOrService": {"coding": [{"system": cpt, "code": "93306"}]}},
        {
            "sequence": 2,
            "productOrService": {"coding": [{"system": cpt, "code": "99214"}]},
            "servicedDate": "2026-13-01",
        },
    ]
    export = write_export(
        tmp_path, [patient("p1"), claim("k1", "p1", "2026-01-02", ["I50.22"], items)]
    )
    staged = read_fhir_export(export, today=TODAY)
    assert staged.rejects == [
        Reject("Claim.000.ndjson", 1, "item[2]: unparseable servicedDate '2026-13-01'")
    ]
    assert [(d["claim_id"], d["code"]) for d in staged.tables["diagnoses"]] == [
        ("Claim/k1", "I5022")
    ]
    assert [(p["code"], str(p["service_date"])) for p in staged.tables["procedures"]] == [
        ("93306", "2026-01-02")
    ]


# --- fuzzing: the readers never raise past the run boundary ---------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "id",
        "subject",
        "patient",
        "class",
        "status",
        "period",
        "code",
        "onsetDateTime",
        "abatementDateTime",
        "clinicalStatus",
        "verificationStatus",
        "valueQuantity",
        "effectiveDateTime",
        "diagnosis",
        "item",
        "billablePeriod",
        "medicationCodeableConcept",
        "authoredOn",
        "hospitalization",
        "serviceType",
        "birthDate",
        "deceasedBoolean",
        "name",
        "extension",
    ]
)
RESOURCE_TYPES = ["Patient", "Encounter", "Observation", "Condition", "Claim", "MedicationRequest"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_lines(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        for name, data in files.items():
            (path / name).write_bytes(data)
        try:
            staged = input_read(path, today=TODAY)
        except InputError:
            return
        # every line read is either staged, excluded, or rejected with a reason
        assert all(r.reason for r in staged.rejects)


@FUZZ
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_fuzz_ndjson_bytes_never_raise(patients: bytes, conditions: bytes) -> None:
    _read_lines({"Patient.000.ndjson": patients, "Condition.000.ndjson": conditions})


@FUZZ
@given(
    st.sampled_from(RESOURCE_TYPES),
    st.lists(st.dictionaries(FIELDS, JSON, max_size=6) | JSON, min_size=1, max_size=4),
)
def test_fuzz_json_resources_never_raise(kind: str, values: list[Any]) -> None:
    lines = []
    for value in values:
        if isinstance(value, dict):
            value = {"resourceType": kind, "subject": {"reference": "Patient/p1"}} | value
        lines.append(json.dumps(value).encode())
    files = {"Patient.000.ndjson": dumps(patient("p1")) + b"\n"}
    files[f"{kind}.000.ndjson"] = files.get(f"{kind}.000.ndjson", b"") + b"\n".join(lines)
    _read_lines(files)


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_csv_bytes_never_raise(data: bytes) -> None:
    header = ",".join(CLAIMS).encode() + b"\r\n"
    members = ",".join(ELIGIBILITY).encode() + b"\r\nM1,A,B,1950-01-01,F\r\n"
    _read_lines({"eligibility.csv": members + data, "medical_claims.csv": header + data})


def test_spark_master_without_the_spark_engine_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from casework.population.cli import main

    argv = ["screen", str(tmp_path), "--criteria", "readmission-risk", "--out", str(tmp_path)]
    assert main([*argv, "--spark-master", "spark://127.0.0.1:7077"]) == 2
    assert capsys.readouterr().err == "error: --spark-master needs --engine spark\n"
