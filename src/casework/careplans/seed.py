"""Demo seed of this context (composed by `casework.demo`): a care team and a first plan
of care with the consumer's agreement, through the careplans (and coordination) services."""

from datetime import datetime, timedelta

from casework.careplans import rules, services
from casework.careplans.models import CarePlan
from casework.cases.models import Case
from casework.coordination import selectors as coordination_selectors
from casework.coordination import services as coordination
from casework.core.actor import Actor
from casework.staff.models import User


def first_plan_seed(*, actor: Actor, case: Case, case_manager: User, now: datetime) -> None:
    """The primary care physician joins the care team (the case manager is on it from
    their assignment); a first plan of care (one problem, one goal, two interventions) is
    agreed with the consumer."""
    own = coordination_selectors.care_team_membership_of(
        consumer_id=case.consumer_id, user_id=case_manager.pk
    ) or coordination.care_team_member_add(
        actor=actor,
        case=case,
        name=case_manager.get_full_name(),
        role="Case manager",
        user=case_manager,
    )
    doctor = coordination.care_team_member_add(
        actor=actor,
        case=case,
        name="Dr. Priya Raman",
        role="Primary care physician",
        organization="Riverside Clinic",
        phone="555-0142",
        is_external_provider=True,
    )
    today = now.date()
    plan = rules.PlanSpec(
        problems=(
            rules.ProblemSpec(
                key="p1", description="Depressive symptoms", priority=1, consumer_priority=1
            ),
        ),
        goals=(
            rules.GoalSpec(
                key="g1",
                problem_key="p1",
                description="Mood improves enough to return to the weekly walking group",
                target_date=today + timedelta(days=90),
                target_value="PHQ-9 below 10",
                guideline="USPSTF 2023: screening for depression in adults",
            ),
        ),
        interventions=(
            rules.InterventionSpec(
                key="i1",
                goal_key="g1",
                kind="coordination",
                description="Share the PHQ-9 with the primary care physician for review",
                responsible_id=doctor.pk,
                due_date=today + timedelta(days=7),
            ),
            rules.InterventionSpec(
                key="i2",
                goal_key="g1",
                kind="monitoring",
                description="Repeat the PHQ-9 by phone every four weeks",
                responsible_id=own.pk,
                due_date=today + timedelta(days=28),
            ),
        ),
        barriers=(rules.BarrierSpec(goal_key="g1", description="No transport"),),
    )
    version = services.care_plan_revise(
        actor=actor, case=case, plan=plan, reason="First plan of care", version=None
    )
    services.plan_agreement_record(
        actor=actor,
        plan=CarePlan.objects.get(pk=version.plan_id),
        plan_version=version.number,
        agreed_by=str(case.consumer),
        role="consumer",
        method="in_person",
        participants="Consumer and case manager",
        agreed_at=now - timedelta(hours=1),
    )
