"""LACE and HOSPITAL of one stay: the worked examples of shared/reference/clinical.md
sections 1.1 and 1.2, missing inputs, and the Charlson component from codes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from casework.transitions.risk import (
    RiskInputs,
    charlson_categories,
    charlson_score,
    hospital,
    lace,
    readmission_risk,
)

ADMITTED = date(2026, 11, 2)


def inputs(los: int, **kw: object) -> RiskInputs:
    return RiskInputs(
        admitted=ADMITTED,
        discharge=ADMITTED + timedelta(days=los),
        discharge_source="discharge",
        acute_source="stay: registered as an emergency",
        **kw,  # type: ignore[arg-type]
    )


def points(score: object) -> dict[str, int]:
    return {c["component"]: c["points"] for c in score.components}  # type: ignore[attr-defined]


# Charlson codes giving CCI 0, 1, 3, 4 and 5 with Charlson 1987 weights.
CCI = {
    0: [],
    1: ["I21.4"],  # myocardial infarction 1
    3: ["I21.4", "J44.1", "I50.9"],  # MI 1 + COPD 1 + CHF 1
    4: ["N18.4", "C34.90"],  # renal 2 + malignancy 2
    5: ["N18.4", "C34.90", "I50.9"],  # renal 2 + malignancy 2 + CHF 1
}


@pytest.mark.parametrize(
    ("los", "acute", "cci", "ed", "parts", "total"),
    [
        (5, True, 5, 2, [4, 3, 5, 2], 14),
        (2, False, 0, 0, [2, 0, 0, 0], 2),
        (0, False, 4, 6, [0, 0, 5, 4], 9),
        (14, True, 4, 4, [7, 3, 5, 4], 19),
        (13, True, 3, 3, [5, 3, 3, 3], 14),
        (1, True, 1, 1, [1, 3, 1, 1], 6),
    ],
)
def test_lace_worked_examples(
    los: int, acute: bool, cci: int, ed: int, parts: list[int], total: int
) -> None:
    codes = CCI[cci] or ["Z00.00"]  # a code in no category: known, scores 0
    assert charlson_score(codes) == cci
    score = lace(inputs(los, acute=acute, comorbidity_codes=codes, ed_visits=ed))
    assert [points(score)[k] for k in "LACE"] == parts
    assert score.total == total
    assert score.missing == []


def test_lace_bands_are_the_population_engines() -> None:
    assert lace(inputs(2, acute=False, comorbidity_codes=["Z00"], ed_visits=0)).band == "low"
    assert lace(inputs(1, acute=True, comorbidity_codes=["I21"], ed_visits=1)).band == "moderate"
    assert lace(inputs(5, acute=True, comorbidity_codes=CCI[5], ed_visits=2)).band == "high"


@pytest.mark.parametrize(
    ("hb", "onc", "na", "proc", "urgent", "admissions", "los", "parts", "total", "band"),
    [
        ("11.5", True, "133", True, True, 3, 6, [1, 2, 1, 1, 1, 2, 2], 10, "high"),
        ("12.0", False, "135", False, False, 1, 5, [0, 0, 0, 0, 0, 0, 2], 2, "low"),
        ("13", False, "140", True, True, 6, 2, [0, 0, 0, 1, 1, 5, 0], 7, "high"),
        ("11.9", False, "134.9", False, True, 5, 4, [1, 0, 1, 0, 1, 2, 0], 5, "intermediate"),
    ],
)
def test_hospital_worked_examples(
    hb: str,
    onc: bool,
    na: str,
    proc: bool,
    urgent: bool,
    admissions: int,
    los: int,
    parts: list[int],
    total: int,
    band: str,
) -> None:
    score = hospital(
        inputs(
            los,
            haemoglobin=Decimal(hb),
            oncology=onc,
            sodium=Decimal(na),
            procedure=proc,
            acute=urgent,
            prior_admissions=admissions,
        )
    )
    assert [points(score)[k] for k in ["H", "O", "S", "P", "IT", "A", "L"]] == parts
    assert (score.total, score.band, score.missing) == (total, band, [])


def test_missing_inputs_are_named_and_score_zero() -> None:
    result = readmission_risk(inputs(5, prior_admissions=0, ed_visits=0))
    assert result["lace"]["total"] == 4
    assert result["lace"]["missing"] == ["acute admission", "comorbidity codes"]
    assert result["hospital"]["total"] == 2
    assert result["hospital"]["missing"] == [
        "haemoglobin at discharge (g/dL)",
        "discharge from an oncology service",
        "sodium at discharge (mmol/L)",
        "procedure during the stay",
        "urgent or emergent admission",
    ]
    missing = [c for c in result["hospital"]["components"] if c["missing"]]
    assert {(c["component"], c["points"], c["source"]) for c in missing} == {
        ("H", 0, "not known"),
        ("O", 0, "not known"),
        ("S", 0, "not known"),
        ("P", 0, "not known"),
        ("IT", 0, "not known"),
    }
    assert result["tables"] == {
        "lace_points": "2026.1",
        "hospital_points": "2026.1",
        "charlson_weights": "2026.1",
    }


def test_charlson_hierarchy_drops_the_milder_category() -> None:
    assert charlson_categories(["K70.3", "K70.40", "E11.9", "E11.21"]) == {"msld", "diabwc"}
    assert charlson_score(["C34.90", "C78.00"]) == 6  # metastatic 6, malignancy dropped


def test_each_component_names_its_source() -> None:
    result = readmission_risk(
        RiskInputs(
            admitted=ADMITTED,
            discharge=ADMITTED + timedelta(days=3),
            discharge_source="anticipated",
            acute=True,
            acute_source="stay: registered as an emergency",
            comorbidity_codes=["I50.9"],
            ed_visits=1,
            prior_admissions=2,
        )
    )
    sources = {c["component"]: c["source"] for c in result["lace"]["components"]}
    assert sources == {
        "L": "stay admission to the plan's anticipated discharge date",
        "A": "stay: registered as an emergency",
        "C": "codes of the plan and the admitting diagnosis (Quan 2005, charlson1987 weights)",
        "E": "the consumer's emergency stays in the 182 days before admission",
    }
    assert result["lace"]["total"] == 3 + 3 + 1 + 1
