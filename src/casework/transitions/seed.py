"""Demo seed of this context (composed by `casework.demo`): a post-acute provider
directory, and the transitions of five of a case manager's consumers, one per situation:
planning in the house (plan, choice list, choices, handoff awaiting discharge); discharged
yesterday with the handoff unconfirmed and one failed call; discharged four days ago with
two failed calls (follow-up escalated, overdue); a 72-hour call made and receipt confirmed
by the receiver's Task; and a readmission linked to its index stay. Three community
referrals show the loop: sent, accepted, completed. The stay in the house has two
sequencing barriers: an MRI escalated to level 1 of the default path, awaiting its
response, and a consult resolved by the charge nurse's response. Everything goes
through the services.
"""

from datetime import datetime, timedelta

from casework.cases.models import Case, CaseState
from casework.core import clock
from casework.core.actor import Actor, actor_for
from casework.core.models import Program
from casework.resources.models import Service
from casework.staff.models import User
from casework.stays import services as stay_services
from casework.stays.models import Stay
from casework.stays.rules import StatusSource, StayClass
from casework.transitions import selectors, services
from casework.transitions.rules import (
    PROVIDER_COLUMNS,
    AttemptOutcome,
    BarrierReason,
    ContactChannel,
    Destination,
    PostAcuteNeed,
    ReferralStatus,
    SequencedItem,
)

PROVIDERS = "\n".join(
    [
        ",".join(PROVIDER_COLUMNS),
        '145001,Lakeside Skilled Nursing,skilled_nursing,10 Shore Rd,Chicago,IL,60601,312-555-0101,"60602 60603 60604",Y,5,"short-stay rehospitalized=17%;discharged to community=58%",N',  # noqa: E501
        '145002,Riverside Care Center,skilled_nursing,22 River St,Chicago,IL,60602,312-555-0102,"60601 60603",Y,3,"short-stay rehospitalized=24%;discharged to community=49%",Y',  # noqa: E501
        '145003,Northside Rehabilitation Hospital,rehabilitation,5 North Ave,Chicago,IL,60603,312-555-0103,"60601 60602",Y,4,"discharged to community=71%",N',  # noqa: E501
        '147001,Home Health Partners,home_health,8 Loop Blvd,Chicago,IL,60604,312-555-0104,"60601 60602 60603",Y,4,"timely initiation=96%;improved walking=77%",N',  # noqa: E501
        '147002,CityCare Home Health,home_health,40 Lake St,Chicago,IL,60601,312-555-0105,"60602",Y,2,"timely initiation=88%",N',  # noqa: E501
        "141001,Hope Hospice,hospice,3 Elm St,Chicago,IL,60602,312-555-0106,60601 60603,Y,,,N",
        "149001,Medical Supply Co,durable_equipment,9 State St,Chicago,IL,60603,312-555-0107,60601 60602,Y,,,N",  # noqa: E501
    ]
)
CONTENTS: dict[str, object] = {
    "reason_for_stay": "Heart failure exacerbation with fluid overload",
    "problems": ["Heart failure with reduced ejection fraction", "Type 2 diabetes"],
    "medications_start": ["Furosemide 40 mg by mouth daily"],
    "medications_stop": ["Ibuprofen (worsens heart failure)"],
    "medications_change": ["Metoprolol succinate 25 mg to 50 mg daily"],
    "allergies": ["Penicillin (rash)"],
    "pending_tests": ["Basic metabolic panel, result due in 2 days"],
    "appointments": ["Cardiology clinic within 7 days"],
    "goals_of_care": ["Stay at home; full code"],
    "contacts": ["Case manager 312-555-0199", "Daughter (health care agent) 312-555-0142"],
}


def _stay(program: Program, case: Case, actor: Actor, visit: str, admitted_at: datetime) -> Stay:
    return stay_services.stay_create(
        program=program,
        consumer=case.consumer,
        facts=stay_services.StayFacts(
            visit_number=visit,
            stay_class=StayClass.INPATIENT,
            admitted_at=admitted_at,
            case_id=case.pk,
            admitting_diagnosis="Heart failure",
        ),
        via=stay_services.Via(source=StatusSource.MANUAL, actor=actor),
        drg_version="demo-v42",
    )


def _discharge(stay: Stay, actor: Actor, at: datetime) -> Stay:
    return stay_services.stay_discharge(
        stay=stay, at=at, via=stay_services.Via(source=StatusSource.MANUAL, actor=actor)
    )


def _plan_and_choice(program: Program, stay: Stay, actor: Actor) -> None:
    services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(destination=Destination.HOME),
    )
    services.transition_plan_save(
        actor=actor,
        stay=stay,
        facts=services.PlanFacts(
            destination=Destination.SKILLED_NURSING,
            anticipated_discharge_date=stay.admitted_at.date() + timedelta(days=4),
            needs=(PostAcuteNeed.SKILLED_NURSING, PostAcuteNeed.DURABLE_EQUIPMENT),
            barriers="Lives alone; stairs at home",
            readmission_risk="LACE 12 (high)",
        ),
        version=1,
    )
    found = selectors.choice_list_providers(
        program_id=program.pk, provider_type=PostAcuteNeed.SKILLED_NURSING, postal_code="60601"
    )
    choice_list = services.choice_list_create(
        actor=actor,
        stay=stay,
        provider_type=PostAcuteNeed.SKILLED_NURSING,
        postal_code="60601",
        providers=found,
    )
    services.choices_record(
        actor=actor, choice_list=choice_list, provider_ids=[p.pk for p in found][:2]
    )
    services.placement_record(actor=actor, stay=stay, provider=found[0])


