"""The two-person MFA reset (S17): an administrator requests it, a second administrator
or a compliance officer approves it, and only then are the person's authenticators
removed. Every refusal changes nothing; every step is one audit event."""

import json

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, AuditOutcome
from casework.core.roles import Role
from casework.staff import rules, services
from casework.staff.models import MfaReset, MfaResetStatus, User
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _enrolled(user: User) -> None:
    TOTP.activate(user, SECRET)
    RecoveryCodes.activate(user)


def _second_admin(world: World) -> User:
    return factories.user(Role.ADMINISTRATOR, world.program, username="admin2")


def _requested(world: World, person: User | None = None) -> MfaReset:
    return services.mfa_reset_request(
        actor=factories.actor(world.admin), person=person or world.cm, reason="Lost phone"
    )


def _kinds(user: User) -> list[str]:
    return sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))


# --- the rule (no database) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("approver", "role", "expected"),
    [
        (3, Role.ADMINISTRATOR, None),
        (3, Role.COMPLIANCE_OFFICER, None),
        (3, Role.SUPERVISOR, rules.MFA_RESET_ROLE),
        (1, Role.ADMINISTRATOR, rules.MFA_RESET_REQUESTER),
        (2, Role.COMPLIANCE_OFFICER, rules.MFA_RESET_PERSON),
    ],
)
@pytest.mark.django_db(False)
def test_who_may_approve(approver: int, role: str, expected: str | None) -> None:
    assert (
        rules.mfa_reset_approval_refusal(
            approver_id=approver, approver_role=role, requester_id=1, person_id=2
        )
        == expected
    )


# --- services ------------------------------------------------------------------------------


def test_a_request_removes_nothing_until_approved(world: World) -> None:
    _enrolled(world.cm)
    since = last_event_id()

    reset = _requested(world)

    assert (reset.status, reset.requested_by_id, reset.reason) == (
        MfaResetStatus.REQUESTED,
        world.admin.pk,
        "Lost phone",
    )
    assert _kinds(world.cm) == ["recovery_codes", "totp"]
    assert [(e.action, e.object_type, e.object_id, e.detail) for e in events_since(since)] == [
        (AuditAction.CREATE, "staff_mfa_reset", str(reset.pk), {"user": world.cm.pk})
    ]


@pytest.mark.parametrize("approver_role", [Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER])
def test_a_second_person_approves_and_the_authenticators_go(
    world: World, approver_role: str
) -> None:
    _enrolled(world.cm)
    reset = _requested(world)
    approver = _second_admin(world) if approver_role == Role.ADMINISTRATOR else world.compliance
    since = last_event_id()

    approved = services.mfa_reset_approve(actor=factories.actor(approver), person=world.cm)

    assert (approved.pk, approved.status, approved.decided_by_id) == (
        reset.pk,
        MfaResetStatus.APPROVED,
        approver.pk,
    )
    assert approved.authenticators_removed == 2
    assert _kinds(world.cm) == []
    assert [(e.action, e.actor_id, e.detail) for e in events_since(since)] == [
        (
            AuditAction.PRIVILEGE,
            approver.pk,
            {"user": world.cm.pk, "requested_by": world.admin.pk, "authenticators_removed": 2},
        )
    ]


def _refused_approval(world: World, approver: User, person: User) -> RuleViolation:
    before, since = snapshot(), last_event_id()
    with pytest.raises(RuleViolation) as refused:
        services.mfa_reset_approve(actor=factories.actor(approver), person=person)
    assert snapshot() == before
    assert events_since(since) == []
    return refused.value


def test_the_requester_cannot_approve(world: World) -> None:
    _enrolled(world.cm)
    _requested(world)

    refused = _refused_approval(world, world.admin, world.cm)

    assert refused.reason == (
        "the person who requested the reset cannot approve it: a second person approves"
    )
    assert _kinds(world.cm) == ["recovery_codes", "totp"]


def test_the_person_cannot_approve_their_own_reset(world: World) -> None:
    _enrolled(world.compliance)
    _requested(world, person=world.compliance)

    refused = _refused_approval(world, world.compliance, world.compliance)

    assert refused.reason == "nobody approves the reset of their own second factor"
    assert _kinds(world.compliance) == ["recovery_codes", "totp"]


def test_approval_without_a_request_is_refused(world: World) -> None:
    _enrolled(world.cm)

    refused = _refused_approval(world, world.compliance, world.cm)

    assert refused.reason == "no reset of this person's second factor awaits approval"


