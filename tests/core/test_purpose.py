"""Purpose of use (N2, issue 12 defect 12): a stated purpose must be one the role may
claim; emergency purposes are never stated (a declared break-glass emergency sets them).
A refusal is 403 with one denied event, on the API and on pages, and nothing is read or
written."""

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.models import Case
from casework.core.actor import actor_for
from casework.core.errors import PurposeRefused
from casework.core.models import AuditEvent, AuditOutcome
from casework.core.policy import CLAIMABLE_PURPOSES, EMERGENCY_REFUSAL, purpose_refusal
from casework.core.roles import DEFAULT_PURPOSE, PurposeOfUse, Role
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot, token_client
from tests.conftest import World

# --- the rule, without a database --------------------------------------------------------


@pytest.mark.parametrize("role", list(Role.values))
def test_each_roles_default_purpose_is_one_it_may_state(role: str) -> None:
    assert DEFAULT_PURPOSE[role] in CLAIMABLE_PURPOSES[role]
    assert purpose_refusal(role, DEFAULT_PURPOSE[role]) is None


@pytest.mark.parametrize("purpose", ["ETREAT", "BTG"])
@pytest.mark.parametrize("role", list(Role.values))
def test_emergency_purposes_are_refused_to_every_role(role: str, purpose: str) -> None:
    assert purpose_refusal(role, purpose) == EMERGENCY_REFUSAL


def test_a_purpose_outside_the_role_is_refused() -> None:
    assert purpose_refusal(Role.CASE_MANAGER, "HSYSADMIN") == (
        "your role may not state the purpose of use 'HSYSADMIN'"
    )
    assert purpose_refusal(Role.AUDITOR, "TREAT") == (
        "your role may not state the purpose of use 'TREAT'"
    )


def test_an_unknown_purpose_is_refused_and_cut_short() -> None:
    assert purpose_refusal(Role.CASE_MANAGER, "X" * 500) == (f"unknown purpose of use '{'X' * 20}'")


def test_no_role_may_claim_an_emergency_purpose() -> None:
    assert all(PurposeOfUse.EMERGENCY not in p for p in CLAIMABLE_PURPOSES.values())


# --- the API and the pages -----------------------------------------------------------------


def _refused(since: int, user_pk: int, purpose: str) -> None:
    events = events_since(since)
    assert [(e.outcome, e.actor_id, e.object_type, e.object_id, e.consumer_id) for e in events] == [
        (AuditOutcome.DENIED, user_pk, "purpose_of_use", purpose, None)
    ]
    assert not AuditEvent.objects.filter(purpose_of_use=PurposeOfUse.EMERGENCY).exists()


@pytest.mark.django_db
def test_actor_for_refuses_an_emergency_purpose(world: World) -> None:
    with pytest.raises(PurposeRefused):
        actor_for(world.cm, purpose="ETREAT")


@pytest.mark.django_db
@pytest.mark.parametrize("purpose", ["ETREAT", "BTG", "HSYSADMIN", "NOPE"])
def test_api_refuses_a_purpose_the_role_may_not_state(world: World, purpose: str) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}", HTTP_X_PURPOSE_OF_USE=purpose)

    assert response.status_code == 403
    assert response.json() == {"detail": purpose_refusal(Role.CASE_MANAGER, purpose)}
    _refused(since, world.cm.pk, purpose)


@pytest.mark.django_db
def test_api_write_with_emergency_purpose_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    before, since = snapshot(), last_event_id()

    response = client.post(
        f"/api/v1/cases/{case.pk}/withdraw",
        data={"version": case.version, "reason": "moved"},
        content_type="application/json",
        HTTP_X_PURPOSE_OF_USE="ETREAT",
    )

    assert response.status_code == 403
    assert snapshot() == before
    assert Case.objects.get(pk=case.pk).state == case.state
    _refused(since, world.cm.pk, "ETREAT")


@pytest.mark.django_db
def test_api_records_a_purpose_the_role_may_state(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}", HTTP_X_PURPOSE_OF_USE="TREAT")

    assert response.status_code == 200
    assert [(e.outcome, e.purpose_of_use) for e in events_since(since)] == [
        (AuditOutcome.SUCCESS, "TREAT")
    ]


@pytest.mark.django_db
def test_a_page_asked_with_an_emergency_purpose_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()

    response = client.get(
        reverse("case_detail", kwargs={"case_id": case.pk}), HTTP_X_PURPOSE_OF_USE="ETREAT"
    )

    assert response.status_code == 403
    assert "break-glass" in response.content.decode()
    _refused(since, world.cm.pk, "ETREAT")


@pytest.mark.django_db
def test_a_page_write_with_an_emergency_purpose_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    before, since = snapshot(), last_event_id()

    response = client.post(
        reverse("case_withdraw", kwargs={"case_id": case.pk}),
        {"version": case.version, "reason": "moved"},
        HTTP_X_PURPOSE_OF_USE="BTG",
    )

    assert response.status_code == 403
    assert snapshot() == before
    _refused(since, world.cm.pk, "BTG")
