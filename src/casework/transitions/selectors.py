"""Reads for transitions of care. Each returns rows with what its page shows fixed
inside (no N+1); none writes an audit event (the page or handler's guard does)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from casework.core.models import Deadline, DeadlineState
from casework.stays.models import Stay, StayStatusChange
from casework.stays.rules import StayClass, StayState
from casework.transitions import rules
from casework.transitions.deadlines import (
    BARRIER_SUBJECT,
    DISCHARGE_KINDS,
    REFERRAL_SUBJECT,
    STAY_SUBJECT,
)
from casework.transitions.models import (
    ChoiceList,
    CommunityReferral,
    EducationRecord,
    FollowUpAttempt,
    Handoff,
    Placement,
    PostAcuteProvider,
    Readmission,
    ReferralStatusChange,
    SequencingBarrier,
    SequencingEscalation,
    SequencingLevel,
    TransitionPlan,
    TransitionPlanVersion,
)
from casework.transitions.risk import ADMISSIONS_WINDOW_DAYS, ED_EXCLUDE_DAYS, ED_WINDOW_DAYS
from casework.transitions.rules import PostAcuteNeed, TransitionDeadline


def choice_list_providers(
    *, program_id: int, provider_type: PostAcuteNeed, postal_code: str
) -> list[PostAcuteProvider]:
    """Medicare-participating providers of `provider_type` whose service area includes
    `postal_code`: the best rated first, then by name."""
    return list(
        PostAcuteProvider.objects.filter(
            program_id=program_id,
            provider_type=provider_type.value,
            medicare=True,
            areas__postal_code=postal_code,
        )
        .distinct()
        .order_by("-star_rating", "name")
    )


def provider_of_program(*, program_id: int, provider_id: int) -> PostAcuteProvider | None:
    return PostAcuteProvider.objects.filter(program_id=program_id, pk=provider_id).first()


def choice_list_of_stay(*, stay_id: int, choice_list_id: int) -> ChoiceList | None:
    return (
        ChoiceList.objects.select_related("stay").filter(stay_id=stay_id, pk=choice_list_id).first()
    )


@dataclass(frozen=True)
class Transition:
    """Everything the transition page of a stay shows."""

    plan: TransitionPlan | None
    versions: list[TransitionPlanVersion]
    choice_lists: list[ChoiceList]
    choices: dict[int, list[dict[str, Any]]]
    placement: Placement | None
    handoff: Handoff | None
    attempts: list[FollowUpAttempt]
    clocks: list[Deadline]
    readmission: Readmission | None
    readmissions: list[Readmission]


def transition_of_stay(*, stay: Stay) -> Transition:
    """The stay's transition plan (with every version), choice lists and choices,
    placement, handoff, follow-up attempts, clocks and readmission links (as the
    readmission, and as the index stay). A fixed number of queries."""
    plan = TransitionPlan.objects.filter(stay=stay).first()
    versions = (
        list(
            TransitionPlanVersion.objects.filter(plan=plan)
            .select_related("author")
            .order_by("-number")
        )
        if plan
        else []
    )
    lists = list(ChoiceList.objects.filter(stay=stay).order_by("-presented_at", "-pk"))
    choices: dict[int, list[dict[str, Any]]] = {}
    for row in (
        ChoiceList.objects.filter(stay=stay)
        .filter(choices__isnull=False)
        .order_by("pk", "choices__rank")
        .values("pk", "choices__rank", "choices__provider__name", "choices__provider_id")
    ):
        choices.setdefault(row["pk"], []).append(
            {
                "rank": row["choices__rank"],
                "name": row["choices__provider__name"],
                "provider_id": row["choices__provider_id"],
            }
        )
    return Transition(
        plan=plan,
        versions=versions,
        choice_lists=lists,
        choices=choices,
        placement=Placement.objects.select_related("provider").filter(stay=stay).first(),
        handoff=Handoff.objects.filter(stay=stay).first(),
        attempts=list(
            FollowUpAttempt.objects.filter(stay=stay)
            .select_related("recorded_by")
            .order_by("attempted_at", "pk")
        ),
        clocks=list(
            Deadline.objects.filter(
                subject_type=STAY_SUBJECT, subject_id=stay.pk, kind__in=list(DISCHARGE_KINDS)
            ).order_by("due_at")
        ),
        readmission=Readmission.objects.select_related("index_stay").filter(stay=stay).first(),
        readmissions=list(
            Readmission.objects.select_related("stay").filter(index_stay=stay).order_by("pk")
        ),
    )


def handoff_of_stay(*, stay_id: int) -> Handoff | None:
    return Handoff.objects.select_related("stay", "stay__consumer").filter(stay_id=stay_id).first()


def readmission_of_stay(*, stay_id: int) -> Readmission | None:
    return Readmission.objects.filter(stay_id=stay_id).first()


def follow_up_worklist(
    *, reach: Q, now: datetime, days: int = 30, limit: int = 100
) -> list[dict[str, Any]]:
    """The follow-up worklist: stays discharged in the last `days` days that the caller
    reaches and whose follow-up clock is still open (soonest due first), with failed
    attempts so far. One query, whatever the number of rows: it starts from the open
    clocks (a fraction of the discharges) and checks reach only for those."""
    since = now - timedelta(days=days)
    open_clocks = Deadline.objects.filter(
        subject_type=STAY_SUBJECT,
        kind=TransitionDeadline.FOLLOW_UP,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    )
    clock = open_clocks.filter(subject_id=OuterRef("pk"))
    attempts = (
        FollowUpAttempt.objects.filter(stay_id=OuterRef("pk"))
        .order_by()
        .values("stay_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Stay.objects.filter(
            reach,
            pk__in=open_clocks.values("subject_id"),
            state=StayState.DISCHARGED,
            discharged_at__gte=since,
        )
        .annotate(
            due_at=Subquery(clock.values("due_at")[:1]),
            clock_state=Subquery(clock.values("state")[:1]),
            escalation_level=Subquery(clock.values("escalation_level")[:1]),
            attempts=Coalesce(Subquery(attempts), 0),
        )
        .order_by("due_at", "pk")
        .values(
            "pk",
            "visit_number",
            "discharged_at",
            "consumer__given_name",
            "consumer__family_name",
            "due_at",
            "clock_state",
            "escalation_level",
            "attempts",
        )[:limit]
    )
    return [dict(row) for row in rows]


def referrals_of_consumer(*, consumer_id: int) -> QuerySet[CommunityReferral]:
    return (
        CommunityReferral.objects.filter(consumer_id=consumer_id)
        .select_related("service", "service__organization")
        .order_by("-sent_at", "-pk")
    )


def referral_history(*, referral_id: int) -> QuerySet[ReferralStatusChange]:
    return ReferralStatusChange.objects.filter(referral_id=referral_id).order_by("changed_at", "pk")


def referral_clock(*, referral_id: int) -> Deadline | None:
    return Deadline.objects.filter(subject_type=REFERRAL_SUBJECT, subject_id=referral_id).first()


@dataclass(frozen=True)
class StayRiskFacts:
    """What the program's stays say for the readmission scores of one stay."""

    acute: bool | None
    acute_source: str
    ed_visits: int
    prior_admissions: int


