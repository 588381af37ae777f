"""Changing and removing support persons, the legal decision maker and advance
directives (C4): versioned, the earlier version kept, one audit event each."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casework.consumers import selectors, services
from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson
from casework.consumers.models import SupportRecordRevision as Revision
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, AuditOutcome
from tests import factories
from tests.api_helpers import call, events_since, last_event_id, refused, session_client, snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _person(world: World, **fields: object) -> SupportPerson:
    case = factories.referred_case(world.cm)
    data: dict[str, object] = {"name": "Luis Rivera", "relationship": "child", **fields}
    return services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=factories.consumer_of(case),
        **data,  # type: ignore[arg-type]
    )


def _directive(world: World) -> AdvanceDirective:
    case = factories.referred_case(world.cm)
    return services.advance_directive_create(
        actor=factories.actor(world.cm),
        consumer=factories.consumer_of(case),
        kind="polst",
        document_date=date(2025, 5, 1),
        location="Fridge door",
    )


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# --- services -------------------------------------------------------------------------


def test_a_change_keeps_the_earlier_version_and_audits_one_update(world: World) -> None:
    person = _person(world, phone="312 555 0100")
    since = last_event_id()

    services.support_person_update(
        actor=factories.actor(world.cm), person=person, version=1, phone="312 555 0199"
    )

    person.refresh_from_db()
    assert (person.phone, person.version) == ("312 555 0199", 2)
    revision = Revision.objects.get()
    assert (revision.record_kind, revision.record_id, revision.version, revision.change) == (
        "support_person",
        person.pk,
        1,
        "updated",
    )
    assert revision.values["phone"] == "312 555 0100"
    assert revision.values["name"] == "Luis Rivera"
    [event] = events_since(since)
    assert (event.action, event.object_type, event.object_id, event.consumer_id) == (
        AuditAction.UPDATE,
        "support_person",
        str(person.pk),
        person.consumer_id,
    )
    assert event.detail == {"fields": ["phone"], "version": 2}


def test_a_stale_change_changes_nothing(world: World) -> None:
    person = _person(world)
    services.support_person_update(
        actor=factories.actor(world.cm), person=person, version=1, phone="1"
    )
    stale = SupportPerson.objects.get(pk=person.pk)
    stale.version = 1
    before, since = snapshot(), last_event_id()
    with pytest.raises(StaleVersion):
        services.support_person_update(
            actor=factories.actor(world.cm), person=stale, version=1, phone="2"
        )
    assert snapshot() == before
    assert Revision.objects.count() == 1
    assert events_since(since) == []


def test_a_second_legal_decision_maker_by_a_change_is_refused(world: World) -> None:
    first = _person(world, is_legal_decision_maker=True)
    second = services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=first.consumer,
        name="Marta",
        relationship="sibling",
    )
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.support_person_update(
            actor=factories.actor(world.cm),
            person=second,
            version=1,
            is_legal_decision_maker=True,
        )
    assert info.value.errors == {
        "is_legal_decision_maker": ["this consumer already has a legal decision maker"]
    }
    assert snapshot() == before


def test_the_legal_decision_maker_passes_to_another_person(world: World) -> None:
    first = _person(world, is_legal_decision_maker=True)
    second = services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=first.consumer,
        name="Marta",
        relationship="sibling",
    )
    actor = factories.actor(world.cm)
    services.support_person_update(
        actor=actor, person=first, version=1, is_legal_decision_maker=False
    )
    services.support_person_update(
        actor=actor, person=second, version=1, is_legal_decision_maker=True
    )
    assert [p.name for p in selectors.legal_decision_makers(consumer_id=first.consumer_id)] == [
        "Marta"
    ]


def test_naming_a_legal_decision_maker_marks_the_consumer_not_deciding(world: World) -> None:
    person = _person(world)
    services.support_person_update(
        actor=factories.actor(world.cm), person=person, version=1, is_legal_decision_maker=True
    )
    consumer = Consumer.objects.get(pk=person.consumer_id)
    assert (consumer.makes_own_decisions, consumer.version) == (False, 2)


def test_nothing_changed_is_a_form_level_error(world: World) -> None:
    person = _person(world)
    with pytest.raises(ValidationFailed) as info:
        services.support_person_update(
            actor=factories.actor(world.cm), person=person, version=1, name="Luis Rivera"
        )
    assert info.value.errors == {"__all__": ["Nothing was changed."]}


def test_a_bad_value_names_the_field_and_changes_nothing(world: World) -> None:
    person = _person(world)
    before = snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.support_person_update(
            actor=factories.actor(world.cm), person=person, version=1, relationship="pet"
        )
    assert list(info.value.errors) == ["relationship"]
    assert snapshot() == before


def test_removal_keeps_the_person_hides_them_and_audits_one_delete(world: World) -> None:
    person = _person(world, is_legal_decision_maker=True)
    since = last_event_id()

    services.support_person_remove(
        actor=factories.actor(world.cm), person=person, version=1, reason="Recorded in error"
    )

    person.refresh_from_db()
    assert (person.removal_reason, person.removed_by_id, person.version) == (
        "Recorded in error",
        world.cm.pk,
        2,
    )
    assert person.removed_at is not None
    assert selectors.consumer_section(consumer=person.consumer)["support_persons"] == []
    assert (
        selectors.support_person_of(consumer_id=person.consumer_id, support_person_id=person.pk)
        is None
    )
    assert Revision.objects.get().change == "removed"
    [event] = events_since(since)
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.DELETE,
        "support_person",
        str(person.pk),
    )


def test_a_removed_legal_decision_maker_makes_room_for_another(world: World) -> None:
    person = _person(world, is_legal_decision_maker=True)
    services.support_person_remove(
        actor=factories.actor(world.cm), person=person, version=1, reason="Guardianship ended"
    )
    other = services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=person.consumer,
        name="Marta",
        relationship="guardian",
        is_legal_decision_maker=True,
    )
    assert other.is_legal_decision_maker


def test_removal_needs_a_reason_and_happens_once(world: World) -> None:
    person = _person(world)
    actor = factories.actor(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.support_person_remove(actor=actor, person=person, version=1, reason="  ")
    assert info.value.errors == {"reason": ["say why the record is removed"]}
    services.support_person_remove(actor=actor, person=person, version=1, reason="Moved away")
    before = snapshot()
    with pytest.raises(RuleViolation) as refusal:
        services.support_person_remove(actor=actor, person=person, version=2, reason="Again")
    assert refusal.value.reason == "this record has been removed"
    assert snapshot() == before


def test_a_directive_change_and_removal_are_kept(world: World) -> None:
    directive = _directive(world)
    actor = factories.actor(world.cm)
    services.advance_directive_update(
        actor=actor, directive=directive, version=1, location="Bedside table"
    )
    services.advance_directive_remove(
        actor=actor, directive=directive, version=2, reason="Revoked by the consumer"
    )
    assert [
        (r.version, r.change, r.values["location"], r.values["document_date"])
        for r in selectors.support_record_revisions(
            record_kind="advance_directive", record_id=directive.pk
        )
    ] == [
        (1, "updated", "Fridge door", "2025-05-01"),
        (2, "removed", "Bedside table", "2025-05-01"),
    ]
    assert selectors.advance_directive_list(consumer_id=directive.consumer_id).count() == 0


# --- pages ----------------------------------------------------------------------------


def test_the_case_page_offers_change_and_remove(world: World) -> None:
    person = _person(world)
    case = person.consumer.cases.get()
    page = signed_in(world.cm).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert reverse("support_person_edit", args=[case.pk, person.pk]) in page
    assert reverse("support_person_remove", args=[case.pk, person.pk]) in page


def test_the_edit_page_changes_only_what_was_changed(world: World) -> None:
    person = _person(world, phone="1")
    case = person.consumer.cases.get()
    client = signed_in(world.cm)
    url = reverse("support_person_edit", args=[case.pk, person.pk])
    form = client.get(url).content.decode()
    assert 'value="Luis Rivera"' in form
    since = last_event_id()
    response = client.post(
        url,
        {"name": "Luis Rivera", "relationship": "child", "phone": "2", "version": 1},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.version) == ("2", 2)
    assert [(e.action, e.detail) for e in events_since(since)] == [
        (AuditAction.UPDATE, {"fields": ["phone"], "version": 2})
    ]


def test_the_remove_page_needs_a_reason(world: World) -> None:
    person = _person(world)
    case = person.consumer.cases.get()
    client = signed_in(world.cm)
    url = reverse("support_person_remove", args=[case.pk, person.pk])
    response = client.post(url, {"reason": "", "version": 1})
    assert response.status_code == 200
    assert 'href="#id_reason"' in response.content.decode()
    assert SupportPerson.objects.get().removed_at is None
    assert client.post(url, {"reason": "Moved away", "version": 1}).status_code == 302
    assert SupportPerson.objects.get().removal_reason == "Moved away"


def test_a_directive_is_changed_from_its_page(world: World) -> None:
    directive = _directive(world)
    case = directive.consumer.cases.get()
    response = signed_in(world.cm).post(
        reverse("advance_directive_edit", args=[case.pk, directive.pk]),
        {
            "kind": "living_will",
            "document_date": "2025-05-01",
            "location": "Fridge door",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert AdvanceDirective.objects.get().kind == "living_will"


@pytest.mark.parametrize("route", ["support_person_edit", "support_person_remove"])
def test_another_team_cannot_change_a_support_person(world: World, route: str) -> None:
    person = _person(world)
    case = person.consumer.cases.get()
    before, since = snapshot(), last_event_id()
    response = signed_in(world.other_cm).post(
        reverse(route, args=[case.pk, person.pk]),
        {"name": "X", "relationship": "child", "reason": "X", "version": 1},
    )
    assert response.status_code == 404
    assert snapshot() == before
    [event] = events_since(since)
    assert (event.outcome, event.object_type) == (AuditOutcome.DENIED, "case")


def test_a_person_of_another_consumer_is_not_reached_through_this_case(world: World) -> None:
    person = _person(world)
    mine = factories.referred_case(world.cm)
    before, since = snapshot(), last_event_id()
    response = signed_in(world.cm).post(
        reverse("support_person_remove", args=[mine.pk, person.pk]),
        {"reason": "X", "version": 1},
    )
    assert response.status_code == 404
    assert snapshot() == before
    [event] = events_since(since)
    assert event.outcome == AuditOutcome.DENIED


# --- API ------------------------------------------------------------------------------


def test_the_api_changes_and_removes_a_support_person(world: World) -> None:
    person = _person(world)
    client = session_client(world.cm)
    base = f"/api/v1/consumers/{person.consumer_id}/support-persons/{person.pk}"
    changed = call(client, "PATCH", base, {"version": 1, "is_emergency_contact": True})
    assert changed.status_code == 200
    assert (changed.json()["is_emergency_contact"], changed.json()["version"]) == (True, 2)
    removed = call(client, "POST", f"{base}/remove", {"version": 2, "reason": "Moved away"})
    assert (removed.status_code, removed.json()["version"]) == (200, 3)
    listed = call(client, "GET", f"/api/v1/consumers/{person.consumer_id}/support-persons")
    assert listed.json()["count"] == 0


def test_the_api_refuses_a_stale_change_with_409(world: World) -> None:
    person = _person(world)
    base = f"/api/v1/consumers/{person.consumer_id}/support-persons/{person.pk}"
    response = refused(session_client(world.cm), "PATCH", base, {"version": 7, "phone": "2"})
    assert response.status_code == 409


def test_the_api_refuses_null_for_a_field_that_is_not_nullable(world: World) -> None:
    person = _person(world)
    base = f"/api/v1/consumers/{person.consumer_id}/support-persons/{person.pk}"
    response = refused(session_client(world.cm), "PATCH", base, {"version": 1, "name": None})
    assert response.status_code == 422


def test_the_api_clears_a_directive_date_with_null(world: World) -> None:
    directive = _directive(world)
    base = f"/api/v1/consumers/{directive.consumer_id}/advance-directives/{directive.pk}"
    response = call(session_client(world.cm), "PATCH", base, {"version": 1, "document_date": None})
    assert (response.status_code, response.json()["document_date"]) == (200, None)


def test_the_api_answers_404_for_a_record_of_another_consumer(world: World) -> None:
    person = _person(world)
    mine = factories.referred_case(world.cm)
    since = last_event_id()
    response = refused_with_denial(
        session_client(world.cm),
        f"/api/v1/consumers/{mine.consumer_id}/support-persons/{person.pk}/remove",
    )
    assert response.status_code == 404
    [event] = events_since(since)
    assert event.outcome == AuditOutcome.DENIED


def refused_with_denial(client: Client, path: str) -> object:
    before = snapshot()
    response = call(client, "POST", path, {"version": 1, "reason": "X"})
    assert snapshot() == before
    return response
