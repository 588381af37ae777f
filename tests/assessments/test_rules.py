"""Scoring of every shipped instrument against hand-computed cases (no database)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casework.assessments import rules

DIR = Path(__file__).parents[2] / "src/casework/assessments/instruments"
NOT_AT_ALL, SEVERAL, MORE_THAN_HALF, NEARLY = "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"
BY_SCORE = [NOT_AT_ALL, SEVERAL, MORE_THAN_HALF, NEARLY]
OFTEN, SOMETIMES, NEVER = "LA28397-0", "LA6729-3", "LA28398-8"
YES, NO = "LA33-6", "LA32-8"
HITS = {1: "LA6270-8", 2: "LA10066-1", 3: "LA10082-8", 4: "LA16644-9", 5: "LA6482-9"}


def load(code: str) -> dict:
    return json.loads((DIR / f"{code}.json").read_text())


def items(prefix: str, scores: list[int]) -> dict[str, str]:
    return {f"{prefix}_{n + 1}": BY_SCORE[s] for n, s in enumerate(scores)}


@pytest.mark.parametrize("path", sorted(DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_file_is_a_valid_definition_with_a_source(path: Path) -> None:
    definition = json.loads(path.read_text())
    assert rules.definition_errors(definition) == []
    assert len(definition["source"]) > 40


# --- PHQ-9 --------------------------------------------------------------------------------

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]


def phq9_scores(total: int) -> list[int]:
    """Nine item scores summing to `total`, item 9 kept at 0 where possible."""
    scores = [0] * 9
    left = total
    for i in range(8):
        scores[i] = min(3, left)
        left -= scores[i]
    scores[8] = left
    return scores


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_total_and_band_at_each_boundary(total: int, band: str) -> None:
    result = rules.score(load("phq9"), items("phq9", phq9_scores(total)))
    assert (result.total, result.band.code if result.band else None) == (total, band)


def test_phq9_depression_domain_is_positive_from_10() -> None:
    defn = load("phq9")
    assert rules.score(defn, items("phq9", phq9_scores(9))).domains == {"depression": "negative"}
    assert rules.score(defn, items("phq9", phq9_scores(10))).domains == {"depression": "positive"}


def test_phq9_item_9_above_zero_raises_the_urgent_flag() -> None:
    answers = items("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    result = rules.score(load("phq9"), answers)
    assert (result.total, result.band.code if result.band else None) == (1, "minimal")
    assert len(result.urgent) == 1
    assert "item 9" in result.urgent[0]


def test_phq9_item_9_at_zero_raises_no_flag() -> None:
    assert rules.score(load("phq9"), items("phq9", [3] * 8 + [0])).urgent == ()


def test_phq9_missing_item_leaves_total_and_band_empty() -> None:
    answers = items("phq9", [1] * 9)
    del answers["phq9_4"]
    result = rules.score(load("phq9"), answers)
    assert (result.total, result.band, result.complete) == (None, None, False)
    assert result.domains == {"depression": "incomplete"}


def test_phq9_missing_item_is_a_field_error() -> None:
    answers = items("phq9", [1] * 9)
    del answers["phq9_4"]
    assert rules.answer_errors(load("phq9"), answers) == {"phq9_4": ["an answer is required"]}


def test_phq9_difficulty_item_is_optional_and_unscored() -> None:
    answers = {**items("phq9", [1] * 9), "phq9_difficulty": "LA6574-3"}
    assert rules.answer_errors(load("phq9"), answers) == {}
    assert rules.score(load("phq9"), answers).total == 9


# --- PHQ-2 and GAD-7 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "total", "band", "domain"),
    [
        ([0, 0], 0, "negative", "negative"),
        ([1, 1], 2, "negative", "negative"),
        ([2, 1], 3, "positive", "positive"),
        ([3, 3], 6, "positive", "positive"),
    ],
)
def test_phq2_cut_point_is_3(scores: list[int], total: int, band: str, domain: str) -> None:
    result = rules.score(load("phq2"), items("phq2", scores))
    assert (result.total, result.band.code if result.band else None) == (total, band)
    assert result.domains == {"depression": domain}


def test_phq2_missing_answer_is_incomplete() -> None:
    result = rules.score(load("phq2"), {"phq2_1": NEARLY})
    assert (result.total, result.domains) == (None, {"depression": "incomplete"})


@pytest.mark.parametrize(
    ("scores", "total", "band"),
    [
        ([0] * 7, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),
        ([3, 3, 3, 0, 0, 0, 0], 9, "mild"),
        ([3, 3, 3, 1, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ([3] * 7, 21, "severe"),
    ],
)
def test_gad7_bands_at_each_boundary(scores: list[int], total: int, band: str) -> None:
    result = rules.score(load("gad7"), items("gad7", scores))
    assert (result.total, result.band.code if result.band else None) == (total, band)


def test_gad7_missing_answer_is_incomplete() -> None:
    answers = items("gad7", [3] * 7)
    del answers["gad7_7"]
    assert rules.score(load("gad7"), answers).total is None


# --- Hunger Vital Sign --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("worried", "didnt_last", "status"),
    [
        (NEVER, NEVER, "negative"),
        (SOMETIMES, NEVER, "positive"),
        (NEVER, OFTEN, "positive"),
        (OFTEN, SOMETIMES, "positive"),
        (NEVER, None, "incomplete"),
        (OFTEN, None, "positive"),
    ],
)
def test_hunger_vital_sign(worried: str, didnt_last: str | None, status: str) -> None:
    answers = {"hvs_worried": worried}
    if didnt_last:
        answers["hvs_didnt_last"] = didnt_last
    assert rules.score(load("hvs"), answers).domains == {"food": status}


# --- AHC HRSN: each domain's positive-screen rule (clinical.md §3.1) ---------------------


def hrsn(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "living_situation": "LA31993-1",
        "housing_problems": ["LA9-3"],
        "food_worried": NEVER,
        "food_didnt_last": NEVER,
        "transportation": NO,
        "utilities": NO,
        "safety_hurt": HITS[1],
        "safety_insult": HITS[1],
        "safety_threaten": HITS[1],
        "safety_scream": HITS[1],
    }
    answers.update(overrides)
    return answers


def domains(**overrides: object) -> dict[str, str]:
    return rules.score(load("ahc_hrsn"), hrsn(**overrides)).domains


def test_hrsn_all_negative() -> None:
    assert set(domains().values()) == {"negative"}


@pytest.mark.parametrize(
    ("overrides", "domain"),
    [
        ({"living_situation": "LA31994-9"}, "housing"),
        ({"living_situation": "LA31995-6"}, "housing"),
        ({"housing_problems": ["LA28580-1"]}, "housing"),
        ({"housing_problems": ["LA31996-4", "LA32001-2"]}, "housing"),
        ({"food_worried": OFTEN}, "food"),
        ({"food_didnt_last": SOMETIMES}, "food"),
        ({"transportation": YES}, "transportation"),
        ({"utilities": YES}, "utilities"),
        ({"utilities": "LA32002-0"}, "utilities"),
    ],
)
def test_hrsn_positive_answer_flags_only_its_domain(overrides: dict, domain: str) -> None:
    result = domains(**overrides)
    assert [c for c, s in result.items() if s == "positive"] == [domain]


def test_hrsn_safety_is_positive_at_11_and_negative_at_10() -> None:
    ten = {"safety_hurt": HITS[4], "safety_insult": HITS[4], "safety_threaten": HITS[1]}
    eleven = {**ten, "safety_scream": HITS[2]}
    assert domains(**ten)["safety"] == "negative"  # 4 + 4 + 1 + 1
    assert domains(**eleven)["safety"] == "positive"  # 4 + 4 + 1 + 2


def test_hrsn_safety_with_an_item_missing_is_incomplete_not_negative() -> None:
    answers = hrsn()
    del answers["safety_scream"]
    assert rules.score(load("ahc_hrsn"), answers).domains["safety"] == "incomplete"


def test_hrsn_housing_none_of_the_above_is_negative() -> None:
    assert domains(housing_problems=["LA9-3"])["housing"] == "negative"


def test_hrsn_rejects_an_answer_code_not_among_the_options() -> None:
    errors = rules.answer_errors(load("ahc_hrsn"), hrsn(transportation="LA31993-1"))
    assert errors == {"transportation": ["not one of the answer options"]}


def test_hrsn_multi_select_must_be_a_list() -> None:
    errors = rules.answer_errors(load("ahc_hrsn"), hrsn(housing_problems="LA28580-1"))
    assert errors == {"housing_problems": ["must be a list of answer options"]}


# --- comprehensive assessment: types, ranges, skip logic, domains ------------------------


def comprehensive(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "medical_conditions": "no",
        "medical_admissions": 0,
        "medications_trouble": "no",
        "cognitive_concern": "no",
        "behavioral_concern": "no",
        "social_isolation": "no",
        "sdoh_screened": "negative",
        "adl_help": "no",
        "iadl_help": "no",
        "financial_strain": "not_hard",
        "has_caregiver": "yes",
        "caregiver_capacity": "able",
        "coverage": "insured",
        "benefits_eligible": "no",
        "legal_decision_maker": "no",
        "advance_directive": "yes",
        "preferred_language": "English",
        "interpreter_needed": "no",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def test_comprehensive_covers_every_required_domain() -> None:
    codes = {d["code"] for d in load("cm_comprehensive")["domains"]}
    assert codes == {
        "medical",
        "cognitive",
        "behavioral",
        "social",
        "functional",
        "financial",
        "caregiver",
        "benefits",
        "legal",
        "cultural",
    }


def test_comprehensive_baseline_is_valid_and_negative() -> None:
    defn = load("cm_comprehensive")
    assert rules.answer_errors(defn, comprehensive()) == {}
    assert set(rules.score(defn, comprehensive()).domains.values()) == {"negative"}


@pytest.mark.parametrize(
    ("overrides", "domain"),
    [
        ({"medical_admissions": 2}, "medical"),
        ({"cognitive_concern": "yes"}, "cognitive"),
        ({"adl_help": "yes"}, "functional"),
        ({"financial_strain": "somewhat_hard"}, "financial"),
        ({"caregiver_capacity": "strained"}, "caregiver"),
        ({"has_caregiver": "no", "caregiver_capacity": None}, "caregiver"),
        ({"coverage": "uninsured"}, "benefits"),
        ({"advance_directive": "no"}, "legal"),
        ({"interpreter_needed": "yes", "interpreter_used": "yes"}, "cultural"),
    ],
)
def test_comprehensive_domain_rules(overrides: dict, domain: str) -> None:
    result = rules.score(load("cm_comprehensive"), comprehensive(**overrides))
    assert result.positive_domains == [domain]


def test_one_admission_is_not_a_medical_finding() -> None:
    result = rules.score(load("cm_comprehensive"), comprehensive(medical_admissions=1))
    assert result.domains["medical"] == "negative"


def test_integer_out_of_range_is_a_field_error() -> None:
    errors = rules.answer_errors(load("cm_comprehensive"), comprehensive(medical_admissions=100))
    assert errors == {"medical_admissions": ["must be between 0 and 99"]}


def test_integer_of_wrong_type_is_a_field_error() -> None:
    errors = rules.answer_errors(load("cm_comprehensive"), comprehensive(medical_admissions="2"))
    assert errors == {"medical_admissions": ["must be a whole number"]}


def test_skipped_question_may_not_be_answered() -> None:
    errors = rules.answer_errors(
        load("cm_comprehensive"), comprehensive(has_caregiver="no", caregiver_capacity="able")
    )
    assert errors == {"caregiver_capacity": ["not asked: an earlier answer skips this question"]}


def test_skipped_question_is_not_required() -> None:
    answers = comprehensive(has_caregiver="no", caregiver_capacity=None)
    assert rules.answer_errors(load("cm_comprehensive"), answers) == {}


def test_unknown_question_is_a_field_error() -> None:
    errors = rules.answer_errors(load("phq2"), {**items("phq2", [0, 0]), "phq2_9": NEARLY})
    assert errors == {"phq2_9": ["no such question in this instrument"]}


# --- monitoring rules ---------------------------------------------------------------------


def test_same_day_due_is_four_hours_ahead_in_the_morning() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert rules.same_day_due(now) == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def test_same_day_due_stops_at_the_end_of_the_day() -> None:
    now = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    assert rules.same_day_due(now) == datetime(2026, 3, 2, 23, 59, tzinfo=UTC)


def test_same_day_due_is_never_less_than_an_hour() -> None:
    now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert rules.same_day_due(now) == datetime(2026, 3, 3, 0, 30, tzinfo=UTC)


def test_new_positive_domains_compares_with_the_previous_response() -> None:
    before = {"food": "negative", "housing": "positive", "safety": "incomplete"}
    after = {"food": "positive", "housing": "positive", "safety": "positive"}
    assert rules.new_positive_domains(before, after) == ["food", "safety"]
    assert rules.new_positive_domains(None, after) == []


def _comprehensive() -> dict:  # type: ignore[type-arg]
    return json.loads((DIR / "cm_comprehensive.json").read_text(encoding="utf-8"))


def test_the_comprehensive_assessment_is_fully_in_spanish() -> None:
    definition = _comprehensive()
    spanish = rules.localized(definition, "es")
    assert spanish is not None
    english_texts = {q["text"] for q in definition["questions"]} | {
        o["text"] for q in definition["questions"] for o in q.get("options", [])
    } - {"No"}  # "No" is the same word in both languages
    shown = (
        [spanish["title"]]
        + [q["text"] for q in spanish["questions"]]
        + [o["text"] for q in spanish["questions"] for o in q.get("options", [])]
    )
    assert [text for text in shown if text in english_texts] == []
    assert spanish["title"] == "Evaluación integral de gestión de casos"
    assert [q["id"] for q in spanish["questions"]] == [q["id"] for q in definition["questions"]]
    assert [o["code"] for o in spanish["questions"][0]["options"]] == ["yes", "no", "unknown"]


def test_an_instrument_without_the_language_is_not_localized() -> None:
    assert rules.localized(_comprehensive(), "vi") is None


def test_a_translation_missing_a_question_or_option_is_refused() -> None:
    definition = _comprehensive()
    spanish = definition["translations"]["es"]
    del spanish["questions"]["strengths"]
    del spanish["questions"]["coverage"]["options"]["gap"]
    spanish["questions"]["invented"] = {"text": "?"}
    assert rules.translation_errors(definition) == [
        "es: unknown question invented",
        "es: coverage option gap has no text",
        "es: question strengths has no text",
    ]


# --- AUDIT-C (alcohol; a Part 2 record) ------------------------------------------------

AUDITC_CODES = [
    ["LA6270-8", "LA18926-8", "LA18927-6", "LA18928-4", "LA18929-2"],
    ["LA15694-5", "LA15695-2", "LA18930-0", "LA18931-8", "LA18932-6"],
    ["LA6270-8", "LA18933-4", "LA18876-5", "LA18891-4", "LA18934-2"],
]


def auditc(scores: list[int]) -> dict[str, str]:
    return {f"auditc_{n + 1}": AUDITC_CODES[n][s] for n, s in enumerate(scores)}


NEGATIVE_LABEL = "Negative screen"
POSITIVE_LABEL = "Positive screen: hazardous drinking or an active alcohol use disorder is likely"
NOTES = {
    "female": "cut-off 3 or more, for women",
    "male": "cut-off 4 or more, for men",
    "default": "cut-off 3 or more: sex not recorded as female or male, the lower cut-off",
}


@pytest.mark.parametrize(
    ("scores", "sex", "band", "label", "cutoff"),
    [
        ([1, 1, 0], "female", "negative", NEGATIVE_LABEL, ("female", 3)),
        ([1, 1, 0], "male", "negative", NEGATIVE_LABEL, ("male", 4)),
        ([1, 1, 0], "unknown", "negative", NEGATIVE_LABEL, ("default", 3)),
        ([1, 1, 1], "female", "positive", POSITIVE_LABEL, ("female", 3)),
        ([1, 1, 1], "male", "negative", NEGATIVE_LABEL, ("male", 4)),
        ([1, 1, 1], "unknown", "positive", POSITIVE_LABEL, ("default", 3)),
        ([2, 1, 1], "female", "positive", POSITIVE_LABEL, ("female", 3)),
        ([2, 1, 1], "male", "positive", POSITIVE_LABEL, ("male", 4)),
        ([2, 1, 1], "unknown", "positive", POSITIVE_LABEL, ("default", 3)),
    ],
)
def test_auditc_is_scored_by_sex_and_says_the_cut_off_used(
    scores: list[int], sex: str, band: str, label: str, cutoff: tuple[str, int]
) -> None:
    result = rules.score(load("auditc"), auditc(scores), sex=sex)

    assert result.as_json() == {
        "total": sum(scores),
        "band": band,
        "band_label": f"{label} ({NOTES[cutoff[0]]})",
        "domains": {"alcohol_use": band},
        "urgent": [],
        "complete": True,
        "cutoff": {"sex": cutoff[0], "total_min": cutoff[1]},
    }


def test_auditc_takes_the_lower_cut_off_for_another_sex() -> None:
    result = rules.score(load("auditc"), auditc([1, 1, 1]), sex="other")

    assert (result.band.code if result.band else None, result.cutoff) == (
        "positive",
        rules.Cutoff("default", 3, NOTES["default"]),
    )


@pytest.mark.parametrize(("scores", "band"), [([0, 0, 0], "negative"), ([4, 4, 4], "positive")])
def test_auditc_ends_of_the_range_are_the_same_for_both_sexes(scores: list[int], band: str) -> None:
    bands = {
        sex: rules.score(load("auditc"), auditc(scores), sex=sex).band for sex in ("female", "male")
    }
    assert {sex: b.code if b else None for sex, b in bands.items()} == {
        "female": band,
        "male": band,
    }


def test_auditc_spanish_text_is_complete() -> None:
    definition = load("auditc")
    spanish = rules.localized(definition, "es")

    assert rules.translation_errors(definition) == []
    assert spanish is not None
    assert [q["text"] for q in spanish["questions"]] == [
        "¿Con qué frecuencia consume alguna bebida alcohólica?",
        "¿Cuántas consumiciones de bebidas alcohólicas suele realizar en un día de consumo normal?",
        "¿Con qué frecuencia toma 6 o más bebidas alcohólicas en un solo día?",
    ]
    assert [o["text"] for o in spanish["questions"][2]["options"]] == [
        "Nunca",
        "Menos de una vez al mes",
        "Mensualmente",
        "Semanalmente",
        "A diario o casi a diario",
    ]


def test_a_cut_off_band_without_a_cut_off_is_refused() -> None:
    definition = load("auditc")
    del definition["scoring"]["cutoff"]

    assert rules.definition_errors(definition) == [
        "a band or domain uses the cut-off, and scoring has none"
    ]


def test_auditc_is_marked_part2_and_coded_with_loinc() -> None:
    definition = load("auditc")
    assert rules.is_part2(definition) is True
    assert (definition["loinc"], definition["scoring"]["loinc"]) == ("72109-2", "75626-2")
    assert [q["loinc"] for q in definition["questions"]] == ["68518-0", "68519-8", "68520-6"]
    assert [[o["code"] for o in q["options"]] for q in definition["questions"]] == AUDITC_CODES
    assert [[o["score"] for o in q["options"]] for q in definition["questions"]] == [
        [0, 1, 2, 3, 4]
    ] * 3


def test_auditc_with_an_answer_missing_has_no_total() -> None:
    result = rules.score(load("auditc"), {"auditc_1": "LA6270-8", "auditc_2": "LA15694-5"})
    assert (result.total, result.band, result.cutoff) == (None, None, None)
    assert result.domains == {"alcohol_use": "incomplete"}