def stay_risk_facts(*, stay: Stay) -> StayRiskFacts:
    """Acute admission (the stay was registered as an emergency, or an emergency visit
    of the consumer began up to the LACE exclusion window before it), emergency visits in
    the LACE window before admission (that visit excluded) and inpatient admissions in
    the HOSPITAL window before admission, over the consumer's stays of this program."""
    admitted = stay.admitted_at
    others = Stay.objects.filter(program_id=stay.program_id, consumer_id=stay.consumer_id).exclude(
        Q(pk=stay.pk) | Q(state=StayState.CANCELLED)
    )
    emergency = Q(stay_class=StayClass.EMERGENCY) | Q(
        pk__in=StayStatusChange.objects.filter(stay_class=StayClass.EMERGENCY).values("stay_id")
    )
    exclude_from = admitted - timedelta(days=ED_EXCLUDE_DAYS or 0)
    ed_window = others.filter(emergency, admitted_at__gte=admitted - timedelta(days=ED_WINDOW_DAYS))
    if ED_EXCLUDE_DAYS is None:
        ed_visits = ed_window.filter(admitted_at__lt=admitted).count()
        leading = False
    else:
        ed_visits = ed_window.filter(admitted_at__lt=exclude_from).count()
        leading = ed_window.filter(
            admitted_at__gte=exclude_from, admitted_at__lte=admitted
        ).exists()
    prior = (
        others.filter(
            Q(stay_class=StayClass.INPATIENT) | Q(inpatient_at__isnull=False),
            admitted_at__gte=admitted - timedelta(days=ADMISSIONS_WINDOW_DAYS),
            admitted_at__lt=admitted,
        )
        .distinct()
        .count()
    )
    registered_emergency = StayStatusChange.objects.filter(
        stay_id=stay.pk, stay_class=StayClass.EMERGENCY, undone=False
    ).exists()
    if stay.stay_class == StayClass.EMERGENCY or registered_emergency:
        acute: bool | None = True
        source = "stay: registered as an emergency"
    elif leading:
        acute, source = True, "an emergency visit of the consumer just before admission"
    else:
        acute, source = None, ""
    return StayRiskFacts(
        acute=acute, acute_source=source, ed_visits=ed_visits, prior_admissions=prior
    )


