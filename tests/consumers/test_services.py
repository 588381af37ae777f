"""Consumer details, support persons and advance directives (C4, C5)."""

import pytest

from casework.consumers import services
from casework.consumers.models import AdvanceDirective, SupportPerson
from casework.core.errors import StaleVersion, ValidationFailed
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_update_language_and_interpreter(world: World) -> None:
    case = factories.referred_case(world.cm)
    consumer = factories.consumer_of(case)
    updated = services.consumer_update(
        actor=factories.actor(world.cm),
        consumer=consumer,
        version=1,
        preferred_language="es",
        interpreter_needed=True,
    )
    assert (updated.preferred_language, updated.interpreter_needed, updated.version) == (
        "es",
        True,
        2,
    )
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.detail) == (
        "update",
        {"fields": ["interpreter_needed", "preferred_language"]},
    )


def test_stale_update_changes_nothing(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    stale = factories.consumer_of(consumer.cases.get())
    services.consumer_update(
        actor=factories.actor(world.cm), consumer=consumer, version=1, phone="1"
    )
    with pytest.raises(StaleVersion):
        services.consumer_update(
            actor=factories.actor(world.cm), consumer=stale, version=1, phone="2"
        )
    consumer.refresh_from_db()
    assert (consumer.phone, consumer.version) == ("1", 2)


def test_protected_fields_cannot_be_mass_assigned(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    with pytest.raises(ValidationFailed) as info:
        services.consumer_update(
            actor=factories.actor(world.cm),
            consumer=consumer,
            version=1,
            program_id=2,  # type: ignore[call-arg]
        )
    assert info.value.errors == {"program_id": ["this field cannot be changed"]}


def test_only_one_legal_decision_maker(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    services.support_person_create(
        actor=factories.actor(world.cm),
        consumer=consumer,
        name="A",
        relationship="child",
        is_legal_decision_maker=True,
    )
    with pytest.raises(ValidationFailed) as info:
        services.support_person_create(
            actor=factories.actor(world.cm),
            consumer=consumer,
            name="B",
            relationship="spouse",
            is_legal_decision_maker=True,
        )
    assert list(info.value.errors) == ["is_legal_decision_maker"]
    assert SupportPerson.objects.count() == 1


def test_bad_relationship_is_refused(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    with pytest.raises(ValidationFailed) as info:
        services.support_person_create(
            actor=factories.actor(world.cm), consumer=consumer, name="A", relationship="boss"
        )
    assert list(info.value.errors) == ["relationship"]


def test_advance_directive_recorded_and_audited(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    directive = services.advance_directive_create(
        actor=factories.actor(world.cm),
        consumer=consumer,
        kind="polst",
        location="Scanned into the EHR",
    )
    assert AdvanceDirective.objects.get().pk == directive.pk
    event = AuditEvent.objects.latest("id")
    assert (event.object_type, event.object_id) == ("advance_directive", str(directive.pk))


def test_duplicate_mrn_of_a_reached_consumer_names_the_field(world: World) -> None:
    consumer = factories.consumer_of(factories.referred_case(world.cm))
    with pytest.raises(ValidationFailed) as info:
        services.consumer_build(
            program_id=world.program.pk,
            reaches=lambda consumer_id: True,
            **factories.consumer_fields(mrn=consumer.mrn),
        )  # type: ignore[arg-type]
    assert info.value.errors == {
        "mrn": [
            "a consumer you work with has this medical record number: refer them as"
            " a returning consumer"
        ]
    }
