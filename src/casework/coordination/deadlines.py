"""Work-item deadlines (F1): a due row and a reminder before it, and what the sweep does
when either falls due (registered with core's deadline registry in `apps.py`)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.coordination.tasks import work_item_overdue_notify, work_item_reminder_notify
from casework.core.deadlines import deadline_set, deadlines_create
from casework.core.models import Deadline


class WorkItemDeadline(models.TextChoices):
    """Deadline kinds of this context (rows in core.Deadline; stored values: never change)."""

    DUE = "work_item_due", _("Work item due")
    REMINDER = "work_item_reminder", _("Work item reminder")


def work_item_deadlines_set(
    *, work_item_id: int, due_at: datetime, owner_id: int, consumer_id: int, new: bool = False
) -> None:
    """A work item has a due deadline and a reminder before it: written in one INSERT for
    a new item (`new=True`), created or moved otherwise."""
    lead = timedelta(hours=settings.CASEWORK_REMINDER_LEAD_HOURS)
    due = {WorkItemDeadline.DUE.value: due_at, WorkItemDeadline.REMINDER.value: due_at - lead}
    if new:
        deadlines_create(
            subject_type="work_item",
            subject_id=work_item_id,
            owner_id=owner_id,
            consumer_id=consumer_id,
            due=due,
        )
        return
    for kind, at in due.items():
        deadline_set(
            kind=kind,
            subject_type="work_item",
            subject_id=work_item_id,
            due_at=at,
            owner_id=owner_id,
            consumer_id=consumer_id,
        )


def work_item_due_handle(deadline: Deadline) -> None:
    """Sweep handler: the item is overdue; the row stays breached and the owner is told."""
    work_item_overdue_notify.enqueue(
        deadline_id=deadline.pk, work_item_id=deadline.subject_id, owner_id=deadline.owner_id
    )


def work_item_reminder_handle(deadline: Deadline) -> None:
    """Sweep handler: remind the owner; a reminder is done once sent (the row is met)."""
    work_item_reminder_notify.enqueue(
        deadline_id=deadline.pk, work_item_id=deadline.subject_id, owner_id=deadline.owner_id
    )
