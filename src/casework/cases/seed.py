"""Demo seed of this context (composed by `casework.demo`): referrals, notices, consent
and the case lifecycle, through the cases services, as a case manager would record them."""

from datetime import datetime, timedelta

from casework.cases import services
from casework.cases.models import Case, CaseState
from casework.consumers.models import SupportPerson
from casework.consumers.services import ConsumerFields
from casework.core.actor import Actor, actor_for
from casework.staff.models import User

# 50 cases: every state, most of them active.
DEMO_CASE_STATES: list[CaseState] = (
    [CaseState.REFERRED] * 8
    + [CaseState.ENGAGED] * 8
    + [CaseState.ACTIVE] * 20
    + [CaseState.CLOSED] * 6
    + [CaseState.DECLINED] * 4
    + [CaseState.WITHDRAWN] * 4
)


def referral_seed(*, actor: Actor, i: int, now: datetime, new_consumer: ConsumerFields) -> Case:
    """The `i`th referral, received in the last six weeks, opening a case for a new consumer."""
    source = ("professional", "self", "family")[i % 3]
    return services.referral_intake(
        actor=actor,
        source=source,
        referrer_name={"professional": "Dr. Imani Cole", "family": "A family member"}.get(
            source, ""
        ),
        referrer_organization="Riverside Clinic" if source == "professional" else "",
        reason=(
            "Two admissions for heart failure in 60 days; needs help with medicines."
            if i % 2
            else "Diabetes out of control after discharge; lives alone."
        ),
        received_at=now - timedelta(days=40 - (i % 30), hours=i),
        complexity=("low", "moderate", "high")[i % 3],
        new_consumer=new_consumer,
    )


def notices_seed(*, actor: Actor, case: Case, delivered_at: datetime, partial: bool) -> None:
    """The enrollment notices given in person (only the program purpose when `partial`)."""
    kinds = ["program_purpose"] if partial else [
        "program_purpose", "complaint_process", "privacy_practices"
    ]  # fmt: skip
    for kind in kinds:
        services.notice_record(
            actor=actor,
            case=case,
            kind=kind,
            method="in_person",
            delivered_at=delivered_at,
            acknowledgement="acknowledged",
            interpreter_used=case.consumer.interpreter_needed,
        )


def consent_seed(
    *,
    actor: Actor,
    case: Case,
    surrogate: SupportPerson | None,
    decision: str,
    decided_at: datetime,
) -> Case:
    """Written consent granted or refused, by the surrogate when there is one."""
    services.consent_record(
        actor=actor,
        case=case,
        decision=decision,
        method="written",
        decided_at=decided_at,
        given_by="surrogate" if surrogate else "consumer",
        surrogate=surrogate,
        evidence="Signed form scanned to the record.",
    )
    case.refresh_from_db()
    return case


def case_withdraw_seed(*, actor: Actor, case: Case) -> None:
    case.refresh_from_db()
    services.case_withdraw(
        actor=actor,
        case=case,
        version=case.version,
        reason="Moved out of the service area before services began.",
    )


def case_activate_seed(*, actor: Actor, case: Case) -> Case:
    services.case_activate(actor=actor, case=case, version=case.version)
    case.refresh_from_db()
    return case


def case_close_seed(*, actor: Actor, case: Case, now: datetime, after_closure_contact: str) -> None:
    """Close with the goals met, a mailed notice to the consumer and a faxed one to the clinic."""
    case.refresh_from_db()
    services.case_close(
        actor=actor,
        case=case,
        version=case.version,
        reason="goals_met",
        instructions=f"If things change, call {after_closure_contact}",
        consumer_notice=services.ClosureNotice(method="mail", delivered_at=now),
        provider_notices=[
            services.ClosureNotice(
                method="fax",
                delivered_at=now,
                recipient_type="provider",
                recipient_name="Riverside Clinic",
            )
        ],
        summary="Medicines reconciled; follow-up visits kept for three months.",
    )


def case_state_check(*, case: Case, state: str) -> None:
    """The seeded story left the case in the state it was meant to reach."""
    case.refresh_from_db()
    assert case.state == state, (case.pk, case.state, state)


def case_reassign_seed(*, supervisor: User, from_user: User, to_user: User) -> None:
    """A supervisor moves one active case between case managers (assignment history)."""
    case = Case.objects.filter(assigned_to=from_user, state=CaseState.ACTIVE).order_by("id").first()
    if case is None:
        return
    services.case_reassign(
        actor=actor_for(supervisor, address="127.0.0.1"),
        case=case,
        version=case.version,
        assign_to=to_user,
        reason="Consumer prefers a Spanish-speaking case manager.",
    )
