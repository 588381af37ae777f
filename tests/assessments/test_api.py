"""Assessments, needs and FHIR output through the API."""

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tests import factories
from tests.api_helpers import call, first_error, refused, session_client
from tests.assessments.test_services import COMPREHENSIVE, HRSN_FOOD
from tests.conftest import World

PHQ9_ITEM9 = {**factories.PHQ9_ZERO, "phq9_1": "LA6571-9", "phq9_9": "LA6570-1"}


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "instrument": "phq9",
        "answers": PHQ9_ITEM9,
        "participants": "Consumer",
        **overrides,
    }


def test_create_scores_and_returns_the_result(world: World) -> None:
    case = factories.active_case(world.cm)
    response = call(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/assessments", body()
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["total_score"], data["band"], data["urgent"]) == (5, "mild", True)
    assert data["instrument"]["version"] == "1.0"
    assert data["result"]["domains"] == {"depression": "negative"}


REFUSALS = {
    "unknown instrument": (
        "active",
        body(instrument="prapare"),
        422,
        (["body", "instrument"], "no current instrument with this code"),
    ),
    "answer not an option": (
        "active",
        body(answers={**PHQ9_ITEM9, "phq9_2": "LA33-6"}),
        422,
        (["body", "answers", "phq9_2"], "not one of the answer options"),
    ),
    "required answer missing": (
        "active",
        body(answers={k: v for k, v in PHQ9_ITEM9.items() if k != "phq9_5"}),
        422,
        (["body", "answers", "phq9_5"], "an answer is required"),
    ),
    "unknown field": (
        "active",
        body(score=27),
        422,
        (["body", "score"], "Extra inputs are not permitted"),
    ),
    "no consent": ("referred", body(), 409, "no active consent to case management"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_bad_assessments_are_refused_and_write_nothing(world: World, name: str) -> None:
    state, payload, status, expected = REFUSALS[name]
    case = (
        factories.active_case(world.cm) if state == "active" else factories.referred_case(world.cm)
    )
    response = refused(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/assessments", payload
    )
    assert response.status_code == status, response.content
    if status == 422:
        assert first_error(response) == expected
    else:
        assert response.json() == {"detail": expected}


def test_stale_need_decision_is_409_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    need = factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD).needs.get()
    response = refused(
        session_client(world.cm),
        "POST",
        f"/api/v1/needs/{need.pk}/decide",
        {"version": 9, "status": "confirmed", "acuity": 1},
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 1


def test_need_list_shows_the_suggestion(world: World) -> None:
    case = factories.active_case(world.cm)
    factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    data = call(session_client(world.cm), "GET", f"/api/v1/cases/{case.pk}/needs").json()
    assert [(n["kind"], n["domain"], n["status"]) for n in data["items"]] == [
        ("problem", "food", "suggested")
    ]


# --- FHIR: every produced resource validates against the R4B models ---------------------


@pytest.mark.parametrize(
    "code", ["ahc_hrsn", "auditc", "cm_comprehensive", "gad7", "hvs", "phq2", "phq9"]
)
def test_every_instrument_is_a_valid_questionnaire(world: World, code: str) -> None:
    instrument = factories.instrument(code)
    response = call(session_client(world.cm), "GET", f"/api/v1/instruments/{instrument.pk}/fhir")
    assert response.status_code == 200
    resource = Questionnaire.model_validate(response.json())
    assert len(resource.item) == len(instrument.definition["questions"])


ANSWERS = {
    "ahc_hrsn": HRSN_FOOD,
    "auditc": {"auditc_1": "LA18927-6", "auditc_2": "LA15695-2", "auditc_3": "LA6270-8"},
    "cm_comprehensive": COMPREHENSIVE,
    "gad7": {f"gad7_{n}": "LA6569-3" for n in range(1, 8)},
    "hvs": {"hvs_worried": "LA28397-0", "hvs_didnt_last": "LA28398-8"},
    "phq2": {"phq2_1": "LA6569-3", "phq2_2": "LA6569-3"},
    "phq9": PHQ9_ITEM9,
}


@pytest.mark.parametrize("code", sorted(ANSWERS))
def test_every_response_is_a_valid_bundle_of_r4_resources(world: World, code: str) -> None:
    case = factories.active_case(world.cm)
    recorded = factories.assessment(world.cm, case, code, ANSWERS[code])
    response = call(session_client(world.cm), "GET", f"/api/v1/assessments/{recorded.pk}/fhir")
    assert response.status_code == 200
    bundle = response.json()
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    QuestionnaireResponse.model_validate(resources[0])
    for observation in resources[1:]:
        Observation.model_validate(observation)


def test_hrsn_food_answer_is_flagged_positive_and_total_scores_have_loinc(world: World) -> None:
    case = factories.active_case(world.cm)
    hrsn = factories.assessment(world.cm, case, "ahc_hrsn", HRSN_FOOD)
    phq = factories.assessment(world.cm, case, "phq9", PHQ9_ITEM9)
    client = session_client(world.cm)
    observations = [
        e["resource"]
        for e in call(client, "GET", f"/api/v1/assessments/{hrsn.pk}/fhir").json()["entry"][1:]
    ]
    positive = [o["code"]["coding"][0]["code"] for o in observations if "interpretation" in o]
    assert positive == ["88122-7"]
    total = call(client, "GET", f"/api/v1/assessments/{phq.pk}/fhir").json()["entry"][-1]
    assert (total["resource"]["code"]["coding"][0]["code"], total["resource"]["valueInteger"]) == (
        "44261-6",
        5,
    )