def test_an_approved_reset_is_not_approved_twice(world: World) -> None:
    _requested(world)
    services.mfa_reset_approve(actor=factories.actor(world.compliance), person=world.cm)
    _enrolled(world.cm)

    _refused_approval(world, _second_admin(world), world.cm)

    assert _kinds(world.cm) == ["recovery_codes", "totp"]


def test_a_second_open_request_is_refused(world: World) -> None:
    _requested(world)
    before, since = snapshot(), last_event_id()

    with pytest.raises(RuleViolation):
        _requested(world)

    assert snapshot() == before
    assert events_since(since) == []


def test_a_blank_reason_is_refused(world: World) -> None:
    before = snapshot()

    with pytest.raises(ValidationFailed) as refused:
        services.mfa_reset_request(actor=factories.actor(world.admin), person=world.cm, reason=" ")

    assert refused.value.errors == {"reason": ["say why the second factor is reset"]}
    assert snapshot() == before


def test_another_programs_person_is_refused(world: World) -> None:
    before = snapshot()

    with pytest.raises(ValidationFailed) as refused:
        _requested(world, person=world.outsider_cm)

    assert refused.value.errors == {"user": ["no such staff member in your program"]}
    assert snapshot() == before


# --- pages ---------------------------------------------------------------------------------


def _page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_request_page_requests_and_the_approve_page_approves(world: World) -> None:
    _enrolled(world.cm)

    requested = _page_client(world.admin).post(
        reverse("staff_mfa_reset", args=[world.cm.pk]), {"reason": "Lost phone"}
    )
    page = _page_client(world.compliance).get(
        reverse("staff_mfa_reset_approve", args=[world.cm.pk])
    )
    approved = _page_client(world.compliance).post(
        reverse("staff_mfa_reset_approve", args=[world.cm.pk])
    )

    assert (requested.status_code, requested["Location"]) == (
        302,
        reverse("staff_record", args=[world.cm.pk]),
    )
    assert page.context["mfa_reset"].reason == "Lost phone"
    assert page.context["mfa_kinds"] == ["recovery_codes", "totp"]
    assert approved.status_code == 302
    assert _kinds(world.cm) == []


def test_the_requester_approving_on_the_page_sees_why_and_nothing_changes(world: World) -> None:
    _enrolled(world.cm)
    _requested(world)
    before, since = snapshot(), last_event_id()

    response = _page_client(world.admin).post(
        reverse("staff_mfa_reset_approve", args=[world.cm.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "the person who requested the reset cannot approve it: a second person approves"
    ]
    assert snapshot() == before
    assert events_since(since) == []


def test_a_compliance_officer_cannot_request_on_the_page(world: World) -> None:
    before, since = snapshot(), last_event_id()

    response = _page_client(world.compliance).post(
        reverse("staff_mfa_reset", args=[world.cm.pk]), {"reason": "Lost phone"}
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.actor_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, world.compliance.pk)
    ]


# --- API -----------------------------------------------------------------------------------


def _post(client: Client, path: str, body: object | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_api_requests_and_a_second_person_approves(world: World) -> None:
    _enrolled(world.cm)

    requested = _post(
        token_client(world.admin),
        f"/api/v1/staff/{world.cm.pk}/mfa-resets",
        {"reason": "Lost key"},
    )
    approved = _post(
        token_client(world.compliance), f"/api/v1/staff/{world.cm.pk}/mfa-resets/approve"
    )

    assert requested.status_code == 201
    assert approved.status_code == 200
    assert approved.json() == {
        "id": requested.json()["id"],
        "person_id": world.cm.pk,
        "status": "approved",
        "requested_by_id": world.admin.pk,
        "decided_by_id": world.compliance.pk,
        "authenticators_removed": 2,
    }
    assert _kinds(world.cm) == []


def test_the_api_refuses_the_requester_as_approver_with_409(world: World) -> None:
    _enrolled(world.cm)
    _requested(world)
    client = token_client(world.admin)
    before, since = snapshot(), last_event_id()

    response = _post(client, f"/api/v1/staff/{world.cm.pk}/mfa-resets/approve")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "the person who requested the reset cannot approve it: a second person approves"
    )
    assert snapshot() == before
    assert events_since(since) == []


def test_the_api_refuses_a_missing_reason_with_the_field(world: World) -> None:
    before = snapshot()

    response = _post(token_client(world.admin), f"/api/v1/staff/{world.cm.pk}/mfa-resets", {})

    assert response.status_code == 422
    assert "reason" in json.dumps(response.json())
    assert snapshot() == before
