"""Background side effects of work-item deadlines, run by the django-tasks-db worker
(`casework db_worker`, or the sweeper thread of `casework serve`).

Arguments are ids only, never PHI: the task row sits in the database queue in plain sight.
"""

import logging

from django.tasks import task

logger = logging.getLogger("casework.tasks")


@task()
def work_item_overdue_notify(*, deadline_id: int, work_item_id: int, owner_id: int | None) -> None:
    """Tell the owner that a work item passed its due time (in-app notice: log ids only)."""
    logger.info(
        "work item overdue: deadline=%s work_item=%s owner=%s", deadline_id, work_item_id, owner_id
    )


@task()
def work_item_reminder_notify(*, deadline_id: int, work_item_id: int, owner_id: int | None) -> None:
    """Remind the owner that a work item falls due soon (in-app notice: log ids only)."""
    logger.info(
        "work item reminder: deadline=%s work_item=%s owner=%s", deadline_id, work_item_id, owner_id
    )
