"""Risk scores against every worked example and band boundary of clinical.md section 1,
with the documented divergent variants as explicit parameter cases."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from casework.population.engine import Engine
from casework.population.pipeline import staging_read
from casework.population.readers import read_input_folder, write_staging
from casework.population.scores import (
    HospitalSettings,
    LaceSettings,
    category_bits,
    charlson,
    comorbidity,
    comorbidity_flags,
    elixhauser,
    hospital_per_stay,
    hospital_points,
    lace_per_stay,
    lace_points,
    latest_per_member,
    weighted_score,
)
from casework.population.scores.points import _sum
from casework.population.tables import table_load
from tests.population.conftest import FIXTURES


def lace_row(duck: Engine, los: int, acute: bool, cci: int, ed: int, variant: str) -> dict:
    frame = duck.session.createDataFrame(
        [(los, acute, cci, ed)], schema="los int, acute boolean, cci int, ed int"
    )
    parts = lace_points(duck, "los", "acute", "cci", "ed", variant)
    return frame.select(*[e.alias(n) for n, e in parts.items()]).collect()[0].asDict()


@pytest.mark.parametrize(
    ("los", "acute", "cci", "ed", "expected"),
    [
        pytest.param(5, True, 5, 2, 14, id="example-1"),
        pytest.param(2, False, 0, 0, 2, id="example-2"),
        pytest.param(0, False, 4, 6, 9, id="example-3-boundaries"),
        pytest.param(14, True, 4, 4, 19, id="example-4-max"),
        pytest.param(13, True, 3, 3, 14, id="example-5"),
        pytest.param(1, True, 1, 1, 6, id="example-6"),
    ],
)
def test_lace_worked_examples(
    duck: Engine, los: int, acute: bool, cci: int, ed: int, expected: int
) -> None:
    assert lace_row(duck, los, acute, cci, ed, "standard")["lace"] == expected


@pytest.mark.parametrize(
    ("los", "points"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (6, 4), (7, 5), (13, 5), (14, 7), (45, 7)],
)
def test_lace_length_of_stay_bands(duck: Engine, los: int, points: int) -> None:
    assert lace_row(duck, los, False, 0, 0, "standard")["lace_l"] == points


@pytest.mark.parametrize(("cci", "points"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (9, 5)])
def test_lace_comorbidity_bands(duck: Engine, cci: int, points: int) -> None:
    assert lace_row(duck, 0, False, cci, 0, "standard")["lace_c"] == points


@pytest.mark.parametrize(("ed", "points"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (11, 4)])
def test_lace_ed_visit_bands(duck: Engine, ed: int, points: int) -> None:
    assert lace_row(duck, 0, False, 0, ed, "standard")["lace_e"] == points


@pytest.mark.parametrize(("acute", "points"), [(True, 3), (False, 0)])
def test_lace_acute_admission(duck: Engine, acute: bool, points: int) -> None:
    assert lace_row(duck, 0, acute, 0, 0, "standard")["lace_a"] == points


@pytest.mark.parametrize(
    ("variant", "los", "points"),
    [
        pytest.param("standard", 14, 7, id="cmaj-los14-7"),
        pytest.param("modified_lace_bmj_open_2017", 14, 6, id="bmj-open-2017-los14-6"),
        pytest.param("modified_lace_bmj_open_2017", 13, 5, id="bmj-open-2017-los13-5"),
    ],
)
def test_lace_divergent_variant_is_a_setting(
    duck: Engine, variant: str, los: int, points: int
) -> None:
    assert lace_row(duck, los, False, 0, 0, variant)["lace_l"] == points


HOSPITAL_SCHEMA = (
    "hb double, onc boolean, na double, proc boolean, urgent boolean, adm int, los int"
)


def hospital_row(duck: Engine, row: tuple[Any, ...]) -> dict:
    frame = duck.session.createDataFrame([row], schema=HOSPITAL_SCHEMA)
    parts = hospital_points(duck, "hb", "onc", "na", "proc", "urgent", "adm", "los")
    return frame.select(*[e.alias(n) for n, e in parts.items()]).collect()[0].asDict()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param((11.5, True, 133.0, True, True, 3, 6), 10, id="example-1"),
        pytest.param((12.0, False, 135.0, False, False, 1, 5), 2, id="example-2"),
        pytest.param((13.0, False, 140.0, True, True, 6, 2), 7, id="example-3"),
        pytest.param((11.9, False, 134.9, False, True, 5, 4), 5, id="example-4"),
    ],
)
def test_hospital_worked_examples(duck: Engine, row: tuple[Any, ...], expected: int) -> None:
    assert hospital_row(duck, row)["hospital"] == expected


@pytest.mark.parametrize(
    ("component", "row", "points"),
    [
        ("hospital_h", (12.0, False, 140.0, False, False, 0, 0), 0),
        ("hospital_h", (11.99, False, 140.0, False, False, 0, 0), 1),
        ("hospital_h", (None, False, 140.0, False, False, 0, 0), 0),
        ("hospital_s", (13.0, False, 135.0, False, False, 0, 0), 0),
        ("hospital_s", (13.0, False, 134.99, False, False, 0, 0), 1),
        ("hospital_a", (13.0, False, 140.0, False, False, 0, 0), 0),
        ("hospital_a", (13.0, False, 140.0, False, False, 1, 0), 0),
        ("hospital_a", (13.0, False, 140.0, False, False, 2, 0), 2),
        ("hospital_a", (13.0, False, 140.0, False, False, 5, 0), 2),
        ("hospital_a", (13.0, False, 140.0, False, False, 6, 0), 5),
        ("hospital_l", (13.0, False, 140.0, False, False, 0, 4), 0),
        ("hospital_l", (13.0, False, 140.0, False, False, 0, 5), 2),
        ("hospital_o", (13.0, True, 140.0, False, False, 0, 0), 2),
        ("hospital_p", (13.0, False, 140.0, True, False, 0, 0), 1),
        ("hospital_it", (13.0, False, 140.0, False, True, 0, 0), 1),
    ],
)
def test_hospital_component_boundaries(
    duck: Engine, component: str, row: tuple[Any, ...], points: int
) -> None:
    assert hospital_row(duck, row)[component] == points


def test_hospital_a_component_uses_zero_to_one_not_cliniborg_variant(duck: Engine) -> None:
    """cliniborg scores one prior admission as 2; the original (Donze 2013) scores 0."""
    assert hospital_row(duck, (13.0, False, 140.0, False, False, 1, 0))["hospital_a"] == 0


STAY_SCHEMA = (
    "claim_id string, member_id string, claim_type string, admit_type string, "
    "service_date date, admission_date date, discharge_date date, service_line string, "
    "discharge_hemoglobin_g_dl double, discharge_sodium_mmol_l double"
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def encounters_frame(duck: Engine, hospital_los_days: int = 5) -> Any:
    admission = d("2026-03-10")
    rows = [
        (
            "S1",
            "m",
            "inpatient",
            "1",
            admission,
            admission,
            d("2026-03-15"),
            "oncology",
            11.5,
            133.0,
        ),
        (
            "P1",
            "m",
            "inpatient",
            "3",
            d("2025-06-01"),
            d("2025-06-01"),
            d("2025-06-02"),
            None,
            None,
            None,
        ),
        (
            "P2",
            "m",
            "inpatient",
            "3",
            d("2025-01-01"),
            d("2025-01-01"),
            d("2025-01-02"),
            None,
            None,
            None,
        ),
        ("E0", "m", "emergency", None, d("2026-03-10"), None, None, None, None, None),
        ("E1", "m", "emergency", None, d("2026-03-09"), None, None, None, None, None),
        ("E2", "m", "emergency", None, d("2026-01-15"), None, None, None, None, None),
        ("E3", "m", "emergency", None, d("2025-09-10"), None, None, None, None, None),
        ("E4", "m", "emergency", None, d("2025-09-09"), None, None, None, None, None),
    ]
    return duck.session.createDataFrame(rows, schema=STAY_SCHEMA)


def charlson_frame(duck: Engine, score: int) -> Any:
    return duck.session.createDataFrame([("m", score)], schema="member_id string, charlson int")


@pytest.mark.parametrize(
    ("settings", "los", "ed_visits", "lace"),
    [
        pytest.param(LaceSettings(), 5, 3, 4 + 3 + 2 + 3, id="midnights-exclude-1-day"),
        pytest.param(
            LaceSettings(los_counting="inclusive"), 6, 3, 4 + 3 + 2 + 3, id="inclusive-los"
        ),
        pytest.param(
            LaceSettings(ed_exclude_days_before_admission=0), 5, 4, 4 + 3 + 2 + 4, id="exclude-0"
        ),
        pytest.param(
            LaceSettings(ed_exclude_days_before_admission=None), 5, 5, 4 + 3 + 2 + 4, id="all-ed"
        ),
        pytest.param(
            LaceSettings(ed_window_days=90, ed_exclude_days_before_admission=None),
            5,
            3,
            4 + 3 + 2 + 3,
            id="90-day-window",
        ),
    ],
)
def test_lace_per_stay_settings(
    duck: Engine, settings: LaceSettings, los: int, ed_visits: int, lace: int
) -> None:
    rows = lace_per_stay(duck, encounters_frame(duck), charlson_frame(duck, 2), settings)
    stay = {r["claim_id"]: r.asDict() for r in rows.collect()}["S1"]
    assert (stay["los_days"], stay["ed_visits"], stay["lace"]) == (los, ed_visits, lace)


def test_lace_ed_window_of_182_days_includes_day_182_only(duck: Engine) -> None:
    """2026-03-10 minus 182 days is 2025-09-09: E4 is in the window, nothing earlier."""
    settings = LaceSettings(ed_exclude_days_before_admission=None)
    rows = lace_per_stay(duck, encounters_frame(duck), charlson_frame(duck, 0), settings)
    assert {r["claim_id"]: r["ed_visits"] for r in rows.collect()}["S1"] == 5
    narrow = LaceSettings(ed_window_days=181, ed_exclude_days_before_admission=None)
    rows = lace_per_stay(duck, encounters_frame(duck), charlson_frame(duck, 0), narrow)
    assert {r["claim_id"]: r["ed_visits"] for r in rows.collect()}["S1"] == 4


def test_hospital_per_stay_counts_prior_admissions_and_procedures(duck: Engine) -> None:
    procedures = duck.session.createDataFrame(
        [("m", "S1", d("2026-03-11"))],
        schema="member_id string, claim_id string, service_date date",
    )
    cancer = duck.session.createDataFrame([("m",)], schema="member_id string")
    rows = hospital_per_stay(
        duck, encounters_frame(duck), procedures, cancer, HospitalSettings()
    ).collect()
    stay = {r["claim_id"]: r.asDict() for r in rows}["S1"]
    # Hb 1 + oncology 2 + Na 1 + procedure 1 + urgent 1 + 1 prior admission 0 + LOS 5 -> 2
    assert (stay["prior_admissions"], stay["hospital"], stay["hospital_band"]) == (1, 8, "high")
    # simplified: no P; O from oncology or cancer: 1 + 2 + 1 + 1 + 0 + 2
    assert (stay["hospital_simplified"], stay["hospital_simplified_band"]) == (7, "likely")


def test_latest_per_member_picks_latest_discharge(duck: Engine) -> None:
    rows = lace_per_stay(duck, encounters_frame(duck), charlson_frame(duck, 0), LaceSettings())
    assert [r["claim_id"] for r in latest_per_member(duck, rows).collect()] == ["S1"]


ORACLE_PATIENTS = [
    ("p1", 70, ["I5022", "E1122", "B20"]),
    ("p2", 55, ["C787", "C50911"]),
    ("p3", 80, ["K7030"]),
    (
        "p4",
        66,
        [
            "I252",
            "I110",
            "I739",
            "I639",
            "F0390",
            "J449",
            "M069",
            "K259",
            "E119",
            "G819",
            "N184",
            "C20",
            "I850",
        ],
    ),
    ("p5", 45, ["Z0000"]),
]


def oracle_frames(duck: Engine) -> tuple[Any, Any, Any]:
    dx = [(p, "ICD10CM", c) for p, _, codes in ORACLE_PATIENTS for c in codes]
    diagnoses = duck.session.createDataFrame(
        dx, schema="member_id string, code_system string, code string"
    )
    ages = duck.session.createDataFrame(
        [(p, a) for p, a, _ in ORACLE_PATIENTS], schema="member_id string, age int"
    )
    return diagnoses, ages.select("member_id"), ages


def scores_by_member(frame: Any, column: str) -> dict[str, int]:
    return {r["member_id"]: r[column] for r in frame.collect()}


@pytest.mark.parametrize(
    ("weighting", "with_age", "expected"),
    [
        pytest.param("charlson1987", False, [9, 6, 1, 18, 0], id="charlson1987"),
        pytest.param("charlson1987", True, [12, 7, 5, 20, 0], id="charlson1987-age"),
        pytest.param("quan2011", False, [7, 6, 2, 15, 0], id="quan2011-aids-4"),
    ],
)
def test_charlson_oracle_patients(
    duck: Engine, weighting: str, with_age: bool, expected: list[int]
) -> None:
    diagnoses, units, ages = oracle_frames(duck)
    frame = charlson(duck, diagnoses, units, weighting, ages=ages if with_age else None)
    assert scores_by_member(frame, "charlson") == dict(
        zip(["p1", "p2", "p3", "p4", "p5"], expected, strict=True)
    )


def test_van_walraven_oracle_patients(duck: Engine) -> None:
    diagnoses, units, _ = oracle_frames(duck)
    frame = elixhauser(duck, diagnoses, units)
    assert scores_by_member(frame, "elixhauser_vw") == {
        "p1": 7,
        "p2": 12,
        "p3": 11,
        "p4": 39,
        "p5": 0,
    }


@pytest.mark.parametrize(
    ("codes", "weighting", "expected"),
    [
        pytest.param(["K7030", "K704"], "charlson1987", 3, id="msld-drops-mild-liver"),
        pytest.param(["E119", "E1122"], "charlson1987", 2, id="diab-complicated-drops-diab"),
        pytest.param(["C20", "C787"], "charlson1987", 6, id="metastatic-drops-malignancy"),
        pytest.param(["B20"], "quan2011", 4, id="quan2011-aids-is-4-not-2"),
        pytest.param(["B20"], "charlson1987", 6, id="charlson1987-aids-6"),
    ],
)
def test_charlson_hierarchy_and_weights(
    duck: Engine, codes: list[str], weighting: str, expected: int
) -> None:
    diagnoses = duck.session.createDataFrame(
        [("x", "ICD10CM", c) for c in codes],
        schema="member_id string, code_system string, code string",
    )
    units = duck.session.createDataFrame([("x",)], schema="member_id string")
    assert scores_by_member(charlson(duck, diagnoses, units, weighting), "charlson") == {
        "x": expected
    }


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        pytest.param(["I10", "I110"], 7, id="complicated-htn-drops-uncomplicated"),
        pytest.param(["C20", "C787"], 12, id="metastatic-drops-solid-tumour"),
        pytest.param(["E669", "F1120"], -11, id="negative-weights"),
    ],
)
def test_elixhauser_hierarchy(duck: Engine, codes: list[str], expected: int) -> None:
    diagnoses = duck.session.createDataFrame(
        [("x", "ICD10CM", c) for c in codes],
        schema="member_id string, code_system string, code string",
    )
    units = duck.session.createDataFrame([("x",)], schema="member_id string")
    assert scores_by_member(elixhauser(duck, diagnoses, units), "elixhauser_vw") == {"x": expected}


def test_charlson_by_member_key_keeps_member_id_and_folds_into_an_array(
    duck: Engine, tmp_path: Path
) -> None:
    """The pipeline folds the staging tables by ``member_key``: the scores carry
    ``member_id`` too, equal the scores keyed by ``member_id``, and DuckDB folds with its
    perfect hash aggregate (an array indexed by the key) rather than a hash table."""
    paths = write_staging(read_input_folder(FIXTURES / "claims"), tmp_path)
    diagnoses = staging_read(duck, "diagnoses", paths["diagnoses"])
    members = staging_read(duck, "members", paths["members"], ("member_id", "member_key"))
    by_id = scores_by_member(
        charlson(duck, diagnoses, members.select("member_id"), "charlson1987"), "charlson"
    )
    frame = charlson(duck, diagnoses, members, "charlson1987", "member_key")
    assert frame.columns == ["member_id", "member_key", "charlson"]
    keys = {r["member_id"]: r["member_key"] for r in members.collect()}
    assert {r["member_id"]: (r["member_key"], r["charlson"]) for r in frame.collect()} == {
        member: (keys[member], score) for member, score in by_id.items()
    }
    assert by_id == {"M001": 5, "M002": 2, "M003": 0, "M004": 6, "M005": 3, "M006": 1}
    setting = "SELECT current_setting('perfect_ht_threshold')"
    assert duck.connection.execute(setting).fetchone() == (24,)
    fold = comorbidity_flags(duck, diagnoses, "charlson_map", "member_key")
    explain = duck.connection.execute("EXPLAIN " + duck.sql_text(fold)).fetchall()
    plan = " ".join(row[1] for row in explain)
    assert "Perfect Hash Group By" in plan


def test_comorbidities_matched_on_the_code_dictionary_equal_the_distinct_codes(
    duck: Engine, tmp_path: Path
) -> None:
    """With the staging code dictionary the match runs on the dictionary and each
    diagnosis joins its flags on ``code_key`` (an integer, not the code strings); the
    Charlson and Elixhauser scores are the same as when matching the diagnoses' codes."""
    staged = read_input_folder(FIXTURES / "claims")
    # a code that no category maps, so the dictionary holds more codes than match
    staged.tables["diagnoses"].append(staged.tables["diagnoses"][0] | {"code": "Z0000"})
    paths = write_staging(staged, tmp_path)
    diagnoses = staging_read(duck, "diagnoses", paths["diagnoses"])
    codes = staging_read(duck, "diagnosis_codes", paths["diagnosis_codes"])
    members = staging_read(duck, "members", paths["members"], ("member_id", "member_key"))
    for weighting in ("charlson1987", "quan2011"):
        plain = charlson(duck, diagnoses, members, weighting, "member_key")
        keyed = charlson(duck, diagnoses, members, weighting, "member_key", codes=codes)
        assert keyed.columns == ["member_id", "member_key", "charlson"]
        assert scores_by_member(keyed, "charlson") == scores_by_member(plain, "charlson")
    assert scores_by_member(
        charlson(duck, diagnoses, members, "charlson1987", "member_key", codes=codes), "charlson"
    ) == {"M001": 5, "M002": 2, "M003": 0, "M004": 6, "M005": 3, "M006": 1}
    plain = elixhauser(duck, diagnoses, members, unit="member_key")
    keyed = elixhauser(duck, diagnoses, members, unit="member_key", codes=codes)
    assert scores_by_member(keyed, "elixhauser_vw") == scores_by_member(plain, "elixhauser_vw")
    assert len(set(scores_by_member(keyed, "elixhauser_vw").values())) > 1
    fold = comorbidity_flags(duck, diagnoses, "charlson_map", "member_key", codes)
    sql = duck.sql_text(fold)
    assert '"code_key" = ' in sql
    assert "TRY_CAST" not in sql
    matched = duck.stages[-1]
    assert matched[0] == "charlson_codes"
    flat = "".join(matched[1].split())
    assert f"READ_PARQUET('{paths['diagnosis_codes']}')" in flat
    assert str(paths["diagnoses"]) not in flat


