"""The AUDIT-C as recorded: scored with the cut-off for the consumer's recorded sex (4
or more for men, 3 or more for women, the lower one when sex is unknown), the result
saying which was used, the "Alcohol use" need suggested only from it; and asked in
Spanish for a consumer who prefers it."""

import pytest
from django.test import Client

from casework.assessments.models import Need
from casework.consumers.models import Sex
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

THREE = {"auditc_1": "LA18926-8", "auditc_2": "LA15695-2", "auditc_3": "LA18933-4"}


@pytest.mark.parametrize(
    ("sex", "band", "cutoff", "needs"),
    [
        (Sex.FEMALE, "positive", {"sex": "female", "total_min": 3}, ["Alcohol use"]),
        (Sex.MALE, "negative", {"sex": "male", "total_min": 4}, []),
        (Sex.UNKNOWN, "positive", {"sex": "default", "total_min": 3}, ["Alcohol use"]),
    ],
)
def test_a_score_of_three_is_judged_by_the_consumers_sex(
    world: World, sex: str, band: str, cutoff: dict[str, object], needs: list[str]
) -> None:
    case = factories.active_case(world.cm, sex=sex)

    response = factories.assessment(world.cm, case, "auditc", THREE)

    assert (response.total_score, response.band, response.result["cutoff"]) == (3, band, cutoff)
    assert [n.description for n in Need.objects.filter(source_response=response)] == needs


def test_the_assessment_form_asks_it_in_spanish(world: World) -> None:
    case = factories.active_case(world.cm, preferred_language="es")
    client = Client()
    client.force_login(world.cm)

    html = client.get(f"/cases/{case.pk}/assessments/new/auditc/").content.decode()

    assert "¿Con qué frecuencia consume alguna bebida alcohólica?" in html
    assert "A diario o casi a diario" in html
    assert "How often do you have a drink containing alcohol?" not in html
