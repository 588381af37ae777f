"""The staff gates (A5-A8, S41): who may be assigned new cases, and who may open
consumer records at all."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases import services as case_services
from casework.cases.models import Case, CaseAssignment
from casework.coordination import services as coordination_services
from casework.core import clock
from casework.core.errors import RuleViolation
from casework.core.models import AuditEvent, AuditOutcome
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff.models import (
    AssignmentOverride,
    AttestationDocument,
    AttestationKind,
    CaseloadGuideline,
    Credential,
    TrainingCompletion,
)
from casework.staff.models import User as StaffUser
from casework.web.api import CONSUMER_PERMISSIONS
from tests import factories
from tests.api_helpers import call, events_since, fill, last_event_id, snapshot, token_client
from tests.conftest import World
from tests.test_api_authz_matrix import MATRIX

pytestmark = pytest.mark.django_db


def _no_credential(u: StaffUser) -> None:
    Credential.objects.filter(user=u).update(status="suspended")


def _expired_credential(u: StaffUser) -> None:
    Credential.objects.filter(user=u).update(expires_date=clock.today() - timedelta(days=1))


def _no_orientation(u: StaffUser) -> None:
    TrainingCompletion.objects.filter(user=u).delete()


def _stale_confidentiality(u: StaffUser) -> None:
    publish_new_statement(u)


def publish_new_statement(u: StaffUser) -> AttestationDocument:
    current = factories.confidentiality_statement(u.program)  # type: ignore[arg-type]
    return AttestationDocument.objects.create(
        program_id=u.program_id,
        kind=AttestationKind.CONFIDENTIALITY,
        version=current.version + 1,
        title="Confidentiality statement",
        body="Revised.",
        published_at=clock.now(),
    )


BLOCKERS: dict[str, tuple[Callable[[StaffUser], None], str]] = {
    "suspended license": (_no_credential, "no current verified credential"),
    "expired license": (_expired_credential, "no current verified credential"),
    "no orientation": (_no_orientation, "orientation not completed"),
    "statement not current": (_stale_confidentiality, "confidentiality statement not signed"),
}


def _supervisor_intake(w: World, **kwargs: object) -> Case:
    return case_services.referral_intake(
        actor=factories.actor(w.supervisor),
        source="self",
        reason="Needs help",
        received_at=clock.now(),
        new_consumer=factories.consumer_fields(),  # type: ignore[arg-type]
        assign_to=w.cm2,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("blocker", sorted(BLOCKERS))
def test_intake_refuses_an_assignee_who_is_not_ready(world: World, blocker: str) -> None:
    make, reason = BLOCKERS[blocker]
    make(world.cm2)
    before, events = Case.objects.count(), AuditEvent.objects.count()

    with pytest.raises(RuleViolation) as refused:
        _supervisor_intake(world)

    assert reason in refused.value.reason
    assert (Case.objects.count(), AuditEvent.objects.count()) == (before, events)


def test_intake_refuses_over_the_caseload_limit(world: World) -> None:
    CaseloadGuideline.objects.create(
        program_id=world.program.pk,
        role=Role.CASE_MANAGER,
        max_weighted_load=Decimal("4.5"),
        rationale="Test limit",
        set_by=world.admin,
        set_at=clock.now(),
    )
    _supervisor_intake(world)  # moderate x moderate = 2.5
    with pytest.raises(RuleViolation) as refused:
        _supervisor_intake(world)  # 5.0 > 4.5
    assert "over the caseload limit" in refused.value.reason
    assert Case.objects.filter(assigned_to=world.cm2).count() == 1


def test_exactly_at_the_limit_is_allowed(world: World) -> None:
    CaseloadGuideline.objects.create(
        program_id=world.program.pk,
        role=Role.CASE_MANAGER,
        max_weighted_load=Decimal("5"),
        rationale="Test limit",
        set_by=world.admin,
        set_at=clock.now(),
    )
    _supervisor_intake(world)
    _supervisor_intake(world)
    assert Case.objects.filter(assigned_to=world.cm2).count() == 2


def test_a_case_manager_without_orientation_cannot_open_a_case_for_themself(
    world: World,
) -> None:
    _no_orientation(world.cm)
    with pytest.raises(RuleViolation):
        factories.referred_case(world.cm)
    assert Case.objects.count() == 0


def test_a_supervisor_override_needs_a_reason_and_is_audited(world: World) -> None:
    _no_orientation(world.cm2)
    since = last_event_id()

    case = _supervisor_intake(world, override_reason="Only Spanish speaker on duty today")

    override = AssignmentOverride.objects.get()
    assert (override.case_id, override.assignee_id, override.overridden_by_id) == (
        case.pk,
        world.cm2.pk,
        world.supervisor.pk,
    )
    assert override.blockers == ["no_orientation"]
    events = events_since(since)
    assert [(e.action, e.object_type, e.detail["override"]) for e in events] == [
        ("create", "case", override.pk)
    ]
    assert events[0].detail["override_blockers"] == ["no_orientation"]


def test_a_case_manager_cannot_override(world: World) -> None:
    _no_orientation(world.cm)
    with pytest.raises(RuleViolation) as refused:
        case_services.referral_intake(
            actor=factories.actor(world.cm),
            source="self",
            reason="Needs help",
            received_at=clock.now(),
            new_consumer=factories.consumer_fields(),  # type: ignore[arg-type]
            override_reason="I'm sure",
        )
    assert "only a supervisor may override" in refused.value.reason
    assert AssignmentOverride.objects.count() == 0


@pytest.mark.parametrize("blocker", sorted(BLOCKERS))
def test_reassignment_refuses_an_assignee_who_is_not_ready(world: World, blocker: str) -> None:
    case = factories.referred_case(world.cm)
    make, reason = BLOCKERS[blocker]
    make(world.cm2)

    with pytest.raises(RuleViolation) as refused:
        case_services.case_reassign(
            actor=factories.actor(world.supervisor),
            case=case,
            version=case.version,
            assign_to=world.cm2,
            reason="Leave",
        )

    assert reason in refused.value.reason
    case.refresh_from_db()
    assert (case.assigned_to_id, CaseAssignment.objects.filter(case=case).count()) == (
        world.cm.pk,
        1,
    )


def test_reassignment_override_is_recorded(world: World) -> None:
    case = factories.referred_case(world.cm)
    _expired_credential(world.cm2)
    since = last_event_id()

    case_services.case_reassign(
        actor=factories.actor(world.supervisor),
        case=case,
        version=case.version,
        assign_to=world.cm2,
        reason="Leave",
        override_reason="License renewal filed; board confirms by phone",
    )

    (event,) = events_since(since)
    assert (event.action, event.detail["override_blockers"]) == (
        "update",
        ["no_verified_credential"],
    )
    assert AssignmentOverride.objects.get().reason.startswith("License renewal")


# --- the confidentiality gate (S41) -----------------------------------------------------


OPEN_PAGES = {
    "home",
    "login",
    "logout",
    "mfa_verify",
    "mfa_enrol",
    "mfa_security_key",
    "mfa_security_key_verify",
    "session_keep_alive",  # reads nothing; keeps the session (tests/web/test_session_expiry.py)
}


def _consumer_pages() -> list[Any]:
    """Every page but sign-in, sign-out and the staff pages: all show consumer data."""
    from tests.routes import page_routes

    return [
        p for p in page_routes() if p.name not in OPEN_PAGES and not str(p.name).startswith("staff")
    ]


PAGE_NAMES = [p.name for p in _consumer_pages()]


def _page_urls(w: World) -> dict[str, str]:
    """A URL of each consumer page, its parameters filled from one active case."""
    case = factories.active_case(w.cm)
    item = coordination_services.work_item_create(
        actor=factories.actor(w.cm),
        case=case,
        title="Call",
        kind="service",
        owner=w.cm,
        due_at=clock.now() + timedelta(days=2),
    )
    values: dict[str, object] = {
        "case_id": case.pk,
        "consumer_id": case.consumer_id,
        "work_item_id": item.pk,
        "kind": "program_purpose",
        "code": "phq9",
        "need_id": 1,
        "number": 1,
        "response_id": 1,
        "service_id": "ac148810-d857-441c-9679-408f346de14b",
        "stay_id": 1,
        "complaint_id": 1,
        "report_id": 1,
        "incident_id": 1,
        "consultation_id": 1,
        "authorization_id": 1,
        "denial_id": 1,
        "appeal_id": 1,
        "referral_id": 1,
        "access_id": 1,
        "message_id": 1,
        "step": "close",
        "hold_id": 1,
        "request_id": 1,
        "requirement_id": 1,
        "support_person_id": 1,
        "directive_id": 1,
        "note_id": 1,
        "merge_id": 1,
        "barrier_id": 1,
        "peer_to_peer_id": 1,
        "education_id": 1,
        "document_id": 1,
    }
    return {
        p.name: reverse(p.name, kwargs={k: values[k] for k in p.pattern.converters})
        for p in _consumer_pages()
    }


def test_the_page_list_covers_every_consumer_page() -> None:
    """Each consumer page's parameters are known to `_page_urls` (a new kind of
    parameter fails here until it is added), and none escapes the list."""
    known = {
        "case_id",
        "consumer_id",
        "work_item_id",
        "kind",
        "code",
        "need_id",
        "number",
        "response_id",
        "service_id",
        "stay_id",
        "complaint_id",
        "report_id",
        "incident_id",
        "consultation_id",
        "authorization_id",
        "denial_id",
        "appeal_id",
        "referral_id",
        "access_id",
        "message_id",
        "step",
        "hold_id",
        "request_id",
        "requirement_id",
        "support_person_id",
        "directive_id",
        "note_id",
        "merge_id",
        "barrier_id",
        "peer_to_peer_id",
        "education_id",
        "document_id",
    }
    for page in _consumer_pages():
        assert set(page.pattern.converters) <= known, page.name
    assert len(PAGE_NAMES) > 60  # the filter above keeps the consumer pages, not none


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_consumer_page_sends_an_unsigned_person_to_sign(world: World, name: str) -> None:
    url = _page_urls(world)[name]
    publish_new_statement(world.cm)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("staff_attest") + "?next=" + url
    assert [(e.outcome, e.detail["reason"], e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "confidentiality statement not signed", None)
    ]


def test_signing_opens_the_records_again(world: World) -> None:
    case = factories.active_case(world.cm)
    document = publish_new_statement(world.cm)
    client = Client()
    client.force_login(world.cm)
    url = reverse("case_detail", args=[case.pk])
    assert client.get(url).status_code == 302

    response = client.post(
        reverse("staff_attest") + "?next=" + url, {"document": document.pk, "agree": "yes"}
    )

    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


CONSUMER_ROUTES = sorted(
    r
    for r, e in MATRIX.items()
    if e.permission is not None and e.permission in CONSUMER_PERMISSIONS
)


def test_consumer_permissions_are_deny_by_default() -> None:
    assert {
        Permission.CONSUMER_READ,
        Permission.CASE_INTAKE,
        Permission.CASE_MANAGE,
        Permission.RECORD_NOTE,
        Permission.CASE_REASSIGN,
        Permission.CARE_PLAN,
        Permission.AUDIT_READ,
        Permission.UM_DECIDE,
        Permission.UM_REPORT,
        Permission.ADT_MANAGE,
        Permission.COMPLAINT_MANAGE,
        Permission.PROTECTION_REPORT,
        Permission.PROTECTION_READ,
        Permission.DISCLOSURE_RECORD,
        Permission.PRIVACY_MANAGE,
        # Staff counts only, but behind the signed statement as every page is.
        Permission.DASHBOARD_READ,
    } == CONSUMER_PERMISSIONS


@pytest.mark.parametrize("route", CONSUMER_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_every_consumer_api_route_refuses_an_unsigned_person(
    world: World, route: tuple[str, str]
) -> None:
    entry = MATRIX[route]
    target = entry.setup(world)
    user = {
        Permission.CASE_REASSIGN: world.supervisor,
        Permission.AUDIT_READ: world.compliance,
        Permission.UM_DECIDE: world.physician,
        Permission.PRIVACY_MANAGE: world.compliance,
        Permission.UM_REPORT: world.quality,
    }.get(entry.permission, world.cm)  # type: ignore[call-overload]
    publish_new_statement(user)
    client = token_client(user)
    before, since = snapshot(), last_event_id()

    response = call(client, route[0], fill(route[1], target.params), target.body)

    assert response.status_code == 403, response.content
    assert "confidentiality statement" in response.json()["detail"]
    assert snapshot() == before
    assert [(e.outcome, e.actor_id, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, user.pk, None)
    ]


def test_access_functions_refuse_an_unsigned_person(world: World) -> None:
    from casework.core.errors import AttestationRequired
    from casework.web.access import access_case

    case = factories.active_case(world.cm)
    publish_new_statement(world.cm)
    with pytest.raises(AttestationRequired):
        access_case(factories.actor(world.cm), case.pk)


def test_annual_re_attestation_is_enforced(world: World) -> None:
    import time_machine

    from casework.staff.selectors import confidentiality_signed

    assert confidentiality_signed(user=world.cm) is True
    with time_machine.travel(clock.now() + timedelta(days=366), tick=False):
        assert confidentiality_signed(user=world.cm) is False