def reference_score(flags: int, bits: dict[str, int], table: dict[str, Any], scheme: str) -> int:
    """The weighted index read straight off the table: the weights of the flagged
    categories, without those dropped because a dominant category is flagged."""
    flagged = {category for category, bit in bits.items() if flags >> bit & 1}
    dropped = {r["drop"] for r in table["hierarchy"] if r["when"] in flagged}
    return sum(int(w) for c, w in table["schemes"][scheme].items() if c in flagged - dropped)


def score_flags(duck: Engine, values: list[int], weights: str, maps: str, scheme: str) -> list:
    flags = duck.session.createDataFrame(
        [(n, value) for n, value in enumerate(values)], schema="unit int, flags bigint"
    )
    units = duck.session.createDataFrame([(n,) for n in range(len(values) + 1)], schema="unit int")
    frame = weighted_score(duck, flags, units, maps, weights, scheme, "score", "unit")
    return [r["score"] for r in sorted(frame.collect(), key=lambda r: r["unit"])]


@pytest.mark.parametrize(
    ("weights", "scheme"),
    [
        ("charlson_weights", "charlson1987"),
        ("charlson_weights", "quan2011"),
        ("elixhauser_weights", "van_walraven"),
    ],
)
def test_weighted_score_equals_the_table_for_every_flag_pattern(
    duck: Engine, weights: str, scheme: str
) -> None:
    """Every single category, every hierarchy pair with and without its dominant, and
    400 random combinations score as the table says; a unit without flags scores 0."""
    maps = weights.replace("_weights", "_map")
    bits = category_bits(maps)
    table = table_load(weights)
    values = [1 << bit for bit in bits.values()]
    for rule in table["hierarchy"]:
        drop, when = 1 << bits[rule["drop"]], 1 << bits[rule["when"]]
        values += [drop, drop | when, when]
    generator = random.Random(20261201)
    values += [generator.getrandbits(len(bits)) for _ in range(400)]
    values.append((1 << len(bits)) - 1)
    expected = [reference_score(v, bits, table, scheme) for v in values] + [0]
    assert score_flags(duck, values, weights, maps, scheme) == expected
    assert len(set(expected)) > 10


