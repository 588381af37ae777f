"""Demo seed of this context (composed by `casework.demo`): the labelled sample
jurisdiction table, a suspicion reported orally with the written report still owed, an
exposure incident waiting for its written opinion, and an open ethics consultation."""

from datetime import datetime, timedelta

from casework.cases.models import Case, CaseState
from casework.core.actor import actor_for
from casework.core.models import Program
from casework.protections import services
from casework.staff.models import User


def protections_seed(*, program: Program, manager: User, now: datetime) -> None:
    services.jurisdiction_sample_install(program=program)
    actor = actor_for(manager, address="127.0.0.1")
    cases = list(
        Case.objects.filter(assigned_to=manager, state=CaseState.ACTIVE)
        .select_related("consumer")
        .order_by("pk")[:2]
    )
    if not cases:
        return
    report = services.abuse_report_create(
        actor=actor,
        consumer=cases[0].consumer,
        kind="neglect",
        victim_class="elder",
        setting="community",
        state_code="CA",
        serious_injury=False,
        suspected_at=now - timedelta(hours=5),
        description="Little food in the house and untreated pressure sores.",
    )
    services.abuse_report_agency_report(
        actor=actor,
        report=report,
        version=report.version,
        mode="oral",
        reported_at=now - timedelta(hours=4, minutes=30),
        agency="County Adult Protective Services",
        reference="APS-DEMO-1",
    )
    incident = services.incident_create(
        actor=actor,
        program_id=program.pk,
        kind="exposure",
        occurred_at=now - timedelta(days=2),
        learned_at=now - timedelta(days=2),
        description="Needlestick from a used lancet during a home visit.",
        staff_member=manager,
        sharps_or_infectious=True,
    )
    services.incident_evaluation_offer(
        actor=actor,
        incident=incident,
        version=incident.version,
        offered_at=now - timedelta(days=2) + timedelta(minutes=40),
    )
    services.consultation_request(
        actor=actor,
        consumer=cases[-1].consumer,
        kind="ethics",
        parties=["consumer", "payer"],
        question="The plan will not pay for the home modification the consumer needs to stay home.",
    )
