"""Work items, communications and notes: the consent gate, deadlines, audit."""

from datetime import timedelta

import pytest

from casework.coordination import services
from casework.coordination.models import Communication, Note, WorkItem
from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditEvent, Deadline
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_service_work_item_needs_consent(world: World) -> None:
    case = factories.referred_case(world.cm)
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation, match="no active consent"):
        services.work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title="Arrange transport",
            kind="service",
            owner=world.cm,
            due_at=clock.now() + timedelta(days=2),
        )
    assert (WorkItem.objects.count(), Deadline.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == before


def test_administrative_work_item_allowed_before_consent(world: World) -> None:
    case = factories.referred_case(world.cm)
    due = clock.now() + timedelta(days=2)
    item = services.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Mail consent form",
        kind="administrative",
        owner=world.cm,
        due_at=due,
    )
    deadlines = {d.kind: d.due_at for d in Deadline.objects.filter(subject_id=item.pk)}
    assert deadlines == {
        "work_item_due": due,
        "work_item_reminder": due - timedelta(hours=24),
    }


def test_completing_a_work_item_meets_its_deadlines(world: World) -> None:
    case = factories.active_case(world.cm)
    item = services.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call PCP",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    services.work_item_complete(
        actor=factories.actor(world.cm), item=item, version=item.version, outcome="Done"
    )
    assert set(Deadline.objects.values_list("state", flat=True)) == {"met"}
    with pytest.raises(RuleViolation, match="already completed"):
        services.work_item_complete(actor=factories.actor(world.cm), item=item, version=2)


def test_cancel_needs_reason(world: World) -> None:
    case = factories.active_case(world.cm)
    item = services.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call PCP",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as info:
        services.work_item_cancel(actor=factories.actor(world.cm), item=item, version=1, reason="")
    assert info.value.errors == {"reason": ["say why the work item is cancelled"]}
    item.refresh_from_db()
    assert item.status == "open"


def test_work_item_update_with_stale_version_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    item = services.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call PCP",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    services.work_item_update(actor=factories.actor(world.cm), item=item, version=1, title="A")
    stale = WorkItem.objects.get(pk=item.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        services.work_item_update(actor=factories.actor(world.cm), item=stale, version=1, title="B")
    assert WorkItem.objects.get(pk=item.pk).title == "A"


def test_owner_from_another_program_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.work_item_create(
            actor=factories.actor(world.cm),
            case=case,
            title="Call",
            kind="service",
            owner=world.outsider_cm,
            due_at=clock.now(),
        )
    assert list(info.value.errors) == ["owner"]


def test_care_communication_needs_consent_enrollment_does_not(world: World) -> None:
    case = factories.referred_case(world.cm)
    args = {
        "actor": factories.actor(world.cm),
        "case": case,
        "channel": "phone",
        "direction": "outbound",
        "parties": "Consumer",
        "summary": "Called.",
        "occurred_at": clock.now(),
    }
    with pytest.raises(RuleViolation):
        services.communication_create(topic="care", **args)  # type: ignore[arg-type]
    services.communication_create(topic="enrollment", **args)  # type: ignore[arg-type]
    assert Communication.objects.count() == 1


def test_communication_in_the_future_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.communication_create(
            actor=factories.actor(world.cm),
            case=case,
            channel="phone",
            direction="outbound",
            topic="care",
            parties="Consumer",
            summary="x",
            occurred_at=clock.now() + timedelta(hours=1),
        )
    assert list(info.value.errors) == ["occurred_at"]


def test_consent_attempt_note_allowed_before_consent(world: World) -> None:
    case = factories.referred_case(world.cm)
    services.note_create(
        actor=factories.actor(world.cm),
        case=case,
        kind="consent_attempt",
        text="Explained the program; consumer will think it over.",
    )
    with pytest.raises(RuleViolation):
        services.note_create(actor=factories.actor(world.cm), case=case, kind="progress", text="x")
    assert Note.objects.count() == 1


def test_amendment_is_a_new_note(world: World) -> None:
    case = factories.active_case(world.cm)
    original = services.note_create(
        actor=factories.actor(world.cm), case=case, kind="progress", text="BP 150/90"
    )
    amendment = services.note_create(
        actor=factories.actor(world.cm),
        case=case,
        kind="progress",
        text="BP 130/90",
        amends=original,
        amendment_reason="Misread the cuff",
    )
    original.refresh_from_db()
    assert original.text == "BP 150/90"
    assert amendment.amends_id == original.pk
    assert AuditEvent.objects.filter(object_type="note").count() == 2


def test_empty_note_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.note_create(actor=factories.actor(world.cm), case=case, kind="progress", text="")
    assert list(info.value.errors) == ["text"]