def test_weighted_score_drops_a_category_once_when_two_dominants_are_flagged(
    duck: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hierarchy may name two dominant categories for one dropped category: its weight
    comes off once whether one or both are flagged."""
    charlson_table = table_load("charlson_weights")
    hierarchy = [{"drop": "mld", "when": "msld"}, {"drop": "mld", "when": "canc"}]
    table = charlson_table | {"hierarchy": hierarchy}

    def patched(name: str) -> dict[str, Any]:
        return table if name == "custom_weights" else table_load(name)

    monkeypatch.setattr(comorbidity, "table_load", patched)
    bits = category_bits("charlson_map")
    mld, msld, canc = (1 << bits[c] for c in ("mld", "msld", "canc"))
    values = [mld, mld | msld, mld | canc, mld | msld | canc, msld | canc]
    scores = score_flags(duck, values, "custom_weights", "charlson_map", "charlson1987")
    weights = charlson_table["schemes"]["charlson1987"]
    assert weights["mld"] == 1 and weights["msld"] == 3 and weights["canc"] == 2
    assert scores == [1, 3, 2, 5, 5, 0]


@pytest.mark.parametrize("count", [1, 2, 5, 8])
def test_balanced_sum_adds_every_term(duck: Engine, count: int) -> None:
    frame = duck.session.createDataFrame(
        [tuple(range(1, count + 1))], schema=", ".join(f"c{i} int" for i in range(1, count + 1))
    )
    total = _sum(duck.functions.col(f"c{i}") for i in range(1, count + 1))
    assert frame.select(total.alias("total")).collect()[0]["total"] == count * (count + 1) // 2
