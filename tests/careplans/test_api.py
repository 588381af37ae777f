"""The plan of care through the API, and its FHIR output."""

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan as FhirCarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.goal import Goal

from casework.careplans.models import CarePlanVersion
from tests import factories
from tests.api_helpers import call, first_error, refused, session_client
from tests.conftest import World
from tests.test_api_authz_matrix import plan_body


def setup_plan(world: World) -> tuple[Any, Any, Any]:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    client = session_client(world.cm)
    created = call(
        client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", plan_body(member.pk, None)
    )
    assert created.status_code == 201, created.content
    return case, member, client


def test_revision_returns_the_new_version(world: World) -> None:
    case, member, client = setup_plan(world)
    response = call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/versions",
        plan_body(member.pk, 2, status="achieved"),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["version"], data["reason"]) == (2, 3, "Goal met")
    goal = data["problems"][0]["goals"][0]
    assert (goal["status"], goal["interventions"][0]["responsible"]["name"]) == (
        "achieved",
        "Ana Lopez",
    )


def test_earlier_version_stays_readable_as_written(world: World) -> None:
    case, member, client = setup_plan(world)
    call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/versions",
        plan_body(member.pk, 2, status="achieved"),
    )
    v1 = call(client, "GET", f"/api/v1/cases/{case.pk}/care-plan/versions/1").json()
    assert (v1["number"], v1["current_number"]) == (1, 2)
    assert v1["problems"][0]["goals"][0]["status"] == "active"


def test_stale_revision_is_409_and_writes_nothing(world: World) -> None:
    case, member, client = setup_plan(world)
    response = refused(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/versions",
        plan_body(member.pk, 1, status="achieved"),
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert CarePlanVersion.objects.count() == 1


def test_intervention_without_responsible_party_is_422_and_writes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    body = plan_body(0, None)
    body["interventions"][0]["responsible"] = None
    response = refused(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body
    )
    assert response.status_code == 422
    assert first_error(response) == (
        ["body", "interventions[0]", "responsible"],
        "an intervention needs one responsible party",
    )


def test_goal_without_problem_is_422(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    body = plan_body(member.pk, None)
    body["goals"][0]["problem_key"] = "p9"
    response = refused(
        session_client(world.cm), "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body
    )
    assert first_error(response) == (
        ["body", "goals[0]", "problem_key"],
        "a goal must address a problem in the plan",
    )


def test_case_without_a_plan_is_404(world: World) -> None:
    case = factories.active_case(world.cm)
    response = call(session_client(world.cm), "GET", f"/api/v1/cases/{case.pk}/care-plan")
    assert response.status_code == 404


def test_plan_is_a_valid_fhir_careplan_with_goals(world: World) -> None:
    case, _, client = setup_plan(world)
    call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/agreements",
        {
            "plan_version": 1,
            "agreed_by": "Consumer",
            "role": "consumer",
            "method": "in_person",
            "participants": "Consumer and daughter",
            "agreed_at": "2020-01-01T10:00:00+00:00",
        },
    )
    bundle = call(client, "GET", f"/api/v1/cases/{case.pk}/care-plan/fhir").json()
    Bundle.model_validate(bundle)
    entries = [e["resource"] for e in bundle["entry"]]
    care_plan = entries[0]
    goals = [r for r in entries if r["resourceType"] == "Goal"]
    conditions = [r for r in entries if r["resourceType"] == "Condition"]
    resource = FhirCarePlan.model_validate(care_plan)
    problems = [Condition.model_validate(c) for c in conditions]
    assert [(p.code.text, p.category[0].coding[0].code) for p in problems] == [
        ("Food insecurity", "problem-list-item")
    ]
    assert care_plan["addresses"] == [{"reference": f"Condition/{conditions[0]['id']}"}]
    assert goals[0]["addresses"] == [{"reference": f"Condition/{conditions[0]['id']}"}]
    assert [Goal.model_validate(g).lifecycleStatus for g in goals] == ["active"]
    assert resource.activity[0].detail.performer[0].display == "Ana Lopez"
    assert care_plan["goal"] == [{"reference": f"Goal/{goals[0]['id']}"}]
    assert care_plan["note"][0]["text"].startswith("Agreed by Consumer (consumer, in_person)")


def test_achieved_goal_maps_to_completed_and_achieved(world: World) -> None:
    case, member, client = setup_plan(world)
    call(
        client,
        "POST",
        f"/api/v1/cases/{case.pk}/care-plan/versions",
        plan_body(member.pk, 2, status="achieved"),
    )
    bundle = call(client, "GET", f"/api/v1/cases/{case.pk}/care-plan/fhir").json()
    goal = Goal.model_validate(bundle["entry"][1]["resource"])
    assert (goal.lifecycleStatus, goal.achievementStatus.coding[0].code) == (
        "completed",
        "achieved",
    )
