"""Reads of consumers for other contexts."""

from django.db.models import QuerySet

from casework.consumers.models import Consumer


def consumer_ids_of_program(*, program_id: int) -> QuerySet[Consumer, int]:
    """The ids of a program's consumers, as a subquery."""
    return Consumer.objects.filter(program_id=program_id).values_list("pk", flat=True)
