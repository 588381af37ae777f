"""Deadlines as rows (F1): set, close and sweep. Overdue is a query, never a flag to trust."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from casework.core import clock
from casework.core.models import Deadline, DeadlineKind, DeadlineState

# What the sweep does with a claimed deadline of a kind other than the work-item ones:
# contexts register a handler in their AppConfig.ready() (core imports no context).
DEADLINE_HANDLERS: dict[str, Callable[[Deadline], None]] = {}


def deadline_handler_register(kind: str, handler: Callable[[Deadline], None]) -> None:
    DEADLINE_HANDLERS[kind] = handler


def deadline_set(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    due_at: datetime,
    owner_id: int | None,
    consumer_id: int | None,
) -> Deadline:
    """Create or move the open deadline of this kind for the subject."""
    deadline, _ = Deadline.objects.update_or_create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "state": DeadlineState.OPEN,
            "swept_at": None,
        },
        create_defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "created_at": clock.now(),
        },
    )
    return deadline


def work_item_deadlines_set(
    *, work_item_id: int, due_at: datetime, owner_id: int, consumer_id: int
) -> None:
    """A work item has a due deadline and a reminder before it."""
    lead = timedelta(hours=settings.CASEWORK_REMINDER_LEAD_HOURS)
    for kind, at in (
        (DeadlineKind.WORK_ITEM_DUE, due_at),
        (DeadlineKind.WORK_ITEM_REMINDER, due_at - lead),
    ):
        deadline_set(
            kind=kind,
            subject_type="work_item",
            subject_id=work_item_id,
            due_at=at,
            owner_id=owner_id,
            consumer_id=consumer_id,
        )


def deadlines_close(*, subject_type: str, subject_id: int, state: str) -> int:
    """Close the subject's open or breached deadlines (met when done, waived when cancelled)."""
    return Deadline.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).update(state=state)


def deadlines_due(*, now: datetime, limit: int) -> list[int]:
    return list(
        Deadline.objects.filter(state=DeadlineState.OPEN, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )


def deadline_claim(*, deadline_id: int, now: datetime) -> Deadline | None:
    """Compare-and-swap open → breached; only one sweeper wins a row."""
    with transaction.atomic():
        won = Deadline.objects.filter(
            Q(pk=deadline_id), Q(state=DeadlineState.OPEN), Q(due_at__lte=now)
        ).update(state=DeadlineState.BREACHED, swept_at=now)
        if not won:
            return None
        return Deadline.objects.get(pk=deadline_id)
