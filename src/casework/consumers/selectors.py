"""Reads of consumers for other contexts."""

from typing import Any

from django.db.models import QuerySet

from casework.consumers.models import AdvanceDirective, Consumer, SupportPerson


def consumer_ids_of_program(*, program_id: int) -> QuerySet[Consumer, int]:
    """The ids of a program's consumers, as a subquery."""
    return Consumer.objects.filter(program_id=program_id).values_list("pk", flat=True)


def record_number_holder(*, program_id: int, mrn: str, other_than: int | None = None) -> int | None:
    """The consumer of the program who holds record number `mrn` (not one awaiting a
    link), other than `other_than`; None when nobody does."""
    holders = Consumer.objects.filter(program_id=program_id, mrn=mrn, mrn_link_pending=False)
    if other_than is not None:
        holders = holders.exclude(pk=other_than)
    return holders.values_list("pk", flat=True).first()


def consumer_section(*, consumer: Consumer) -> dict[str, Any]:
    """The consumer's support system, as the case and consumer pages show it (C4, C5)."""
    support_persons = list(
        consumer.support_persons.order_by("-is_legal_decision_maker", "name", "id")
    )
    return {
        "support_persons": support_persons,
        "legal_decision_maker": next(
            (p for p in support_persons if p.is_legal_decision_maker), None
        ),
        "directives": list(consumer.advance_directives.order_by("-recorded_at", "-id")),
    }


def support_person_list(*, consumer_id: int) -> QuerySet[SupportPerson]:
    """The consumer's support persons: the legal decision maker first, then by name."""
    return (
        SupportPerson.objects.filter(consumer_id=consumer_id)
        .select_related("created_by")
        .order_by("-is_legal_decision_maker", "name", "id")
    )


def support_person_of(*, consumer_id: int, support_person_id: int) -> SupportPerson | None:
    """Support person `support_person_id` if they belong to the consumer."""
    return SupportPerson.objects.filter(pk=support_person_id, consumer_id=consumer_id).first()


def advance_directive_list(*, consumer_id: int) -> QuerySet[AdvanceDirective]:
    """The consumer's advance directives, newest first."""
    return (
        AdvanceDirective.objects.filter(consumer_id=consumer_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )
