"""Sensitive records under 42 CFR Part 2 (S40): a note labelled Part 2 reaches only its
author and the roles the consumer's Part 2 consent names (never break-glass), on the
case page and in the API; every disclosure carries the labels and the 2.32 notice."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from casework.cases.models import Case
from casework.coordination import rules, services
from casework.coordination.models import Note, Part2Consent
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, AuditEvent
from casework.core.roles import Role
from tests import factories
from tests.api_helpers import events_since, last_event_id, token_client
from tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "Methadone 80 mg daily at the OTP"
PLAIN = "Called about the ride to the clinic"


def test_the_labels_and_the_notice_are_the_ds4p_and_2_32_ones() -> None:
    assert rules.security_labels(part2=True) == ["R", "ETH"]
    assert rules.security_labels(part2=False) == []
    assert rules.PART2_NOTICE.startswith(
        "This record which has been disclosed to you is protected by Federal "
        "confidentiality rules (42 CFR part 2)."
    )


def _notes(world: World) -> tuple[Case, Note, Note]:
    case = factories.active_case(world.cm)
    actor = factories.actor(world.cm)
    plain = services.note_create(actor=actor, case=case, kind="progress", text=PLAIN)
    secret = services.note_create(actor=actor, case=case, kind="progress", text=SECRET, part2=True)
    return case, plain, secret


def _page(user: Any, case: Case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_writing_a_part2_note_through_the_api_labels_it(world: World) -> None:
    case = factories.active_case(world.cm)
    client = token_client(world.cm)

    response = client.post(
        f"/api/v1/cases/{case.pk}/notes",
        {"kind": "progress", "text": SECRET, "part2": True},
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["part2"], body["security_labels"], body["redisclosure_notice"]) == (
        True,
        ["R", "ETH"],
        rules.PART2_NOTICE,
    )
    event = AuditEvent.objects.filter(object_type="note").get()
    assert (event.action, event.detail) == (AuditAction.CREATE, {"part2": True})


def test_the_author_sees_the_note_with_the_notice_on_the_page(world: World) -> None:
    case, _, _ = _notes(world)

    html = _page(world.cm, case)

    assert SECRET in html
    assert "42 CFR Part 2" in html
    assert "protected by Federal confidentiality rules" in html


def test_without_consent_the_supervisor_page_does_not_show_the_note(world: World) -> None:
    case, _, _ = _notes(world)

    html = _page(world.supervisor, case)

    assert PLAIN in html
    assert SECRET not in html


def test_without_consent_the_api_list_leaves_the_note_out_and_its_id_unlogged(
    world: World,
) -> None:
    case, plain, _ = _notes(world)
    client = token_client(world.supervisor)
    since = last_event_id()

    response = client.get(f"/api/v1/cases/{case.pk}/notes")

    assert response.status_code == 200
    assert [n["id"] for n in response.json()["items"]] == [plain.pk]
    assert response.json()["count"] == 1
    assert SECRET not in response.content.decode()
    assert [e.detail.get("ids") for e in events_since(since)] == [[plain.pk]]


def test_a_consent_naming_the_role_shows_the_note_with_labels_and_notice(world: World) -> None:
    case, plain, secret = _notes(world)
    services.part2_consent_grant(
        actor=factories.actor(world.cm),
        case=case,
        role=Role.SUPERVISOR,
        scope="Treatment coordination by the program's supervisors",
    )

    response = token_client(world.supervisor).get(f"/api/v1/cases/{case.pk}/notes")

    items = {n["id"]: n for n in response.json()["items"]}
    assert sorted(items) == sorted([plain.pk, secret.pk])
    assert (items[secret.pk]["security_labels"], items[secret.pk]["redisclosure_notice"]) == (
        ["R", "ETH"],
        rules.PART2_NOTICE,
    )
    assert (items[plain.pk]["security_labels"], items[plain.pk]["redisclosure_notice"]) == (
        [],
        None,
    )


def test_a_consent_naming_another_role_shows_nothing(world: World) -> None:
    case, plain, _ = _notes(world)
    services.part2_consent_grant(
        actor=factories.actor(world.cm), case=case, role=Role.PHYSICIAN_ADVISOR, scope="UM"
    )

    response = token_client(world.supervisor).get(f"/api/v1/cases/{case.pk}/notes")

    assert [n["id"] for n in response.json()["items"]] == [plain.pk]


def test_a_revoked_consent_hides_the_note_again(world: World) -> None:
    case, plain, _ = _notes(world)
    actor = factories.actor(world.cm)
    services.part2_consent_grant(actor=actor, case=case, role=Role.SUPERVISOR, scope="TPO")
    services.part2_consent_revoke(actor=actor, case=case, role=Role.SUPERVISOR)

    response = token_client(world.supervisor).get(f"/api/v1/cases/{case.pk}/notes")

    assert [n["id"] for n in response.json()["items"]] == [plain.pk]
    assert SECRET not in _page(world.supervisor, case)


def test_break_glass_never_opens_a_part2_note(world: World) -> None:
    case, _, _ = _notes(world)
    services.part2_consent_grant(
        actor=factories.actor(world.cm), case=case, role=Role.CASE_MANAGER, scope="TPO"
    )
    client = Client()
    client.force_login(world.cm2)
    client.post(
        reverse("break_glass_declare"),
        {"record_number": case.consumer.mrn, "reason": "Overdose in the waiting room now"},
    )

    response = client.get(reverse("case_detail", args=[case.pk]))

    assert response.status_code == 200
    assert PLAIN in response.content.decode()
    assert SECRET not in response.content.decode()


def test_a_hidden_note_cannot_be_amended_by_its_id(world: World) -> None:
    case, _, secret = _notes(world)
    client = token_client(world.supervisor)
    before = Note.objects.count()

    response = client.post(
        f"/api/v1/cases/{case.pk}/notes",
        {"kind": "progress", "text": "correction", "amends": secret.pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "no such note on this case"
    assert Note.objects.count() == before


def test_an_amendment_keeps_the_part2_label(world: World) -> None:
    case, _, secret = _notes(world)

    fix = services.note_create(
        actor=factories.actor(world.cm),
        case=case,
        kind="progress",
        text="80 mg",
        amends=secret,
        amendment_reason="dose corrected",
    )

    assert fix.part2 is True


def test_a_second_active_consent_for_the_role_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    actor = factories.actor(world.cm)
    services.part2_consent_grant(actor=actor, case=case, role=Role.SUPERVISOR, scope="TPO")

    with pytest.raises(RuleViolation):
        services.part2_consent_grant(actor=actor, case=case, role=Role.SUPERVISOR, scope="TPO")
    assert Part2Consent.objects.count() == 1


def test_a_consent_without_scope_or_with_an_unknown_role_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)

    with pytest.raises(ValidationFailed) as refused:
        services.part2_consent_grant(
            actor=factories.actor(world.cm), case=case, role="janitor", scope=" "
        )

    assert refused.value.errors == {
        "role": ["choose a staff role"],
        "scope": ["say what may be disclosed, to whom and for what purpose"],
    }
    assert not Part2Consent.objects.exists()


def test_the_case_manager_records_a_consent_on_the_page(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()

    response = client.post(
        reverse("part2_consent", args=[case.pk]),
        {"action": "grant", "role": Role.SUPERVISOR, "scope": "Care coordination"},
    )

    assert response.status_code == 302
    consent = Part2Consent.objects.get()
    assert (consent.consumer_id, consent.role, consent.scope, consent.revoked_at) == (
        case.consumer_id,
        Role.SUPERVISOR,
        "Care coordination",
        None,
    )
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (AuditAction.CREATE, "part2_consent", {"role": Role.SUPERVISOR})
    ]


def test_revoking_a_consent_that_is_not_there_is_a_form_error(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)

    response = client.post(
        reverse("part2_consent", args=[case.pk]), {"action": "revoke", "role": Role.SUPERVISOR}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "no active Part 2 consent names this role"
    ]
    assert not Part2Consent.objects.exists()


# --- a consent naming a payer ---------------------------------------------------------------


def test_the_case_manager_records_a_consent_naming_a_payer_on_the_page(world: World) -> None:
    case = factories.active_case(world.cm)
    client = Client()
    client.force_login(world.cm)
    since = last_event_id()

    response = client.post(
        reverse("part2_consent", args=[case.pk]),
        {"action": "grant", "role": "", "payer": " Acme Medicaid ", "scope": "Appeals"},
    )

    assert response.status_code == 302
    consent = Part2Consent.objects.get()
    assert (consent.role, consent.payer, consent.scope) == ("", "Acme Medicaid", "Appeals")
    assert [(e.action, e.object_type, e.detail) for e in events_since(since)] == [
        (AuditAction.CREATE, "part2_consent", {"payer": "Acme Medicaid"})
    ]


def test_a_consent_naming_a_payer_shows_no_staff_role_anything(world: World) -> None:
    case, _, _ = _notes(world)
    services.part2_consent_grant(
        actor=factories.actor(world.cm), case=case, payer="Acme Medicaid", scope="Appeals"
    )

    html = _page(world.supervisor, case)

    assert SECRET not in html


@pytest.mark.parametrize(
    ("role", "payer", "errors"),
    [
        ("", "", {"role": ["choose a staff role or name a payer"]}),
        (Role.SUPERVISOR, "Acme Medicaid", {"payer": ["name a role or a payer, not both"]}),
    ],
    ids=["neither", "both"],
)
def test_a_consent_names_exactly_one_recipient(
    world: World, role: str, payer: str, errors: dict[str, list[str]]
) -> None:
    case = factories.active_case(world.cm)

    with pytest.raises(ValidationFailed) as refused:
        services.part2_consent_grant(
            actor=factories.actor(world.cm), case=case, role=role, payer=payer, scope="TPO"
        )

    assert refused.value.errors == errors
    assert not Part2Consent.objects.exists()


def test_a_second_active_consent_for_the_payer_is_refused_whatever_its_case(
    world: World,
) -> None:
    case = factories.active_case(world.cm)
    actor = factories.actor(world.cm)
    services.part2_consent_grant(actor=actor, case=case, payer="Acme Medicaid", scope="TPO")

    with pytest.raises(RuleViolation) as refused:
        services.part2_consent_grant(actor=actor, case=case, payer="ACME MEDICAID", scope="TPO")

    assert refused.value.reason == "an active Part 2 consent already names this payer"
    assert Part2Consent.objects.count() == 1


def test_revoking_a_consent_naming_a_payer(world: World) -> None:
    case = factories.active_case(world.cm)
    actor = factories.actor(world.cm)
    services.part2_consent_grant(actor=actor, case=case, payer="Acme Medicaid", scope="TPO")
    since = last_event_id()

    services.part2_consent_revoke(actor=actor, case=case, payer="acme medicaid")

    assert Part2Consent.objects.get().revoked_at is not None
    assert [e.detail for e in events_since(since)] == [{"payer": "Acme Medicaid", "revoked": True}]
