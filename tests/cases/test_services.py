"""Case lifecycle services: state changes, the consent gate, closure, reassignment, audit."""

from datetime import timedelta

import pytest

from casework.cases import services
from casework.cases.models import Case, CaseAssignment, Consent, Notice, Referral
from casework.cases.services import ClosureNotice
from casework.consumers.models import Consumer
from casework.consumers.services import support_person_create
from casework.coordination import services as coordination
from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def closure_args(case: Case) -> dict[str, object]:
    return {
        "reason": "goals_met",
        "instructions": "Call 555-0100 if things change.",
        "consumer_notice": ClosureNotice(method="phone", delivered_at=clock.now()),
        "provider_notices": [
            ClosureNotice(
                method="fax",
                delivered_at=clock.now(),
                recipient_name="Dr. Primary",
                recipient_type="provider",
            )
        ],
        "version": case.version,
    }


def test_intake_creates_consumer_referral_case_and_one_audit_event(world: World) -> None:
    case = factories.referred_case(world.cm)
    assert case.state == "referred"
    assert case.assigned_to_id == world.cm.pk
    assert case.team_id == world.team.pk
    assert Consumer.objects.count() == 1
    assert Referral.objects.get().source == "professional"
    assert CaseAssignment.objects.get().assigned_to_id == world.cm.pk
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.object_type, event.consumer_id) == (
        "create",
        "success",
        "case",
        case.consumer_id,
    )
    assert event.purpose_of_use == "CAREMGT"


def test_intake_without_referrer_name_for_professional_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.referral_intake(
            actor=factories.actor(world.cm),
            source="professional",
            reason="x",
            received_at=clock.now(),
            new_consumer=factories.consumer_fields(),  # type: ignore[arg-type]
        )
    assert info.value.errors == {"referrer_name": ["name the person who referred"]}
    assert (Consumer.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_intake_with_bad_consumer_field_writes_nothing(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.referral_intake(
            actor=factories.actor(world.cm),
            source="self",
            reason="x",
            received_at=clock.now(),
            new_consumer=factories.consumer_fields(given_name="x" * 101),  # type: ignore[arg-type]
        )
    assert list(info.value.errors) == ["given_name"]
    assert Consumer.objects.count() == 0


def test_supervisor_intake_assigns_within_their_team_only(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.referral_intake(
            actor=factories.actor(world.supervisor),
            source="self",
            reason="x",
            received_at=clock.now(),
            new_consumer=factories.consumer_fields(),  # type: ignore[arg-type]
            assign_to=world.other_cm,
        )
    assert info.value.errors == {"assign_to": ["not an active case manager on your team"]}
    case = services.referral_intake(
        actor=factories.actor(world.supervisor),
        source="self",
        reason="x",
        received_at=clock.now(),
        new_consumer=factories.consumer_fields(),  # type: ignore[arg-type]
        assign_to=world.cm2,
    )
    assert (case.assigned_to_id, case.team_id) == (world.cm2.pk, world.team.pk)


def test_second_open_case_for_a_consumer_is_refused(world: World) -> None:
    case = factories.referred_case(world.cm)
    with pytest.raises(RuleViolation, match="already has an open case"):
        services.referral_intake(
            actor=factories.actor(world.cm),
            source="self",
            reason="again",
            received_at=clock.now(),
            consumer=case.consumer,
        )
    assert Case.objects.count() == 1


def test_notices_and_consent_engage_the_case(world: World) -> None:
    case = factories.referred_case(world.cm)
    factories.give_enrollment_notices(world.cm, case)
    case.refresh_from_db()
    assert case.state == "referred"
    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="granted",
        method="written",
        decided_at=clock.now(),
    )
    case.refresh_from_db()
    assert case.state == "engaged"
    assert case.engaged_at is not None
    # intake + 3 notices + consent
    assert AuditEvent.objects.count() == 5


def test_privacy_notice_refusal_needs_good_faith_note(world: World) -> None:
    case = factories.referred_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.notice_record(
            actor=factories.actor(world.cm),
            case=case,
            kind="privacy_practices",
            method="in_person",
            delivered_at=clock.now(),
            acknowledgement="good_faith_attempt",
        )
    assert list(info.value.errors) == ["good_faith_note"]
    assert Notice.objects.count() == 0
    services.notice_record(
        actor=factories.actor(world.cm),
        case=case,
        kind="privacy_practices",
        method="in_person",
        delivered_at=clock.now(),
        acknowledgement="good_faith_attempt",
        good_faith_note="Consumer declined to sign; notice left with them.",
    )
    assert Notice.objects.get().language == "en"


def test_notice_language_defaults_to_the_consumers(world: World) -> None:
    case = factories.referred_case(world.cm, preferred_language="es", interpreter_needed=True)
    notice = services.notice_record(
        actor=factories.actor(world.cm),
        case=case,
        kind="program_purpose",
        method="in_person",
        delivered_at=clock.now(),
        acknowledgement="verbal",
    )
    assert notice.language == "es"


def test_refused_consent_declines_the_case(world: World) -> None:
    case = factories.referred_case(world.cm)
    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="refused",
        method="verbal",
        decided_at=clock.now(),
    )
    case.refresh_from_db()
    assert (case.state, case.ended_at is not None) == ("declined", True)


def test_surrogate_must_decide_for_consumer_without_capacity(world: World) -> None:
    case = factories.referred_case(world.cm)
    person = support_person_create(
        actor=factories.actor(world.cm),
        consumer=case.consumer,
        name="Ana Reyes",
        relationship="child",
        is_legal_decision_maker=True,
        has_power_of_attorney=True,
    )
    case.consumer.refresh_from_db()
    assert case.consumer.makes_own_decisions is False
    case.refresh_from_db()
    with pytest.raises(ValidationFailed) as info:
        services.consent_record(
            actor=factories.actor(world.cm),
            case=case,
            decision="granted",
            method="written",
            decided_at=clock.now(),
        )
    assert info.value.errors == {"given_by": ["this consumer's legal decision maker must decide"]}
    consent = services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="granted",
        method="written",
        decided_at=clock.now(),
        given_by="surrogate",
        surrogate=person,
    )
    assert consent.surrogate_id == person.pk