def _barriers(stay: Stay, actor: Actor, now: datetime) -> None:
    """An escalated barrier awaiting level 1's response, and one its response resolved."""
    waiting = services.sequencing_barrier_record(
        actor=actor,
        stay=stay,
        facts=services.BarrierFacts(
            item=SequencedItem.TEST,
            description="MRI of the lumbar spine",
            ordered_at=now - timedelta(hours=30),
            expected_at=now - timedelta(hours=6),
            reason=BarrierReason.EQUIPMENT,
            note="Scanner down; the next slot is in three days.",
        ),
    )
    services.sequencing_barrier_escalate(actor=actor, barrier=waiting)
    answered = services.sequencing_barrier_record(
        actor=actor,
        stay=stay,
        facts=services.BarrierFacts(
            item=SequencedItem.CONSULT,
            description="Cardiology consult",
            ordered_at=now - timedelta(hours=40),
            expected_at=now - timedelta(hours=16),
            reason=BarrierReason.SCHEDULING,
        ),
    )
    services.sequencing_barrier_escalate(actor=actor, barrier=answered)
    services.sequencing_response_record(
        actor=actor,
        barrier=answered,
        responder="Charge nurse, unit 4 West",
        response="Cardiology fellow booked to see the consumer this afternoon.",
        responded_at=clock.now(),
        resolves=True,
    )


def transitions_seed(*, program: Program, manager: User, now: datetime) -> dict[str, int]:
    """The provider directory and the demo transitions of `manager`'s active cases."""
    services.providers_import(program=program, text=PROVIDERS)
    actor = actor_for(manager)
    cases = list(
        Case.objects.filter(assigned_to=manager, state=CaseState.ACTIVE)
        .select_related("consumer")
        .order_by("pk")[:8]
    )
    if len(cases) < 5:
        return {"stays": 0, "referrals": 0}
    # 1. In the house: plan (two versions), choice list, choices, placement, handoff sent.
    planning = _stay(program, cases[0], actor, "TC0001", now - timedelta(days=3))
    _plan_and_choice(program, planning, actor)
    services.handoff_send(
        actor=actor, stay=planning, receiver_name="Lakeside Skilled Nursing", contents=CONTENTS
    )
    _barriers(planning, actor, now)
    # 2. Discharged yesterday: handoff unconfirmed, one failed call.
    yesterday = _stay(program, cases[1], actor, "TC0002", now - timedelta(days=5))
    services.handoff_send(
        actor=actor, stay=yesterday, receiver_name="Home Health Partners", contents=CONTENTS
    )
    _discharge(yesterday, actor, now - timedelta(days=1))
    services.follow_up_attempt_record(
        actor=actor,
        stay=yesterday,
        attempted_at=now - timedelta(hours=3),
        channel=ContactChannel.PHONE,
        outcome=AttemptOutcome.NO_ANSWER,
    )
    # 3. Discharged four days ago: two failed calls, escalated and overdue.
    overdue = _stay(program, cases[2], actor, "TC0003", now - timedelta(days=9))
    _discharge(overdue, actor, now - timedelta(days=4))
    for hours, outcome in ((80, AttemptOutcome.NO_ANSWER), (60, AttemptOutcome.VOICEMAIL)):
        services.follow_up_attempt_record(
            actor=actor,
            stay=overdue,
            attempted_at=now - timedelta(hours=hours),
            channel=ContactChannel.PHONE,
            outcome=outcome,
        )
    # 4. Reached within 72 hours; the receiver confirmed the handoff through its Task.
    done = _stay(program, cases[3], actor, "TC0004", now - timedelta(days=6))
    handoff = services.handoff_send(
        actor=actor, stay=done, receiver_name="CityCare Home Health", contents=CONTENTS
    )
    _discharge(done, actor, now - timedelta(days=2))
    services.handoff_task_update(actor=actor, handoff=handoff, status="completed")
    services.follow_up_attempt_record(
        actor=actor,
        stay=done,
        attempted_at=now - timedelta(days=1),
        channel=ContactChannel.PHONE,
        outcome=AttemptOutcome.REACHED,
        note="Taking the new medicines; scale at home; appointment booked.",
    )
    # 5. A readmission: discharged 12 days ago, back today.
    index = _stay(program, cases[4], actor, "TC0005", now - timedelta(days=18))
    _discharge(index, actor, now - timedelta(days=12))
    _stay(program, cases[4], actor, "TC0006", now - timedelta(hours=6))
    # Community referrals, one per step of the loop.
    referrals = 0
    active = list(Service.objects.filter(status="active").order_by("name")[:3])
    for n in range(3 if active else 0):
        case, service = cases[(5 + n) % len(cases)], active[n % len(active)]
        referral = services.referral_send(
            actor=actor, consumer=case.consumer, service=service, need="Food and housing support"
        )
        if n >= 1:
            services.referral_status_set(
                actor=actor, referral=referral, status=ReferralStatus.ACCEPTED
            )
        if n >= 2:
            services.referral_status_set(
                actor=actor, referral=referral, status=ReferralStatus.COMPLETED
            )
        referrals += 1
    return {"stays": 6, "referrals": referrals}
