"""Demo seed of this context (composed by `casework.demo`): work items, notes and
communications, through the coordination services, as a case manager would record them."""

from datetime import datetime, timedelta

from casework.cases.models import Case
from casework.coordination import services
from casework.coordination.models import WorkItem, WorkItemStatus
from casework.core.actor import Actor
from casework.staff.models import User


def work_item_seed(
    *, actor: Actor, case: Case, owner: User, title: str, kind: str, due_at: datetime
) -> None:
    services.work_item_create(
        actor=actor, case=case, title=title, kind=kind, owner=owner, due_at=due_at
    )


def outreach_seed(*, actor: Actor, case: Case, now: datetime) -> None:
    """A first attempt to reach a referred consumer: a note and a voicemail."""
    services.note_create(
        actor=actor,
        case=case,
        kind="consent_attempt",
        text="Called to introduce the program; left a message, will try again.",
    )
    services.communication_create(
        actor=actor,
        case=case,
        channel="phone",
        direction="outbound",
        topic="enrollment",
        parties="Case manager; consumer (voicemail)",
        summary="Introduced the program and asked for a call back.",
        occurred_at=now - timedelta(days=2),
    )


def care_contact_seed(*, actor: Actor, case: Case, occurred_at: datetime) -> None:
    """A call to the primary care office and a home-visit progress note."""
    services.communication_create(
        actor=actor,
        case=case,
        channel="phone",
        direction="outbound",
        topic="care",
        parties="Case manager; primary care office",
        summary="Asked the clinic for the discharge medicine list; fax promised today.",
        occurred_at=occurred_at,
    )
    services.note_create(
        actor=actor,
        case=case,
        kind="progress",
        text="Home visit: medicines reviewed, two duplicates found and reported.",
    )


def work_items_complete_seed(*, actor: Actor, case: Case) -> None:
    """Complete the case's open work items (before it closes)."""
    for item in WorkItem.objects.filter(case=case, status=WorkItemStatus.OPEN):
        services.work_item_complete(actor=actor, item=item, version=item.version, outcome="Done.")


def work_items_due_summary(*, now: datetime) -> str:
    """One line on the open work items, for the console."""
    open_items = WorkItem.objects.filter(status=WorkItemStatus.OPEN)
    overdue = open_items.filter(due_at__lt=now).count()
    today = open_items.filter(due_at__gte=now, due_at__date=now.date()).count()
    return f"{open_items.count()} open work items: {overdue} overdue, {today} due today"
