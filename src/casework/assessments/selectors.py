"""Reads for instruments, responses and needs."""

from django.db.models import QuerySet

from casework.assessments.models import AssessmentResponse, Instrument, Need, NeedStatus


def instrument_list_current() -> QuerySet[Instrument]:
    return Instrument.objects.filter(is_current=True).order_by("title", "id")


def instrument_current(*, code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code, is_current=True).first()


def response_list_for_case(*, case_id: int) -> QuerySet[AssessmentResponse]:
    return (
        AssessmentResponse.objects.filter(case_id=case_id)
        .select_related("instrument", "administered_by")
        .order_by("-administered_at", "-id")
    )


def need_list_for_case(*, case_id: int) -> QuerySet[Need]:
    """Open needs first (suggested, then confirmed by priority), dismissed last."""
    return (
        Need.objects.filter(case_id=case_id)
        .exclude(status=NeedStatus.DISMISSED)
        .order_by("kind", "status", "acuity", "consumer_priority", "id")
    )


def need_confirmed_problems(*, case_id: int) -> QuerySet[Need]:
    return Need.objects.filter(
        case_id=case_id, kind="problem", status=NeedStatus.CONFIRMED
    ).order_by("acuity", "consumer_priority", "id")