def test_activate_requires_engaged(world: World) -> None:
    case = factories.referred_case(world.cm)
    with pytest.raises(RuleViolation, match="a referred case cannot become active"):
        services.case_activate(actor=factories.actor(world.cm), case=case, version=case.version)
    case.refresh_from_db()
    assert case.state == "referred"


def test_stale_version_is_refused(world: World) -> None:
    case = factories.engaged_case(world.cm)
    with pytest.raises(StaleVersion) as info:
        services.case_activate(actor=factories.actor(world.cm), case=case, version=case.version - 1)
    assert info.value.current_version == case.version
    case.refresh_from_db()
    assert case.state == "engaged"


def test_revoked_consent_blocks_new_clinical_records(world: World) -> None:
    case = factories.active_case(world.cm)
    services.consent_record(
        actor=factories.actor(world.cm),
        case=case,
        decision="revoked",
        method="verbal",
        decided_at=clock.now(),
    )
    before = AuditEvent.objects.count()
    with pytest.raises(RuleViolation, match="consent was revoked"):
        coordination.note_create(
            actor=factories.actor(world.cm), case=case, kind="progress", text="Visit."
        )
    assert AuditEvent.objects.count() == before
    assert Consent.objects.filter(case=case).count() == 2


def test_close_refused_while_work_items_open(world: World) -> None:
    case = factories.active_case(world.cm)
    item = coordination.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call PCP",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    with pytest.raises(RuleViolation, match="1 open work item"):
        services.case_close(actor=factories.actor(world.cm), case=case, **closure_args(case))  # type: ignore[arg-type]
    case.refresh_from_db()
    assert case.state == "active"
    assert Notice.objects.filter(kind="closure").count() == 0
    coordination.work_item_cancel(
        actor=factories.actor(world.cm), item=item, version=item.version, reason="Not needed"
    )
    closed = services.case_close(actor=factories.actor(world.cm), case=case, **closure_args(case))  # type: ignore[arg-type]
    assert (closed.state, closed.closure_reason) == ("closed", "goals_met")
    assert Notice.objects.filter(case=case, kind="closure").count() == 2


def test_close_needs_instructions_and_consumer_notice(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed) as info:
        services.case_close(
            actor=factories.actor(world.cm),
            case=case,
            version=case.version,
            reason="goals_met",
            instructions=" ",
            consumer_notice=None,
            provider_notices=[],
        )
    assert sorted(info.value.errors) == ["consumer_notice", "instructions"]


def test_close_needs_providers_accounted_for(world: World) -> None:
    case = factories.active_case(world.cm)
    args = closure_args(case)
    args["provider_notices"] = []
    with pytest.raises(RuleViolation, match="each involved provider"):
        services.case_close(actor=factories.actor(world.cm), case=case, **args)  # type: ignore[arg-type]
    closed = services.case_close(
        actor=factories.actor(world.cm),
        case=case,
        no_providers_involved=True,
        **args,  # type: ignore[arg-type]
    )
    assert closed.state == "closed"


def test_reassign_moves_case_and_open_work_items(world: World) -> None:
    case = factories.active_case(world.cm)
    item = coordination.work_item_create(
        actor=factories.actor(world.cm),
        case=case,
        title="Call PCP",
        kind="service",
        owner=world.cm,
        due_at=clock.now() + timedelta(days=1),
    )
    before = AuditEvent.objects.count()
    services.case_reassign(
        actor=factories.actor(world.supervisor),
        case=case,
        version=case.version,
        assign_to=world.cm2,
        reason="Leave of absence",
    )
    case.refresh_from_db()
    item.refresh_from_db()
    assert (case.assigned_to_id, item.owner_id) == (world.cm2.pk, world.cm2.pk)
    assert AuditEvent.objects.count() == before + 1
    assert CaseAssignment.objects.filter(case=case).count() == 2


def test_reassign_outside_supervisors_team_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    with pytest.raises(ValidationFailed):
        services.case_reassign(
            actor=factories.actor(world.supervisor),
            case=case,
            version=case.version,
            assign_to=world.other_cm,
            reason="x",
        )
    case.refresh_from_db()
    assert case.assigned_to_id == world.cm.pk


def test_withdraw_needs_reason(world: World) -> None:
    case = factories.engaged_case(world.cm)
    with pytest.raises(ValidationFailed):
        services.case_withdraw(
            actor=factories.actor(world.cm), case=case, version=case.version, reason=""
        )
    withdrawn = services.case_withdraw(
        actor=factories.actor(world.cm), case=case, version=case.version, reason="Moved away"
    )
    assert withdrawn.state == "withdrawn"
