"""Demo seed of this context (composed by `casework.demo`): complaints in every situation,
through the services, as staff would record them: a grievance acknowledged and extended
(with its notice clock), one paused waiting for information, an expedited appeal close to
its limit, a resolved one with its letter, and a disagreement about care options with
the program's named reviewer."""

from datetime import datetime, timedelta

from casework.cases.models import Case, CaseState
from casework.complaints import services
from casework.complaints.models import Complaint, ComplaintPolicy
from casework.core.actor import actor_for
from casework.core.models import Program
from casework.staff.models import User

BASE = {
    "complainant_relationship": "self",
    "severity": "medium",
}


def _case_of(manager: User, n: int) -> Case:
    cases = Case.objects.filter(assigned_to=manager, state=CaseState.ACTIVE).order_by("pk")
    return cases[n % max(1, cases.count())]


def complaints_seed(
    *, program: Program, managers: list[User], reviewer: User, now: datetime
) -> list[Complaint]:
    """Five complaints on the managers' active cases; returns them in the order above."""
    ComplaintPolicy.objects.update_or_create(
        program=program, defaults={"care_options_reviewer": reviewer}
    )
    made: list[Complaint] = []
    cm = managers[0]
    actor = actor_for(cm, address="127.0.0.1")

    def receive(n: int, **fields: object) -> Complaint:
        case = _case_of(managers[n % len(managers)], n)
        who = actor_for(managers[n % len(managers)], address="127.0.0.1")
        complaint = services.complaint_receive(
            actor=who,
            consumer=case.consumer,
            **{**BASE, **fields},  # type: ignore[arg-type]
        )
        made.append(complaint)
        return complaint

    extended = receive(
        0,
        kind="grievance",
        channel="phone",
        received_at=now - timedelta(days=20),
        complainant="Consumer (by phone)",
        about="The home health aide missed two visits in a row.",
        category="quality_of_care",
        coverage="medicaid_managed_care",
    )
    services.complaint_acknowledge(
        actor=actor,
        complaint=extended,
        version=extended.version,
        method="mail",
        acknowledged_at=now - timedelta(days=18),
    )
    services.complaint_extend(
        actor=actor,
        complaint=extended,
        version=extended.version,
        reason="Waiting for the home health agency's visit log",
        consumer_requested=False,
    )
    paused = receive(
        1,
        kind="grievance",
        channel="email",
        received_at=now - timedelta(days=6),
        complainant="Daughter of the consumer",
        complainant_relationship="daughter (representative)",
        about="Billed twice for the same transport.",
        category="billing",
        coverage="program_policy",
    )
    who = actor_for(managers[1 % len(managers)], address="127.0.0.1")
    services.complaint_pause(
        actor=who,
        complaint=paused,
        version=paused.version,
        reason="Waiting for the receipts the family agreed to send",
    )
    receive(
        2,
        kind="appeal",
        channel="portal",
        received_at=now - timedelta(hours=60),
        complainant="Consumer",
        about="The plan stopped covering the insulin pump supplies.",
        category="access",
        severity="high",
        coverage="medicaid_managed_care",
        expedited=True,
        expedite_reason="Without supplies the consumer cannot manage blood sugar",
    )
    resolved = receive(
        3,
        kind="grievance",
        channel="in_person",
        received_at=now - timedelta(days=12),
        complainant="Consumer",
        about="Was not told when the case manager changed.",
        category="communication",
        severity="low",
        coverage="medicare_advantage",
    )
    who = actor_for(managers[3 % len(managers)], address="127.0.0.1")
    services.complaint_resolve(
        actor=who,
        complaint=resolved,
        version=resolved.version,
        outcome="upheld",
        resolution=(
            "We apologised, introduced the new case manager by phone, and changed our "
            "hand-over checklist so consumers hear about a change before it happens."
        ),
    )
    receive(
        4,
        kind="grievance",
        channel="phone",
        received_at=now - timedelta(days=2),
        complainant="Consumer",
        about="Disagrees with the plan to move to a skilled nursing facility.",
        category="care_options",
        coverage="program_policy",
    )
    return made
