"""Break-glass (N2, S19): a declared emergency opens one consumer's records for reading,
outside the relationship, for CASEWORK_BREAK_GLASS_MINUTES; every event under it carries
purpose ETREAT and break_glass=true; each declaration is reviewed by compliance."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from casework.cases.models import Case
from casework.core import clock
from casework.core.models import AuditAction, AuditEvent, AuditOutcome
from casework.core.roles import PurposeOfUse
from casework.staff.models import User
from casework.web.models import BreakGlassSettings, EmergencyAccess, ReviewOutcome
from tests import factories
from tests.api_helpers import events_since, last_event_id, snapshot, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

REASON = "Found unresponsive at the clinic; medication list needed now"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _declare(client: Client, case: Case, reason: str = REASON) -> object:
    return client.post(
        reverse("break_glass_declare"),
        {"record_number": case.consumer.mrn, "reason": reason},
    )


def _events(since: int) -> list[tuple[str, str, int | None, str, str, bool]]:
    return [
        (e.action, e.outcome, e.consumer_id, e.object_type, e.purpose_of_use, e.break_glass)
        for e in events_since(since)
    ]


def test_outside_the_relationship_the_case_is_404_before_a_declaration(world: World) -> None:
    case = factories.active_case(world.cm)

    response = _client(world.cm2).get(reverse("case_detail", args=[case.pk]))

    assert response.status_code == 404


def test_a_declaration_is_recorded_and_audited_once(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()

    response = _declare(_client(world.cm2), case)

    assert response.status_code == 302
    assert response["Location"] == reverse("consumer_detail", args=[case.consumer_id])
    grant = EmergencyAccess.objects.get()
    assert (grant.user_id, grant.consumer_id, grant.reason, grant.review_outcome) == (
        world.cm2.pk,
        case.consumer_id,
        REASON,
        ReviewOutcome.PENDING,
    )
    assert grant.expires_at - grant.declared_at == timedelta(minutes=60)
    assert _events(since) == [
        (
            AuditAction.CREATE,
            AuditOutcome.SUCCESS,
            case.consumer_id,
            "break_glass",
            PurposeOfUse.EMERGENCY,
            True,
        )
    ]


def test_under_a_declaration_the_page_opens_with_the_banner_and_a_marked_read(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    client = _client(world.cm2)
    _declare(client, case)
    since = last_event_id()

    response = client.get(reverse("case_detail", args=[case.pk]))

    assert response.status_code == 200
    assert "Emergency access (break-glass) until" in response.content.decode()
    assert _events(since) == [
        (
            AuditAction.READ,
            AuditOutcome.SUCCESS,
            case.consumer_id,
            "case",
            PurposeOfUse.EMERGENCY,
            True,
        )
    ]


def test_under_a_declaration_the_api_reads_the_case_marked(world: World) -> None:
    case = factories.active_case(world.cm)
    _declare(_client(world.cm2), case)
    api = token_client(world.cm2)
    since = last_event_id()

    response = api.get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == case.pk
    assert _events(since) == [
        (
            AuditAction.READ,
            AuditOutcome.SUCCESS,
            case.consumer_id,
            "case",
            PurposeOfUse.EMERGENCY,
            True,
        )
    ]


def test_a_declaration_opens_no_other_consumer(world: World) -> None:
    case = factories.active_case(world.cm)
    other = factories.active_case(world.cm)
    _declare(_client(world.cm2), case)

    response = token_client(world.cm2).get(f"/api/v1/cases/{other.pk}")

    assert response.status_code == 404


def test_a_declaration_opens_no_write(world: World) -> None:
    case = factories.active_case(world.cm)
    _declare(_client(world.cm2), case)
    api = token_client(world.cm2)
    before, since = snapshot(), last_event_id()

    response = api.post(
        f"/api/v1/cases/{case.pk}/notes",
        {"kind": "progress", "text": "Saw the consumer"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert snapshot() == before
    assert [(e.outcome, e.break_glass) for e in events_since(since)] == [
        (AuditOutcome.DENIED, False)
    ]


def test_a_read_within_the_relationship_is_not_marked(world: World) -> None:
    mine = factories.active_case(world.cm2)
    other = factories.active_case(world.cm)
    _declare(_client(world.cm2), other)
    api = token_client(world.cm2)
    since = last_event_id()

    response = api.get(f"/api/v1/cases/{mine.pk}")

    assert response.status_code == 200
    assert [(e.purpose_of_use, e.break_glass) for e in events_since(since)] == [
        (PurposeOfUse.CARE_MANAGEMENT, False)
    ]


def test_the_access_ends_after_the_set_minutes(world: World, settings: object) -> None:
    case = factories.active_case(world.cm)
    _declare(_client(world.cm2), case)
    later = clock.now() + timedelta(minutes=61)

    with time_machine.travel(later, tick=False):
        response = token_client(world.cm2).get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 404


def test_the_banner_ends_with_the_access(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _client(world.cm2)
    _declare(client, case)

    with time_machine.travel(clock.now() + timedelta(minutes=61), tick=False):
        response = client.get(reverse("consumer_find"))

    assert response.status_code == 200
    assert "Emergency access (break-glass) until" not in response.content.decode()


@pytest.mark.parametrize(
    ("reason", "field", "message"),
    [
        ("urgent", "reason", "say why this is an emergency, in at least 20 characters"),
        ("", "reason", "This field is required."),
    ],
)
def test_a_declaration_without_a_real_reason_is_refused_and_writes_nothing(
    world: World, reason: str, field: str, message: str
) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()

    response = _declare(_client(world.cm2), case, reason)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not EmergencyAccess.objects.exists()
    assert events_since(since) == []


def test_an_unknown_record_number_is_refused(world: World) -> None:
    response = _client(world.cm2).post(
        reverse("break_glass_declare"), {"record_number": "NOPE-1", "reason": REASON}
    )

    assert response.context["form"].errors == {
        "record_number": ["no consumer of your program has this medical record number"]
    }
    assert not EmergencyAccess.objects.exists()


def test_a_consumer_of_another_program_is_unknown(world: World) -> None:
    case = factories.active_case(world.outsider_cm)

    response = _declare(_client(world.cm2), case)

    assert response.context["form"].errors == {
        "record_number": ["no consumer of your program has this medical record number"]
    }
    assert not EmergencyAccess.objects.exists()


def test_a_consumer_already_reached_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)

    response = _declare(_client(world.cm), case)

    assert response.context["form"].non_field_errors() == [
        "you already reach this consumer's records: break-glass is only for records "
        "outside your relationship"
    ]
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("role_user", ["quality", "admin", "auditor", "compliance"])
def test_a_role_not_allowed_gets_404_and_one_denial(world: World, role_user: str) -> None:
    case = factories.active_case(world.cm)
    user = getattr(world, role_user)
    since = last_event_id()

    response = _declare(_client(user), case)

    assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()
    assert [(e.outcome, e.object_type, e.consumer_id) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "break_glass", None)
    ]


def test_a_program_that_disables_the_role_refuses_declaration_and_use(world: World) -> None:
    case = factories.active_case(world.cm)
    client = _client(world.cm2)
    _declare(client, case)
    BreakGlassSettings.objects.create(program=world.program, roles=["supervisor"])

    declared = _declare(client, factories.active_case(world.cm))
    used = token_client(world.cm2).get(f"/api/v1/cases/{case.pk}")

    assert declared.status_code == 404
    assert used.status_code == 404
    assert EmergencyAccess.objects.count() == 1


# --- the compliance review queue ------------------------------------------------------------


def _declared(world: World) -> EmergencyAccess:
    case = factories.active_case(world.cm)
    _declare(_client(world.cm2), case)
    return EmergencyAccess.objects.get()


def test_the_queue_lists_the_pending_declaration_with_one_list_event(world: World) -> None:
    grant = _declared(world)
    since = last_event_id()

    response = _client(world.compliance).get(reverse("break_glass_queue"))

    assert response.status_code == 200
    assert [g.pk for g in response.context["pending"]] == [grant.pk]
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (AuditAction.LIST, "break_glass", {"ids": [grant.pk]})
    ]


def test_a_compliance_officer_accepts_with_a_note(world: World) -> None:
    grant = _declared(world)
    since = last_event_id()

    response = _client(world.compliance).post(
        reverse("break_glass_review", args=[grant.pk]),
        {"outcome": "accepted", "note": "ED visit confirmed"},
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.review_outcome, grant.reviewed_by_id, grant.review_note) == (
        ReviewOutcome.ACCEPTED,
        world.compliance.pk,
        "ED visit confirmed",
    )
    assert [(e.action, e.consumer_id, e.detail) for e in events_since(since)] == [
        (AuditAction.UPDATE, grant.consumer_id, {"outcome": "accepted"})
    ]


def test_a_review_without_a_note_is_refused(world: World) -> None:
    grant = _declared(world)

    response = _client(world.compliance).post(
        reverse("break_glass_review", args=[grant.pk]), {"outcome": "escalated", "note": ""}
    )

    assert response.context["form"].errors == {"note": ["This field is required."]}
    grant.refresh_from_db()
    assert grant.review_outcome == ReviewOutcome.PENDING


def test_a_reviewed_declaration_is_not_reviewed_twice(world: World) -> None:
    grant = _declared(world)
    client = _client(world.compliance)
    url = reverse("break_glass_review", args=[grant.pk])
    client.post(url, {"outcome": "accepted", "note": "Fine"})

    response = client.post(url, {"outcome": "escalated", "note": "Changed my mind"})

    assert response.context["form"].non_field_errors() == [
        "this emergency access has been reviewed already"
    ]
    grant.refresh_from_db()
    assert (grant.review_outcome, grant.review_note) == (ReviewOutcome.ACCEPTED, "Fine")


@pytest.mark.parametrize("role_user", ["auditor", "cm", "supervisor"])
def test_only_compliance_reviews(world: World, role_user: str) -> None:
    grant = _declared(world)
    since = last_event_id()

    response = _client(getattr(world, role_user)).post(
        reverse("break_glass_review", args=[grant.pk]),
        {"outcome": "accepted", "note": "ok"},
    )

    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.review_outcome == ReviewOutcome.PENDING
    assert [(e.outcome, e.object_type) for e in events_since(since)] == [
        (AuditOutcome.DENIED, "break_glass")
    ]


def test_no_event_of_a_declaration_escapes_the_audit_report_filter(world: World) -> None:
    _declared(world)

    assert AuditEvent.objects.filter(break_glass=True).count() == 1
