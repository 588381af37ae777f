"""Staff governance API: bad input, concurrency, the gates through the API (A2-A8)."""

import pytest

from casework.cases.models import Case
from casework.core.models import AuditEvent
from casework.staff.models import AssignmentOverride, CorrectiveAction, Credential
from tests import factories
from tests.api_helpers import call, snapshot, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_case_manager_reads_their_own_record(world: World) -> None:
    response = token_client(world.cm).get("/api/v1/staff/me")
    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["case_manager_met"], body["readiness"]["oriented"]) == (
        world.cm.pk,
        True,
        True,
    )
    assert [q["code"] for q in body["case_manager"]] == ["3.1(a)", "3.1(b)"]


def test_bad_credential_input_is_422_and_writes_nothing(world: World) -> None:
    client = token_client(world.compliance)
    before, events = snapshot(), AuditEvent.objects.count()
    response = call(
        client,
        "POST",
        f"/api/v1/staff/{world.cm.pk}/credentials",
        {"kind": "license", "credential_type": "RN", "restricted": True},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "restrictions"], "msg": "describe the restrictions", "type": "value_error"}
    ]
    assert (snapshot(), AuditEvent.objects.count()) == (before, events)


def test_unknown_fields_are_refused(world: World) -> None:
    response = call(
        token_client(world.compliance),
        "POST",
        f"/api/v1/staff/{world.cm.pk}/credentials",
        {"kind": "license", "credential_type": "RN", "user": world.admin.pk},
    )
    assert response.status_code == 422


def test_suspending_a_license_opens_a_corrective_action_and_blocks_assignment(
    world: World,
) -> None:
    credential = Credential.objects.get(user=world.cm2)
    client = token_client(world.compliance)
    response = call(
        client,
        "PATCH",
        f"/api/v1/credentials/{credential.pk}",
        {"version": 1, "status": "suspended"},
    )
    assert response.status_code == 200
    assert CorrectiveAction.objects.filter(user=world.cm2, status="open").count() == 1

    case = factories.referred_case(world.cm)
    refused = call(
        token_client(world.supervisor),
        "POST",
        f"/api/v1/cases/{case.pk}/reassign",
        {"version": case.version, "assign_to": world.cm2.pk, "reason": "Leave"},
    )
    assert refused.status_code == 409
    assert "no current verified credential" in refused.json()["detail"]

    overridden = call(
        token_client(world.supervisor),
        "POST",
        f"/api/v1/cases/{case.pk}/reassign",
        {
            "version": case.version,
            "assign_to": world.cm2.pk,
            "reason": "Leave",
            "override_reason": "Board confirms renewal in progress",
        },
    )
    assert overridden.status_code == 200
    assert AssignmentOverride.objects.get().assignee_id == world.cm2.pk


def test_a_stale_credential_version_is_409(world: World) -> None:
    credential = Credential.objects.get(user=world.cm)
    client = token_client(world.admin)
    path = f"/api/v1/credentials/{credential.pk}"
    assert call(client, "PATCH", path, {"version": 1, "number": "A"}).status_code == 200
    response = call(client, "PATCH", path, {"version": 1, "number": "B"})
    assert (response.status_code, response.json()["current_version"]) == (409, 2)


def test_intake_takes_severity_and_weights_the_caseload(world: World) -> None:
    response = call(
        token_client(world.cm),
        "POST",
        "/api/v1/referrals",
        {
            "consumer": factories.consumer_fields(birth_date="1950-01-01"),
            "source": "self",
            "reason": "Help",
            "received_at": "2026-01-01T10:00:00+00:00",
            "complexity": "high",
            "severity": "high",
        },
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get().severity == "high"
    me = token_client(world.cm).get("/api/v1/staff/me").json()
    assert me["readiness"]["weighted_load"] == "4.5"


def test_suggestions_list_eligible_team_members(world: World) -> None:
    case = factories.referred_case(world.cm)
    Credential.objects.filter(user=world.cm3).update(status="revoked")
    response = token_client(world.supervisor).get(f"/api/v1/cases/{case.pk}/assignment-suggestions")
    assert response.status_code == 200
    assert [s["user"]["id"] for s in response.json()] == [world.cm.pk, world.cm2.pk]


def test_profile_updates_need_the_current_version(world: World) -> None:
    client = token_client(world.admin)
    path = f"/api/v1/staff/{world.senior.pk}/profile"
    body = {"hired_date": "2020-01-01", "physician": True, "oversight_qualified": True}
    assert call(client, "PUT", path, body).status_code == 200
    assert call(client, "PUT", path, {**body, "version": 1}).status_code == 200
    stale = call(client, "PUT", path, {**body, "version": 1})
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    record = client.get(f"/api/v1/staff/{world.senior.pk}").json()
    assert [q["met"] for q in record["clinical"]] == [True, True, False, False]
    assert record["clinical_met"] is False  # an M.D. without board certification
