"""Reads for stays: the census, a stay's history and clocks, units and the ADT error queue."""

from dataclasses import dataclass
from typing import Literal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from casework.core.models import Deadline, DeadlineState
from casework.stays.deadlines import SUBJECT
from casework.stays.models import (
    AdtMessage,
    AdvisorReferral,
    MedicareNotice,
    Stay,
    StayDocument,
    StayReview,
    StayStatusChange,
    Unit,
    UnitAssignment,
)
from casework.stays.payers.models import StayAuthorization
from casework.stays.payers.rules import OPEN_AUTHORIZATION_STATES
from casework.stays.rules import AdtOutcome, ReferralState, StayState

CensusSort = Literal["due", "admitted", "-admitted", "name", "unit", "class"]


@dataclass(frozen=True)
class CensusFilters:
    unit_id: int | None = None
    stay_class: str = ""
    payer: str = ""
    reviewer_id: int | None = None
    sort: CensusSort = "due"


def unit_assignment_exists(*, user_id: int, unit_ref: OuterRef) -> Exists:
    return Exists(UnitAssignment.objects.filter(user_id=user_id, unit_id=unit_ref))


def census(*, reach: Q, filters: CensusFilters) -> QuerySet[Stay]:
    """In-house stays the caller reaches (`reach`: the relationship filter), each with its
    next open clock (`next_due_at`) and the number of its authorizations — levels of care
    and post-acute services — waiting for the payer (`open_authorizations`); what is due
    first comes first unless sorted otherwise."""
    next_due = Subquery(
        Deadline.objects.filter(
            subject_type=SUBJECT,
            subject_id=OuterRef("pk"),
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        )
        .values("subject_id")
        .annotate(first=Min("due_at"))
        .values("first")[:1],
        output_field=DateTimeField(),
    )
    open_authorizations = Coalesce(
        Subquery(
            StayAuthorization.objects.filter(
                stay_id=OuterRef("pk"), state__in=list(OPEN_AUTHORIZATION_STATES)
            )
            .values("stay_id")
            .annotate(count=Count("pk"))
            .values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    qs = (
        Stay.objects.filter(reach, state=StayState.IN_HOUSE)
        .select_related("consumer", "unit", "reviewer")
        .annotate(next_due_at=next_due, open_authorizations=open_authorizations)
    )
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.stay_class:
        qs = qs.filter(stay_class=filters.stay_class)
    if filters.payer:
        qs = qs.filter(payer__iexact=filters.payer)
    if filters.reviewer_id:
        qs = qs.filter(reviewer_id=filters.reviewer_id)
    order = {
        "due": (F("next_due_at").asc(nulls_last=True), "admitted_at", "pk"),
        "admitted": ("admitted_at", "pk"),
        "-admitted": ("-admitted_at", "-pk"),
        "name": ("consumer__family_name", "consumer__given_name", "pk"),
        "unit": ("unit__code", "bed", "pk"),
        "class": ("stay_class", "admitted_at", "pk"),
    }[filters.sort]
    return qs.order_by(*order)


def payers_of_program(*, program_id: int) -> list[str]:
    return list(
        Stay.objects.filter(program_id=program_id, state=StayState.IN_HOUSE)
        .exclude(payer="")
        .values_list("payer", flat=True)
        .distinct()
        .order_by("payer")
    )


def units_of_program(*, program_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(program_id=program_id).order_by("code")


def unit_of_program(*, program_id: int, unit_id: int) -> Unit | None:
    return Unit.objects.filter(program_id=program_id, pk=unit_id).first()


def stay_history(*, stay_id: int) -> QuerySet[StayStatusChange]:
    return (
        StayStatusChange.objects.filter(stay_id=stay_id)
        .select_related("unit", "recorded_by")
        .order_by("occurred_at", "pk")
    )


def stay_clocks(*, stay_id: int) -> QuerySet[Deadline]:
    return Deadline.objects.filter(subject_type=SUBJECT, subject_id=stay_id).order_by("due_at")


def adt_error_queue(*, program_id: int) -> QuerySet[AdtMessage]:
    return AdtMessage.objects.filter(
        program_id=program_id, outcome__in=[AdtOutcome.ERROR, AdtOutcome.REJECTED]
    ).order_by("-received_at", "-pk")


def adt_message_of_program(*, program_id: int, message_id: int) -> AdtMessage | None:
    return AdtMessage.objects.filter(program_id=program_id, pk=message_id).first()


def review_list(*, stay_id: int) -> QuerySet[StayReview]:
    return StayReview.objects.filter(stay_id=stay_id).order_by("-reviewed_at", "-pk")


def notice_list(*, stay_id: int) -> QuerySet[MedicareNotice]:
    """The Medicare notices given on the stay, oldest first."""
    return MedicareNotice.objects.filter(stay_id=stay_id).order_by("delivered_at", "pk")


def referral_list(*, stay_id: int) -> QuerySet[AdvisorReferral]:
    return AdvisorReferral.objects.filter(stay_id=stay_id).order_by("-referred_at", "-pk")


def open_referral(*, stay_id: int) -> AdvisorReferral | None:
    return (
        AdvisorReferral.objects.select_related("stay")
        .filter(stay_id=stay_id, state=ReferralState.OPEN)
        .order_by("due_at")
        .first()
    )


def advisor_queue(*, program_id: int) -> QuerySet[AdvisorReferral]:
    """Open referrals of the program, the earliest due first."""
    return (
        AdvisorReferral.objects.filter(stay__program_id=program_id, state=ReferralState.OPEN)
        .select_related("stay", "stay__consumer", "stay__unit", "review")
        .order_by("due_at", "pk")
    )


def document_list(*, stay_id: int) -> QuerySet[StayDocument]:
    """The documents attached to a stay, the first attached first."""
    return (
        StayDocument.objects.filter(stay_id=stay_id)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def document_of_stay(*, stay_id: int, document_id: int) -> StayDocument | None:
    return StayDocument.objects.filter(stay_id=stay_id, pk=document_id).first()
