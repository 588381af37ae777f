"""Records-governance services: retention runs with legal holds and certificates,
disclosures and their accounting, access requests on their clock, the register."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from casework.complaints.models import Complaint
from casework.coordination import services as coordination_services
from casework.coordination.models import Communication
from casework.core import clock
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, AuditEvent, Deadline, DeadlineState
from casework.governance import selectors, services
from casework.governance.deadlines import GovernanceDeadline
from casework.governance.models import (
    AccessRequest,
    DestructionCertificate,
    Disclosure,
    LegalHold,
    RetentionRule,
)
from tests import factories
from tests.api_helpers import events_since, last_event_id
from tests.conftest import World

pytestmark = pytest.mark.django_db

ELEVEN_YEARS = timedelta(days=11 * 366)


def communication(world: World, case: Any) -> Communication:
    return coordination_services.communication_create(
        actor=factories.actor(world.cm),
        case=case,
        channel="phone",
        direction="outbound",
        topic="care",
        parties="Consumer",
        summary="Confirmed the ride.",
        occurred_at=clock.now() - timedelta(hours=1),
    )


def disclose(world: World, consumer_id: int, **overrides: Any) -> Disclosure:
    from casework.consumers.models import Consumer

    fields: dict[str, Any] = {
        "disclosed_at": clock.now() - timedelta(hours=1),
        "recipient": "County Adult Protective Services",
        "recipient_address": "1 Main St",
        "channel": "phone",
        "description": "Name, address, suspected neglect",
        "purpose": "Mandated report",
        "authority": "abuse_report",
        **overrides,
    }
    return services.disclosure_record(
        actor=factories.actor(world.cm), consumer=Consumer.objects.get(pk=consumer_id), **fields
    )


# --- retention ----------------------------------------------------------------------------


def test_a_dry_run_destroys_nothing_and_writes_one_list_event(world: World) -> None:
    case = factories.active_case(world.cm)
    item = communication(world, case)
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        since = last_event_id()
        certificates = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program
        )
        events = events_since(since)
    assert certificates == []
    assert Communication.objects.filter(pk=item.pk).exists()
    assert [(e.action, e.object_type, e.detail) for e in events] == [
        (
            AuditAction.LIST,
            "retention_plan",
            {"communication": 1, "complaint": 0, "disclosure": 0, "access_request": 0, "case": 0},
        )
    ]


def test_a_run_destroys_what_is_due_and_a_legal_hold_protects_its_consumer(
    world: World,
) -> None:
    held_case = factories.active_case(world.cm)
    free_case = factories.active_case(world.cm)
    held = communication(world, held_case)
    free = communication(world, free_case)
    recent = communication(world, free_case)
    services.legal_hold_place(
        actor=factories.actor(world.compliance),
        consumer=held_case.consumer,
        reason="Litigation notice 2026-114",
    )
    # The recent one is kept: it is one year old when the run comes.
    recent.occurred_at = clock.now() - timedelta(hours=1)
    later = clock.now() + ELEVEN_YEARS
    Communication.objects.filter(pk=recent.pk).update(occurred_at=later - timedelta(days=365))
    events_before = AuditEvent.objects.count()
    with time_machine.travel(later, tick=False):
        since = last_event_id()
        (certificate,) = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )
        events = events_since(since)
    assert set(
        Communication.objects.filter(case__program=world.program).values_list("pk", flat=True)
    ) >= {
        held.pk,
        recent.pk,
    }
    assert not Communication.objects.filter(pk=free.pk).exists()
    assert (
        certificate.record_type,
        certificate.count,
        certificate.record_ids,
        certificate.retention_years,
        certificate.held_back,
        certificate.destroyed_by_id,
    ) == ("communication", 1, [free.pk], 10, 1, world.compliance.pk)
    assert [(e.action, e.object_type, e.object_id, e.consumer_id, e.detail) for e in events] == [
        (
            AuditAction.DELETE,
            "communication",
            str(free.pk),
            free_case.consumer_id,
            {"retention_years": 10, "certificate": certificate.pk},
        )
    ]
    # The audit trail itself is never destroyed.
    assert AuditEvent.objects.count() == events_before + 1


def test_a_hold_on_one_case_protects_that_case_only(world: World) -> None:
    case = factories.active_case(world.cm)
    other = factories.referred_case(world.cm, given_name=case.consumer.given_name)
    held = communication(world, case)
    services.legal_hold_place(
        actor=factories.actor(world.compliance),
        consumer=case.consumer,
        reason="Subpoena",
        case_id=case.pk,
    )
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        (row, *_rest) = selectors.retention_plan(program_id=world.program.pk, now=clock.now())
    assert (row.record_type, row.held_ids) == ("communication", [held.pk])
    assert other.pk != case.pk


def test_a_released_hold_no_longer_protects(world: World) -> None:
    case = factories.active_case(world.cm)
    item = communication(world, case)
    actor = factories.actor(world.compliance)
    hold = services.legal_hold_place(actor=actor, consumer=case.consumer, reason="Audit")
    services.legal_hold_release(actor=actor, hold=hold, version=1, reason="Matter closed")
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        services.retention_run(actor=actor, program=world.program, apply=True)
    assert not Communication.objects.filter(pk=item.pk).exists()


def test_releasing_a_released_hold_is_refused_and_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    actor = factories.actor(world.compliance)
    hold = services.legal_hold_place(actor=actor, consumer=case.consumer, reason="Audit")
    services.legal_hold_release(actor=actor, hold=hold, version=1, reason="Done")
    since = last_event_id()
    with pytest.raises(RuleViolation):
        services.legal_hold_release(actor=actor, hold=hold, version=2, reason="Again")
    with pytest.raises(StaleVersion):
        services.legal_hold_release(actor=actor, hold=hold, version=1, reason="Again")
    assert events_since(since) == []
    assert LegalHold.objects.get(pk=hold.pk).release_reason == "Done"


def test_a_hold_on_another_consumers_case_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    other = factories.active_case(world.cm)
    since = last_event_id()
    with pytest.raises(ValidationFailed) as refused:
        services.legal_hold_place(
            actor=factories.actor(world.compliance),
            consumer=case.consumer,
            reason="Subpoena",
            case_id=other.pk,
        )
    assert refused.value.errors == {"case_id": ["not a case of this consumer"]}
    assert events_since(since) == [] and LegalHold.objects.count() == 0


def test_a_retention_below_the_floor_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.retention_rule_set(
            actor=factories.actor(world.compliance),
            program=world.program,
            record_type="disclosure",
            years=5,
            reason="Shorter",
        )
    assert list(refused.value.errors) == ["years"]
    assert RetentionRule.objects.count() == 0


def test_audit_events_keep_their_own_rule(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.retention_rule_set(
            actor=factories.actor(world.compliance),
            program=world.program,
            record_type="audit_event",
            years=10,
            reason="Longer",
        )
    assert refused.value.errors == {
        "record_type": ["this record type is kept by its own rule and cannot be changed"]
    }


def test_a_program_retention_applies_to_the_run(world: World) -> None:
    actor = factories.actor(world.compliance)
    services.retention_rule_set(
        actor=actor,
        program=world.program,
        record_type="communication",
        years=25,
        reason="State law: 25 years for minors",
    )
    case = factories.active_case(world.cm)
    communication(world, case)
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        plan = selectors.retention_plan(program_id=world.program.pk, now=clock.now())
    assert (plan[0].years, plan[0].due_ids) == (25, [])


def test_resolved_complaints_go_with_their_clocks(world: World) -> None:
    from casework.complaints import services as complaint_services

    case = factories.active_case(world.cm)
    complaint = complaint_services.complaint_receive(
        actor=factories.actor(world.cm),
        consumer=case.consumer,
        kind="grievance",
        channel="phone",
        received_at=clock.now() - timedelta(hours=2),
        complainant="Rosa",
        complainant_relationship="self",
        about="Late aide",
        category="quality_of_care",
        severity="low",
        coverage="program_policy",
    )
    complaint_services.complaint_resolve(
        actor=factories.actor(world.cm),
        complaint=complaint,
        version=complaint.version,
        outcome="upheld",
        resolution="Fixed",
    )
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        (certificate,) = services.retention_run(
            actor=factories.actor(world.compliance), program=world.program, apply=True
        )
    assert (certificate.record_type, certificate.count) == ("complaint", 1)
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert not Deadline.objects.filter(subject_type="complaint", subject_id=complaint.pk).exists()


# --- disclosures ----------------------------------------------------------------------------


def test_a_disclosure_is_recorded_with_one_create_event(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    disclosure = disclose(world, case.consumer_id)
    assert [(e.action, e.object_type, e.object_id, e.consumer_id) for e in events_since(since)] == [
        (AuditAction.CREATE, "disclosure", str(disclosure.pk), case.consumer_id)
    ]


def test_bad_disclosure_input_names_each_field_and_changes_nothing(world: World) -> None:
    case = factories.active_case(world.cm)
    since = last_event_id()
    with pytest.raises(ValidationFailed) as refused:
        disclose(
            world,
            case.consumer_id,
            disclosed_at=clock.now() + timedelta(days=1),
            authority="gossip",
            recipient=" ",
            corrects_id=987654,
        )
    assert refused.value.errors == {
        "disclosed_at": ["cannot be in the future"],
        "authority": ["not one of the choices"],
        "recipient": ["this field is required"],
        "corrects_id": ["not a disclosure of this consumer"],
    }
    assert events_since(since) == [] and Disclosure.objects.count() == 0


def test_the_accounting_lists_six_years_oldest_first_with_corrections(world: World) -> None:
    case = factories.active_case(world.cm)
    first = disclose(world, case.consumer_id)
    correction = disclose(world, case.consumer_id, recipient="County APS", corrects_id=first.pk)
    with time_machine.travel(clock.now() + timedelta(days=5 * 365), tick=False):
        rows = selectors.disclosure_accounting(consumer_id=case.consumer_id, now=clock.now())
    assert [(d.pk, d.corrects_id) for d in rows] == [(first.pk, None), (correction.pk, first.pk)]
    with time_machine.travel(clock.now() + timedelta(days=6 * 366), tick=False):
        assert selectors.disclosure_accounting(consumer_id=case.consumer_id, now=clock.now()) == []


# --- access requests ------------------------------------------------------------------------


def receive(world: World, case: Any) -> AccessRequest:
    return services.access_request_receive(
        actor=factories.actor(world.compliance),
        consumer=case.consumer,
        received_at=clock.now() - timedelta(hours=1),
        requested_by="The consumer",
        format="fhir",
    )


def test_an_access_request_starts_a_30_day_clock_on_the_worklist(world: World) -> None:
    case = factories.active_case(world.cm)
    request = receive(world, case)
    deadline = Deadline.objects.get(kind=GovernanceDeadline.ACCESS_RESPOND, subject_id=request.pk)
    assert (deadline.rule_code, deadline.owner_id, deadline.consumer_id, deadline.state) == (
        "H-ACC",
        world.compliance.pk,
        case.consumer_id,
        DeadlineState.OPEN,
    )
    assert 29 <= (deadline.due_at - request.received_at).days <= 30


def test_the_one_extension_adds_30_days_and_a_second_is_refused(world: World) -> None:
    case = factories.active_case(world.cm)
    request = receive(world, case)
    due = Deadline.objects.get(subject_id=request.pk, kind="access_request_respond").due_at
    actor = factories.actor(world.compliance)
    services.access_request_extend(actor=actor, request=request, version=1, reason="Archived")
    extended = Deadline.objects.get(subject_id=request.pk, kind="access_request_respond")
    assert extended.due_at - due == timedelta(days=30)
    since = last_event_id()
    with pytest.raises(ValidationFailed) as refused:
        services.access_request_extend(actor=actor, request=request, version=2, reason="More")
    assert refused.value.errors == {"extension": ["H-ACC's extension was already taken"]}
    assert events_since(since) == []
    assert AccessRequest.objects.get(pk=request.pk).version == 2


def test_closing_meets_the_clock_and_a_denial_says_why(world: World) -> None:
    case = factories.active_case(world.cm)
    request = receive(world, case)
    actor = factories.actor(world.compliance)
    with pytest.raises(ValidationFailed) as refused:
        services.access_request_close(
            actor=actor, request=request, version=1, outcome="denied", note=""
        )
    assert list(refused.value.errors) == ["note"]
    services.access_request_close(
        actor=actor, request=request, version=1, outcome="fulfilled", note=""
    )
    deadline = Deadline.objects.get(subject_id=request.pk, kind="access_request_respond")
    assert (request.state, deadline.state) == ("fulfilled", DeadlineState.MET)


# --- the compliance register ----------------------------------------------------------------


def test_a_requirement_puts_its_review_on_the_owners_worklist(world: World) -> None:
    from casework.core.deadlines import deadline_worklist

    review = clock.now().date() + timedelta(days=10)
    requirement = services.requirement_create(
        actor=factories.actor(world.compliance),
        program=world.program,
        jurisdiction="US-MA",
        kind="regulation",
        title="Privacy notice review",
        citation="45 CFR 164.520",
        owner_id=world.compliance.pk,
        review_date=review,
        evidence_links=["https://example.org/notice.pdf"],
    )
    rows = deadline_worklist(
        owner_ids=[world.compliance.pk], due_before=clock.now() + timedelta(days=30)
    )
    assert [(r["kind"], r["url"]) for r in rows] == [
        ("compliance_review", f"/governance/register/{requirement.pk}/")
    ]
    due = selectors.requirements_due(program_id=world.program.pk, today=clock.now().date())
    assert ([r.pk for r in due["due"]], due["overdue"]) == ([requirement.pk], [])
    with time_machine.travel(clock.now() + timedelta(days=12), tick=False):
        due = selectors.requirements_due(program_id=world.program.pk, today=clock.now().date())
    assert [r.pk for r in due["overdue"]] == [requirement.pk]


def test_bad_register_input_names_each_field(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.requirement_create(
            actor=factories.actor(world.compliance),
            program=world.program,
            jurisdiction="Mass",
            kind="rumour",
            title="X",
            citation="Y",
            owner_id=world.outsider_cm.pk,
            review_date=date(2020, 1, 1),
            evidence_links=["ftp://x"],
        )
    assert set(refused.value.errors) == {
        "owner_id",
        "evidence_links",
        "jurisdiction",
        "review_date",
        "kind",
    }


def test_a_hold_placed_after_the_plan_was_read_still_protects(world: World) -> None:
    case = factories.active_case(world.cm)
    item = communication(world, case)
    actor = factories.actor(world.compliance)
    with time_machine.travel(clock.now() + ELEVEN_YEARS, tick=False):
        (row, *_rest) = selectors.retention_plan(program_id=world.program.pk, now=clock.now())
        assert row.due_ids == [item.pk]
        services.legal_hold_place(actor=actor, consumer=case.consumer, reason="Late notice")
        assert (
            selectors.still_destroyable(
                record_type=row.record_type,
                program_id=world.program.pk,
                cutoff=row.cutoff_at,
                ids=row.due_ids,
            )
            == []
        )
        assert services.retention_run(actor=actor, program=world.program, apply=True) == []
    assert Communication.objects.filter(pk=item.pk).exists()
    assert DestructionCertificate.objects.count() == 0