def handoffs_of_receiver(*, provider_id: int, program_id: int) -> QuerySet[Handoff]:
    """The handoffs addressed to one receiving provider, the newest first."""
    return (
        Handoff.objects.filter(receiver_provider_id=provider_id, stay__program_id=program_id)
        .select_related("stay")
        .order_by("-sent_at", "-id")
    )


def education_of_stay(*, stay_id: int) -> QuerySet[EducationRecord]:
    """The education given during a stay, the latest first."""
    return (
        EducationRecord.objects.filter(stay_id=stay_id)
        .select_related("given_by")
        .order_by("-given_at", "-pk")
    )


# --- sequencing barriers -------------------------------------------------------------------


def sequencing_path(*, program_id: int) -> tuple[rules.EscalationLevel, ...]:
    """The program's escalation path for sequencing barriers, level 1 first: the one its
    clinical director set, else `rules.DEFAULT_ESCALATION_PATH`."""
    rows = SequencingLevel.objects.filter(program_id=program_id).order_by("level")
    path = tuple(rules.EscalationLevel(row.level, row.role, row.response_hours) for row in rows)
    return path or rules.DEFAULT_ESCALATION_PATH


def sequencing_path_is_default(*, program_id: int) -> bool:
    return not SequencingLevel.objects.filter(program_id=program_id).exists()


def _response_due() -> Subquery:
    return Subquery(
        Deadline.objects.filter(
            kind=rules.TransitionDeadline.SEQUENCING_RESPONSE,
            subject_type=BARRIER_SUBJECT,
            subject_id=OuterRef("pk"),
            state__in=(DeadlineState.OPEN, DeadlineState.BREACHED),
            closed_at=None,
        ).values("due_at")[:1]
    )


def sequencing_barriers_of_stay(*, stay_id: int) -> QuerySet[SequencingBarrier]:
    """The stay's sequencing barriers, unresolved first, then the newest; each with its
    levels (prefetched) and `response_due_at` (the open clock's due time, else None)."""
    return (
        SequencingBarrier.objects.filter(stay_id=stay_id)
        .select_related("recorded_by")
        .prefetch_related("escalations")
        .annotate(response_due_at=_response_due())
        .order_by(
            Case(When(state=rules.BarrierState.RESOLVED, then=1), default=0),
            "-recorded_at",
            "-id",
        )
    )


def sequencing_barrier_full(*, barrier_id: int) -> SequencingBarrier:
    """One barrier with its levels and `response_due_at`, as the list gives them."""
    return (
        SequencingBarrier.objects.prefetch_related("escalations")
        .annotate(response_due_at=_response_due())
        .get(pk=barrier_id)
    )


def sequencing_escalations(*, barrier_id: int) -> QuerySet[SequencingEscalation]:
    """The levels a barrier went through, level 1 first."""
    return SequencingEscalation.objects.filter(barrier_id=barrier_id).order_by("level")


def sequencing_clock(*, barrier_id: int) -> Deadline | None:
    """The barrier's response clock (one row; its level in `escalation_level`)."""
    return Deadline.objects.filter(
        kind=rules.TransitionDeadline.SEQUENCING_RESPONSE,
        subject_type=BARRIER_SUBJECT,
        subject_id=barrier_id,
    ).first()
