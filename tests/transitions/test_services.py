"""Transition services: clocks from stay events (through the stays listener), cancelled
discharges, readmission detection, handoff receipt, follow-up escalation, the choice
list, placement, plan versions and the referral loop."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditEvent, Deadline, DeadlineState
from casework.stays import services as stay_services
from casework.stays.rules import StayClass, StayEvent
from casework.transitions import selectors, services
from casework.transitions.deadlines import STAY_SUBJECT
from casework.transitions.models import Handoff, Readmission, TransitionPlanVersion
from casework.transitions.rules import (
    AttemptOutcome,
    ContactChannel,
    Destination,
    PostAcuteNeed,
    ReferralStatus,
    TransitionDeadline,
)
from tests import factories
from tests.conftest import World
from tests.resources.directory import service as resource_service
from tests.transitions.helpers import (
    CONTENTS,
    admit,
    cancel_discharge,
    discharge,
    load_providers,
    via,
)

pytestmark = pytest.mark.django_db

# Monday 2026-11-02 15:00 UTC (10:00 in New York, the program's default zone).
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def clocks(stay_id: int) -> dict[str, tuple[datetime, str, int]]:
    return {
        row.kind: (row.due_at, row.state, row.escalation_level)
        for row in Deadline.objects.filter(subject_type=STAY_SUBJECT, subject_id=stay_id)
    }


def test_discharge_starts_follow_up_and_tcm_clocks_owned_by_the_case_manager(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V1")
    discharged_at = NOW - timedelta(hours=1)
    discharge(stay, world.cm, discharged_at)
    assert clocks(stay.pk) == {
        TransitionDeadline.FOLLOW_UP: (discharged_at + timedelta(hours=72), DeadlineState.OPEN, 0),
        TransitionDeadline.TCM_CONTACT: (
            datetime(2026, 11, 5, 4, 59, 59, tzinfo=UTC),  # end of Wednesday in New York
            DeadlineState.OPEN,
            0,
        ),
    }
    owners = set(
        Deadline.objects.filter(subject_id=stay.pk, subject_type=STAY_SUBJECT).values_list(
            "owner_id", flat=True
        )
    )
    assert owners == {world.cm.pk}


def test_an_in_house_stay_has_no_transition_clock(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="V2")
    assert clocks(stay.pk) == {}


def test_a_cancelled_discharge_waives_its_clocks(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V3")
    discharge(stay, world.cm, NOW - timedelta(hours=1))
    cancel_discharge(stay, world.cm, NOW)
    assert {kind: state for kind, (_, state, _) in clocks(stay.pk).items()} == {
        TransitionDeadline.FOLLOW_UP: DeadlineState.WAIVED,
        TransitionDeadline.TCM_CONTACT: DeadlineState.WAIVED,
    }


def test_a_handoff_sent_before_discharge_starts_its_receipt_clock_at_discharge(
    world: World, frozen
) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V4")
    handoff = services.handoff_send(
        actor=factories.actor(world.cm), stay=stay, receiver_name="Sunrise SNF", contents=CONTENTS
    )
    assert TransitionDeadline.HANDOFF_RECEIPT not in clocks(stay.pk)
    frozen.move_to(NOW + timedelta(hours=1))
    discharged_at = NOW + timedelta(minutes=30)
    discharge(stay, world.cm, discharged_at)
    assert clocks(stay.pk)[TransitionDeadline.HANDOFF_RECEIPT] == (
        discharged_at + timedelta(hours=24),
        DeadlineState.OPEN,
        0,
    )
    services.handoff_confirm(
        actor=factories.actor(world.cm), handoff=handoff, confirmed_by="RN Diaz"
    )
    assert clocks(stay.pk)[TransitionDeadline.HANDOFF_RECEIPT][1] == DeadlineState.MET
    handoff.refresh_from_db()
    assert (handoff.receipt_method, handoff.received_by, handoff.task_status) == (
        "person",
        "RN Diaz",
        "completed",
    )


def test_a_handoff_without_allergies_is_refused_and_nothing_is_written(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V5")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.handoff_send(
            actor=factories.actor(world.cm),
            stay=stay,
            receiver_name="Sunrise SNF",
            contents={**CONTENTS, "allergies": []},
        )
    assert caught.value.errors == {
        "allergies": ["at least one entry (write 'none known' when there is none)"]
    }
    assert (Handoff.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_two_failed_attempts_escalate_and_reaching_the_consumer_meets_both_clocks(
    world: World,
) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V6")
    discharge(stay, world.cm, NOW - timedelta(hours=5))
    actor = factories.actor(world.cm)
    first = services.follow_up_attempt_record(
        actor=actor,
        stay=stay,
        attempted_at=NOW - timedelta(hours=4),
        channel=ContactChannel.PHONE,
        outcome=AttemptOutcome.NO_ANSWER,
    )
    assert (first.failed_attempts, first.escalate) == (1, False)
    assert clocks(stay.pk)[TransitionDeadline.FOLLOW_UP][2] == 0
    second = services.follow_up_attempt_record(
        actor=actor,
        stay=stay,
        attempted_at=NOW - timedelta(hours=2),
        channel=ContactChannel.PHONE,
        outcome=AttemptOutcome.VOICEMAIL,
    )
    assert (second.failed_attempts, second.escalate) == (2, True)
    assert clocks(stay.pk)[TransitionDeadline.FOLLOW_UP][1:] == (DeadlineState.OPEN, 1)
    third = services.follow_up_attempt_record(
        actor=actor,
        stay=stay,
        attempted_at=NOW,
        channel=ContactChannel.PHONE,
        outcome=AttemptOutcome.REACHED,
    )
    assert (third.reached_at, third.tcm_met) == (NOW, True)
    states = {kind: state for kind, (_, state, _) in clocks(stay.pk).items()}
    assert states == {
        TransitionDeadline.FOLLOW_UP: DeadlineState.MET,
        TransitionDeadline.TCM_CONTACT: DeadlineState.MET,
    }


def test_an_attempt_before_the_discharge_is_refused(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V7")
    discharge(stay, world.cm, NOW - timedelta(hours=1))
    with pytest.raises(ValidationFailed) as caught:
        services.follow_up_attempt_record(
            actor=factories.actor(world.cm), stay=stay, attempted_at=NOW - timedelta(hours=2),
            channel=ContactChannel.PHONE, outcome=AttemptOutcome.NO_ANSWER,
        )  # fmt: skip
    assert caught.value.errors == {"attempted_at": ["may not be before the discharge"]}


def test_an_in_house_stay_takes_no_follow_up_attempt(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=3), visit="V8")
    with pytest.raises(RuleViolation):
        services.follow_up_attempt_record(
            actor=factories.actor(world.cm), stay=stay, attempted_at=NOW,
            channel=ContactChannel.PHONE, outcome=AttemptOutcome.REACHED,
        )  # fmt: skip


# --- readmissions --------------------------------------------------------------------------


def test_an_inpatient_admission_within_30_days_links_to_the_index_stay(world: World) -> None:
    index = admit(world.cm, at=NOW - timedelta(days=15), visit="R1")
    discharge(index, world.cm, NOW - timedelta(days=10))
    again = admit(world.cm, at=NOW, visit="R2", consumer_id=index.consumer_id)
    link = Readmission.objects.get(stay=again)
    assert (link.index_stay_id, link.days_after, link.planned) == (index.pk, 10, False)


def test_an_admission_after_30_days_or_as_observation_does_not_link(world: World) -> None:
    index = admit(world.cm, at=NOW - timedelta(days=40), visit="R3")
    discharge(index, world.cm, NOW - timedelta(days=31))
    admit(world.cm, at=NOW - timedelta(hours=1), visit="R4", consumer_id=index.consumer_id)
    other = admit(world.cm, at=NOW - timedelta(days=9), visit="R5")
    discharge(other, world.cm, NOW - timedelta(days=8))
    admit(
        world.cm,
        at=NOW,
        visit="R6",
        consumer_id=other.consumer_id,
        stay_class=StayClass.OBSERVATION,
    )
    assert Readmission.objects.count() == 0


def test_a_cancelled_readmission_is_unlinked(world: World) -> None:
    index = admit(world.cm, at=NOW - timedelta(days=5), visit="R7")
    discharge(index, world.cm, NOW - timedelta(days=2))
    again = admit(world.cm, at=NOW, visit="R8", consumer_id=index.consumer_id)
    assert Readmission.objects.filter(stay=again).exists()
    stay_services.stay_cancel(stay=again, cancel=StayEvent.CANCEL_ADMIT, at=NOW, via=via(world.cm))
    assert not Readmission.objects.filter(stay=again).exists()


def test_a_planned_readmission_needs_its_reason(world: World) -> None:
    index = admit(world.cm, at=NOW - timedelta(days=5), visit="R9")
    discharge(index, world.cm, NOW - timedelta(days=2))
    again = admit(world.cm, at=NOW, visit="R10", consumer_id=index.consumer_id)
    link = Readmission.objects.get(stay=again)
    with pytest.raises(ValidationFailed) as caught:
        services.readmission_review(actor=factories.actor(world.cm), readmission=link, planned=True)
    assert caught.value.errors == {"planned_reason": ["a planned readmission needs its reason"]}
    services.readmission_review(
        actor=factories.actor(world.cm),
        readmission=link,
        planned=True,
        planned_reason="Staged surgery",
    )
    link.refresh_from_db()
    assert (link.planned, link.planned_reason, link.reviewed_by_id) == (
        True,
        "Staged surgery",
        world.cm.pk,
    )


# --- plan, choice list, placement ----------------------------------------------------------


def test_each_save_of_the_plan_is_a_version_and_a_stale_one_is_refused(world: World) -> None:
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="P1")
    actor = factories.actor(world.cm)
    plan = services.transition_plan_save(
        actor=actor, stay=stay, facts=services.PlanFacts(destination=Destination.HOME)
    )
    services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(
            destination=Destination.SKILLED_NURSING, needs=(PostAcuteNeed.SKILLED_NURSING,)
        ),
        version=1,
    )
    assert list(
        TransitionPlanVersion.objects.filter(plan=plan)
        .order_by("number")
        .values_list("number", "facts__destination")
    ) == [(1, "home"), (2, "skilled_nursing")]
    with pytest.raises(StaleVersion):
        services.transition_plan_save(
            actor=actor,
            stay=stay,
            facts=services.PlanFacts(destination=Destination.HOME),
            version=1,
        )


def test_the_choice_list_holds_participating_providers_serving_the_area(world: World) -> None:
    load_providers(world.program)
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="C1")
    found = selectors.choice_list_providers(
        program_id=world.program.pk,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701",
    )
    assert [p.name for p in found] == ["Maple SNF", "Sunrise SNF"]
    choice_list = services.choice_list_create(
        actor=factories.actor(world.cm), stay=stay, provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701", providers=found,
    )  # fmt: skip
    assert [(e["name"], e["financial_interest"]) for e in choice_list.entries] == [
        ("Maple SNF", True),
        ("Sunrise SNF", False),
    ]


def test_a_placement_outside_the_choices_needs_the_reason(world: World) -> None:
    load_providers(world.program)
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="C2")
    actor = factories.actor(world.cm)
    found = selectors.choice_list_providers(
        program_id=world.program.pk,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701",
    )
    choice_list = services.choice_list_create(
        actor=actor,
        stay=stay,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="62701",
        providers=found,
    )
    services.choices_record(actor=actor, choice_list=choice_list, provider_ids=[found[1].pk])
    with pytest.raises(ValidationFailed) as caught:
        services.placement_record(actor=actor, stay=stay, provider=found[0])
    assert list(caught.value.errors) == ["reason"]
    placement = services.placement_record(actor=actor, stay=stay, provider=found[1])
    assert placement.from_choice is True


def test_choices_must_come_from_the_list(world: World) -> None:
    load_providers(world.program)
    stay = admit(world.cm, at=NOW - timedelta(days=1), visit="C3")
    actor = factories.actor(world.cm)
    found = selectors.choice_list_providers(
        program_id=world.program.pk, provider_type=PostAcuteNeed.HOME_HEALTH, postal_code="62701"
    )
    choice_list = services.choice_list_create(
        actor=actor,
        stay=stay,
        provider_type=PostAcuteNeed.HOME_HEALTH,
        postal_code="62701",
        providers=found,
    )
    with pytest.raises(ValidationFailed) as caught:
        services.choices_record(actor=actor, choice_list=choice_list, provider_ids=[987654])
    assert caught.value.errors == {"provider_ids": ["not on the list presented"]}


# --- the referral loop ---------------------------------------------------------------------


def test_the_referral_loop_moves_its_stalled_clock(world: World, frozen) -> None:
    case = factories.active_case(world.cm)
    service = resource_service(1, "Food pantry", need="BD-1800")
    actor = factories.actor(world.cm)
    referral = services.referral_send(
        actor=actor, consumer=factories.consumer_of(case), service=service, need="Food"
    )
    clock_row = selectors.referral_clock(referral_id=referral.pk)
    assert clock_row is not None
    assert (clock_row.due_at, clock_row.state) == (NOW + timedelta(days=7), DeadlineState.OPEN)
    frozen.move_to(NOW + timedelta(days=2))
    services.referral_status_set(actor=actor, referral=referral, status=ReferralStatus.ACCEPTED)
    clock_row.refresh_from_db()
    assert clock_row.due_at == NOW + timedelta(days=9)
    services.referral_status_set(actor=actor, referral=referral, status=ReferralStatus.COMPLETED)
    clock_row.refresh_from_db()
    assert clock_row.state == DeadlineState.MET
    assert [h.status for h in selectors.referral_history(referral_id=referral.pk)] == [
        "sent",
        "accepted",
        "completed",
    ]


def test_a_rejection_without_reason_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    service = resource_service(2, "Housing help", need="BH-1800")
    actor = factories.actor(world.cm)
    referral = services.referral_send(
        actor=actor, consumer=factories.consumer_of(case), service=service, need="Housing"
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.referral_status_set(actor=actor, referral=referral, status=ReferralStatus.REJECTED)
    assert caught.value.errors == {"reason": ["a rejected referral needs its reason"]}
    referral.refresh_from_db()
    assert (referral.status, AuditEvent.objects.count()) == ("sent", events)


def test_a_completed_referral_cannot_be_completed_from_sent(world: World) -> None:
    case = factories.active_case(world.cm)
    service = resource_service(3, "Rides", need="BT-4500")
    actor = factories.actor(world.cm)
    referral = services.referral_send(
        actor=actor, consumer=factories.consumer_of(case), service=service, need="Rides"
    )
    with pytest.raises(RuleViolation):
        services.referral_status_set(
            actor=actor, referral=referral, status=ReferralStatus.COMPLETED
        )


def test_an_inactive_service_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    service = resource_service(4, "Closed", need="BD-1800", status="inactive")
    with pytest.raises(ValidationFailed) as caught:
        services.referral_send(
            actor=factories.actor(world.cm),
            consumer=factories.consumer_of(case),
            service=service,
            need="Food",
        )
    assert caught.value.errors == {"service_id": ["the service is not active"]}


def test_the_follow_up_worklist_lists_open_follow_ups_with_attempts(world: World) -> None:
    from casework.core.policy import Permission
    from casework.web.access import stay_reach_q

    first = admit(world.cm, at=NOW - timedelta(days=4), visit="W1")
    discharge(first, world.cm, NOW - timedelta(hours=10))
    second = admit(world.cm, at=NOW - timedelta(days=4), visit="W2")
    discharge(second, world.cm, NOW - timedelta(hours=20))
    services.follow_up_attempt_record(
        actor=factories.actor(world.cm), stay=second, attempted_at=NOW,
        channel=ContactChannel.PHONE, outcome=AttemptOutcome.NO_ANSWER,
    )  # fmt: skip
    rows = selectors.follow_up_worklist(
        reach=stay_reach_q(world.cm, Permission.CONSUMER_READ), now=NOW
    )
    assert [(r["visit_number"], r["attempts"]) for r in rows] == [("W2", 1), ("W1", 0)]
    assert (
        selectors.follow_up_worklist(
            reach=stay_reach_q(world.other_cm, Permission.CONSUMER_READ), now=NOW
        )
        == []
    )
