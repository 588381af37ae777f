"""Reviews, the physician advisor's determination (482.30) and Condition Code 44."""

from datetime import timedelta

import pytest

from casework.core import clock
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditEvent, Deadline
from casework.core.roles import Role
from casework.stays import services
from casework.stays.models import AdvisorReferral, Stay
from casework.stays.rules import AttendingView, Determination, ReviewKind, StatusSource, StayClass
from tests import factories

CRITERIA = "casework-open-um-2026.1"
NOT_MET = {"order": True, "two_midnight": False, "inpatient_only": False, "exception": False,
           "intensity": False}  # fmt: skip
MET = {**NOT_MET, "two_midnight": True, "intensity": True}
CLEAN = services.Attestation(involved_in_care=False, financial_interest=False)


@pytest.fixture
def stay(world) -> Stay:
    case = factories.active_case(world.cm)
    return services.stay_create(
        program=world.program,
        consumer=factories.consumer_of(case),
        facts=services.StayFacts(
            visit_number="R1",
            stay_class=StayClass.INPATIENT,
            admitted_at=clock.now() - timedelta(hours=20),
            medicare=True,
        ),
        via=services.Via(source=StatusSource.API, actor=factories.actor(world.cm)),
        drg_version="demo-v42",
    )


def review(world, stay, results, **kw):
    facts = services.ReviewFacts(
        kind=ReviewKind.ADMISSION, results=results, two_midnight_expected=False,
        inpatient_only=False, **kw,
    )  # fmt: skip
    return services.review_record(
        stay=stay, actor=factories.actor(world.cm), facts=facts, criteria_key=CRITERIA
    )


def kinds(stay) -> dict[str, str]:
    return dict(
        Deadline.objects.filter(subject_type="stay", subject_id=stay.pk).values_list(
            "kind", "state"
        )
    )


def test_a_met_review_sets_the_next_review_and_refers_nobody(world, stay) -> None:
    r = review(world, stay, MET)
    assert (r.outcome, r.criteria_set, r.criteria_version) == ("met", "casework-open-um", "2026.1")
    assert kinds(stay)["stay_review"] == "open"
    assert AdvisorReferral.objects.count() == 0


def test_a_not_met_review_goes_to_the_advisor_with_a_due_time(world, stay) -> None:
    review(world, stay, NOT_MET)
    referral = AdvisorReferral.objects.get()
    assert referral.state == "open"
    assert referral.due_at - referral.referred_at == timedelta(hours=24)
    assert kinds(stay)["stay_advisor"] == "open"


def test_a_review_needs_a_result_for_every_criterion(world, stay) -> None:
    with pytest.raises(ValidationFailed) as refused:
        review(world, stay, {"order": True})
    assert refused.value.errors["results"][0] == "no result for exception"


def test_a_medicare_admission_review_records_the_two_midnight_expectation(world, stay) -> None:
    facts = services.ReviewFacts(kind=ReviewKind.ADMISSION, results=MET)
    with pytest.raises(ValidationFailed) as refused:
        services.review_record(
            stay=stay, actor=factories.actor(world.cm), facts=facts, criteria_key=CRITERIA
        )
    assert list(refused.value.errors) == ["two_midnight_expected"]


def decide(world, referral, **kw):
    facts = services.DecisionFacts(
        **{"determination": Determination.NOT_NECESSARY, "rationale": "No acute need",
           "attestation": CLEAN, "attending_view": AttendingView.CONCURS, **kw}
    )  # fmt: skip
    return services.referral_decide(
        referral=referral, actor=factories.actor(world.physician), facts=facts
    )


def test_an_involved_advisor_is_refused_and_nothing_changes(world, stay) -> None:
    review(world, stay, NOT_MET)
    referral = AdvisorReferral.objects.get()
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        decide(world, referral, attestation=services.Attestation(True, False))
    assert "professionally involved" in refused.value.reason
    referral.refresh_from_db()
    assert (referral.state, AuditEvent.objects.count()) == ("open", events)


def test_not_necessary_needs_the_attending_consulted(world, stay) -> None:
    review(world, stay, NOT_MET)
    with pytest.raises(RuleViolation) as refused:
        decide(world, AdvisorReferral.objects.get(), attending_view=AttendingView.NOT_CONSULTED)
    assert refused.value.reason == "the attending physician must be consulted first"


def test_when_the_attending_disagrees_two_physicians_must_decide(world, stay) -> None:
    review(world, stay, NOT_MET)
    referral = AdvisorReferral.objects.get()
    with pytest.raises(RuleViolation):
        decide(world, referral, attending_view=AttendingView.DISAGREES)
    second = factories.user(Role.PHYSICIAN_ADVISOR, world.program)
    decided = decide(
        world, referral, attending_view=AttendingView.DISAGREES, second_reviewer=second,
        second_attestation=CLEAN, peer_to_peer="Spoke with Dr. Smith at 10:05",
    )  # fmt: skip
    assert (decided.state, decided.determination) == ("decided", "not_necessary")
    assert kinds(stay)["stay_ur_notice"] == "open"
    assert kinds(stay)["stay_advisor"] == "met"


def test_cc44_refuses_the_change_to_outpatient_until_every_step(world, stay) -> None:
    via = services.Via(source=StatusSource.MANUAL, actor=factories.actor(world.cm))
    with pytest.raises(RuleViolation) as refused:
        services.stay_class_change(
            stay=stay, stay_class=StayClass.OBSERVATION, at=clock.now(), via=via,
            cc44=services.cc44_facts(stay=stay, attending_concurrence_documented=True),
        )  # fmt: skip
    assert "a utilization review committee physician must decide" in refused.value.reason
    review(world, stay, NOT_MET)
    decide(world, AdvisorReferral.objects.get())

    changed = services.stay_class_change(
        stay=stay, stay_class=StayClass.OBSERVATION, at=clock.now(), via=via,
        cc44=services.cc44_facts(stay=stay, attending_concurrence_documented=True),
    )  # fmt: skip
    assert changed.stay_class == "observation"
