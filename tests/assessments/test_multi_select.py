"""Multi-select ("choose all that apply") items end to end, and the summary's labels
(issue 13, items 1 and 2): the form offers checkboxes and keeps every choice, the engine
refuses "None of the above" with another answer, the summary and the case page show
words not codes, and the FHIR QuestionnaireResponse carries one answer per choice."""

import re
from pathlib import Path

from django.test import Client
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from casework.assessments import rules
from casework.assessments.models import AssessmentResponse
from casework.core.models import AuditEvent
from tests import factories
from tests.api_helpers import call, session_client
from tests.assessments.test_rules import hrsn, load
from tests.conftest import World

PESTS, MOLD, NONE = "LA31996-4", "LA28580-1", "LA9-3"


def _form_data(**overrides: object) -> dict[str, object]:
    return {**hrsn(**overrides), "participants": "Consumer", "language": "en"}


def _client(world: World) -> Client:
    client = Client()
    client.force_login(world.cm)
    return client


def test_the_form_offers_a_multi_select_item_as_checkboxes(world: World) -> None:
    case = factories.active_case(world.cm)
    html = _client(world).get(f"/cases/{case.pk}/assessments/new/ahc_hrsn/").content.decode()
    boxes = re.findall(r'<input class="usa-checkbox__input"[^>]*name="housing_problems"', html)
    assert len(boxes) == 8
    assert all('type="checkbox"' in box for box in boxes)
    assert 'type="radio" name="housing_problems"' not in html


def test_every_chosen_option_is_stored_and_shown_in_words(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _client(world)

    posted = client.post(
        f"/cases/{case.pk}/assessments/new/ahc_hrsn/",
        _form_data(housing_problems=[PESTS, MOLD]),
    )

    assert posted.status_code == 302
    recorded = AssessmentResponse.objects.get(case=case)
    assert recorded.answers["housing_problems"] == [PESTS, MOLD]
    assert recorded.result["domains"]["housing"] == rules.POSITIVE
    summary = client.get(f"/cases/{case.pk}/assessments/{recorded.pk}/").content.decode()
    assert "<td>Pests such as bugs, ants, or mice; Mold</td>" in summary
    assert PESTS not in summary
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<span class="cw-badge cw-badge--referred">Housing instability or quality</span>' in (
        case_page
    )
    assert '<span class="cw-badge cw-badge--referred">housing</span>' not in case_page


def test_a_refused_multi_select_keeps_every_box_ticked(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _client(world)
    before = AuditEvent.objects.count()

    page = client.post(
        f"/cases/{case.pk}/assessments/new/ahc_hrsn/",
        _form_data(housing_problems=[PESTS, NONE]),
    )

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "housing_problems": ["'None of the above' cannot be chosen with another answer"]
    }
    html = page.content.decode()
    assert re.search(rf'value="{PESTS}" checked', html)
    assert re.search(rf'value="{NONE}" checked', html)
    assert AssessmentResponse.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_none_of_the_above_stands_alone_in_the_engine() -> None:
    definition = load("ahc_hrsn")
    assert rules.answer_errors(definition, hrsn(housing_problems=[NONE])) == {}
    assert rules.answer_errors(definition, hrsn(housing_problems=[MOLD, NONE])) == {
        "housing_problems": ["'None of the above' cannot be chosen with another answer"]
    }


def test_a_multi_select_scores_the_sum_of_its_chosen_options() -> None:
    question = {
        "id": "q",
        "type": "multi",
        "options": [
            {"code": "a", "text": "A", "score": 1},
            {"code": "b", "text": "B", "score": 2},
            {"code": "c", "text": "C"},
        ],
    }
    assert rules.item_score(question, ["a", "b"]) == 3
    assert rules.item_score(question, ["b", "c"]) == 2
    assert rules.item_score(question, ["c"]) is None
    assert rules.item_score(question, []) is None


def test_the_fhir_response_has_one_answer_per_chosen_option(world: World) -> None:
    case = factories.active_case(world.cm)
    recorded = factories.assessment(
        world.cm, case, "ahc_hrsn", hrsn(housing_problems=[PESTS, MOLD])
    )

    bundle = call(session_client(world.cm), "GET", f"/api/v1/assessments/{recorded.pk}/fhir")

    resource = bundle.json()["entry"][0]["resource"]
    QuestionnaireResponse.model_validate(resource)
    item = next(i for i in resource["item"] if i["linkId"] == "housing_problems")
    assert [a["valueCoding"]["code"] for a in item["answer"]] == [PESTS, MOLD]
    assert [a["valueCoding"]["display"] for a in item["answer"]] == [
        "Pests such as bugs, ants, or mice",
        "Mold",
    ]


def test_the_summary_pairs_each_label_with_its_value_and_names_the_language(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    recorded = factories.assessment(world.cm, case, "phq9")
    AssessmentResponse.objects.filter(pk=recorded.pk).update(language="es")

    html = _client(world).get(f"/cases/{case.pk}/assessments/{recorded.pk}/").content.decode()

    pairs = dict(re.findall(r"<div><dt>([^<]+)</dt><dd[^>]*>(.*?)</dd></div>", html))
    assert pairs["Who took part"] == "Consumer and daughter"
    assert pairs["Language"] == "Spanish"
    assert pairs["Interpreter used"] == "no"
    assert pairs["Score"] == "<strong>0</strong> Minimal depression"


TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "casework"


def test_every_summary_list_keeps_each_label_with_its_value() -> None:
    """A `cw-summary` is a grid of pairs: a bare <dt> lands in a cell apart from its
    <dd> and reads as the label of the value beside it."""
    found = 0
    for path in TEMPLATES.rglob("*.html"):
        for block in re.findall(r'<dl class="cw-summary">(.*?)</dl>', path.read_text(), re.S):
            found += 1
            bare = re.findall(r"(?<!<div>)<dt>", block)
            assert bare == [], f"{path.name}: a <dt> outside its <div>"
    assert found >= 8
