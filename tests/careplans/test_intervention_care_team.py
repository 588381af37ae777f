"""The intervention dead end (issue 13 item 12): the case manager is on the care team
from assignment, and the intervention form adds a member without leaving it."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services as case_services
from casework.coordination.models import CareTeamMember
from casework.core.models import AuditAction
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _members(consumer_id: int) -> list[tuple[int | None, str, str]]:
    return list(
        CareTeamMember.objects.filter(consumer_id=consumer_id, ended_at=None)
        .order_by("pk")
        .values_list("user_id", "role", "kind")
    )


def test_the_assigned_case_manager_is_on_the_care_team_from_intake(world: World) -> None:
    case = factories.referred_case(world.cm)
    assert _members(case.consumer_id) == [(world.cm.pk, "Case manager", "staff")]


def test_intake_audits_one_create_naming_the_membership(world: World) -> None:
    since = last_event_id()
    case = factories.referred_case(world.cm)
    [event] = [e for e in events_since(since) if e.object_type == "case"]
    member = CareTeamMember.objects.get(consumer_id=case.consumer_id)
    assert (event.action, event.detail["care_team_joined"]) == (AuditAction.CREATE, member.pk)


def test_a_reassignment_puts_the_new_case_manager_on_the_care_team(world: World) -> None:
    case = factories.referred_case(world.cm)
    factories.make_compliant(world.cm2)
    case_services.case_reassign(
        actor=factories.actor(world.supervisor),
        case=case,
        version=case.version,
        assign_to=world.cm2,
        reason="Leave",
        override_reason="Covering for a week",
    )
    assert _members(case.consumer_id) == [(world.cm2.pk, "Case manager", "staff")]


def test_the_responsible_party_offers_the_case_manager(world: World) -> None:
    case = factories.active_case(world.cm)
    member = CareTeamMember.objects.get(consumer_id=case.consumer_id)
    page = (
        signed_in(world.cm).get(reverse("plan_intervention_add", args=[case.pk])).content.decode()
    )
    assert f'<option value="{member.pk}">{world.cm.get_full_name()}, Case manager</option>' in page
    assert "Add someone to the care team" in page


def test_adding_a_member_from_the_intervention_form_keeps_what_was_typed(world: World) -> None:
    case = factories.active_case(world.cm)
    client = signed_in(world.cm)
    since = last_event_id()
    response = client.post(
        reverse("plan_intervention_add", args=[case.pk]),
        {
            "description": "Enrol in the food pantry",
            "kind": "referral",
            "due_date": "",
            "add_member": "1",
            "member-kind": "provider",
            "member-name": "Riverside Pantry",
            "member-role": "Food pantry",
        },
    )
    assert response.status_code == 200
    member = CareTeamMember.objects.get(consumer_id=case.consumer_id, name="Riverside Pantry")
    assert (member.kind, member.role) == ("provider", "Food pantry")
    assert [(e.action, e.object_type, e.object_id) for e in events_since(since)] == [
        (AuditAction.CREATE, "care_team_member", str(member.pk))
    ]
    html = response.content.decode()
    assert 'value="Enrol in the food pantry"' in html
    assert f'<option value="{member.pk}" selected>Riverside Pantry, Food pantry</option>' in html
    assert "Riverside Pantry joined the care team" in html


def test_a_bad_member_shows_on_its_fields_and_adds_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    before, since = snapshot(), last_event_id()
    response = signed_in(world.cm).post(
        reverse("plan_intervention_add", args=[case.pk]),
        {
            "description": "Typed",
            "add_member": "1",
            "member-kind": "caregiver",
            "member-role": "Aunt",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_member-name"' in html
    assert 'value="Typed"' in html
    assert snapshot() == before
    assert events_since(since) == []


def test_another_team_cannot_add_a_member_through_the_form(world: World) -> None:
    case = factories.active_case(world.cm)
    before = snapshot()
    response = signed_in(world.other_cm).post(
        reverse("plan_intervention_add", args=[case.pk]),
        {"add_member": "1", "member-kind": "caregiver", "member-name": "X", "member-role": "Y"},
    )
    assert response.status_code == 404
    assert snapshot() == before
