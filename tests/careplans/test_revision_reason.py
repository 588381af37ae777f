"""A reason for a plan change only when the change alters agreed content (issue 13, item
11): on the page and through the API, both ways."""

from typing import Any

import pytest
from django.test import Client

from casework.careplans.models import CarePlan, CarePlanVersion
from casework.core.models import AuditEvent
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, refused, session_client
from tests.careplans.test_views import build_plan, signed_in
from tests.conftest import World
from tests.test_api_authz_matrix import plan_body

pytestmark = pytest.mark.django_db

REFUSAL = "say why the plan changes: the change alters what was agreed"


def _plan(world: World) -> tuple[Any, CarePlan, Client]:
    client = signed_in(world)
    case, _ = build_plan(world, client)
    return case, CarePlan.objects.get(case=case), client


def _versions(plan: CarePlan) -> list[tuple[int, str]]:
    return list(
        CarePlanVersion.objects.filter(plan=plan).order_by("number").values_list("number", "reason")
    )


# --- page ---------------------------------------------------------------------------------


def test_a_status_change_is_saved_without_a_reason(world: World) -> None:
    case, plan, client = _plan(world)
    since = last_event_id()
    response = client.post(
        f"/cases/{case.pk}/plan/goal-status/",
        {"goal": plan.current.goals.get().key, "status": "achieved", "version": plan.version},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert _versions(plan)[-1] == (5, "")
    assert [(e.action, e.object_type) for e in events_since(since)] == [
        ("create", "care_plan_version")
    ]


def test_a_barrier_is_saved_without_a_reason(world: World) -> None:
    case, plan, client = _plan(world)
    response = client.post(
        f"/cases/{case.pk}/plan/barriers/new/",
        {
            "goal": plan.current.goals.get().key,
            "description": "No bus pass",
            "reason": "",
            "version": plan.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert _versions(plan)[-1] == (5, "")


def test_a_new_goal_without_a_reason_is_refused_on_the_reason_field(world: World) -> None:
    case, plan, client = _plan(world)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/plan/goals/new/",
        {
            "problem": plan.current.problems.get().key,
            "description": "Cook at home twice a week",
            "observable_outcome": "Cooks twice a week",
            "target_date": "2027-01-01",
            "reason": " ",
            "version": plan.version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert len(_versions(plan)) == 4
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("path", "required"),
    [
        ("problems/new/", True),
        ("goals/new/", True),
        ("interventions/new/", True),
        ("barriers/new/", False),
        ("goal-status/", False),
    ],
)
def test_the_reason_is_marked_required_only_when_the_change_alters_what_was_agreed(
    world: World, path: str, required: bool
) -> None:
    case, _plan_row, client = _plan(world)
    response = client.get(f"/cases/{case.pk}/plan/{path}")
    assert response.status_code == 200
    field = response.context["form"]["reason"]
    html = response.content.decode()
    label = html[html.index(f'for="{field.id_for_label}"') :].split("</label>", 1)[0]
    assert (field.field.required, "usa-hint--required" in label) == (required, required)
    assert ('required id="id_reason"' in html or 'id="id_reason" required' in html) == required


# --- API ----------------------------------------------------------------------------------


def _api_plan(world: World) -> tuple[Any, Any, Client]:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    client = session_client(world.cm)
    created = call(
        client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", plan_body(member.pk, None)
    )
    assert created.status_code == 201, created.content
    return case, member, client


def test_api_status_change_without_a_reason_is_a_new_version(world: World) -> None:
    case, member, client = _api_plan(world)
    body = {**plan_body(member.pk, 2, status="achieved"), "reason": ""}
    response = call(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body)
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["reason"]) == (2, "")


def test_api_reason_may_be_left_out_when_only_a_barrier_changes(world: World) -> None:
    case, member, client = _api_plan(world)
    body = plan_body(member.pk, 2)
    del body["reason"]
    body["barriers"] = [{"goal_key": "g1", "description": "No car and no bus pass"}]
    response = call(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body)
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == ""


def test_api_changed_target_without_a_reason_is_422_on_reason(world: World) -> None:
    case, member, client = _api_plan(world)
    body = {**plan_body(member.pk, 2), "reason": ""}
    body["goals"] = [{**body["goals"][0], "target_value": "1 day without a meal"}]
    response = refused(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body)
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [
        (["body", "reason"], REFUSAL)
    ]


def test_api_new_responsible_party_without_a_reason_is_422_on_reason(world: World) -> None:
    case, member, client = _api_plan(world)
    other = factories.care_team_member(world.cm, case)
    body = {**plan_body(member.pk, 2), "reason": "  "}
    body["interventions"] = [{**body["interventions"][0], "responsible": other.pk}]
    response = refused(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body)
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [
        (["body", "reason"], REFUSAL)
    ]


def test_api_first_plan_without_a_reason_is_422_on_reason(world: World) -> None:
    case = factories.active_case(world.cm)
    member = factories.care_team_member(world.cm, case)
    client = session_client(world.cm)
    body = {**plan_body(member.pk, None), "reason": ""}
    response = refused(client, "POST", f"/api/v1/cases/{case.pk}/care-plan/versions", body)
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [
        (["body", "reason"], REFUSAL)
    ]
    assert not CarePlan.objects.filter(case=case).exists()
