"""The work-item notification tasks live in coordination; rows queued under their old
path (casework.core.tasks) are pointed at the new one by a data migration."""

import importlib

import pytest
from django.apps import apps
from django_tasks_db.models import DBTaskResult

from casework.coordination.tasks import work_item_overdue_notify, work_item_reminder_notify

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("casework.coordination.migrations.0004_work_item_tasks_moved")


def queued_under_the_old_path() -> list[str]:
    """One row of each task, as queued before the move."""
    for task in (work_item_overdue_notify, work_item_reminder_notify):
        task.enqueue(deadline_id=1, work_item_id=2, owner_id=3)
    for name in ("work_item_overdue_notify", "work_item_reminder_notify"):
        DBTaskResult.objects.filter(task_path=f"casework.coordination.tasks.{name}").update(
            task_path=f"casework.core.tasks.{name}"
        )
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_queued_rows_are_moved_to_the_new_task_path() -> None:
    assert queued_under_the_old_path() == [
        "casework.core.tasks.work_item_overdue_notify",
        "casework.core.tasks.work_item_reminder_notify",
    ]
    MIGRATION.forward(apps, None)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "casework.coordination.tasks.work_item_overdue_notify",
        "casework.coordination.tasks.work_item_reminder_notify",
    ]


def test_moved_rows_name_an_importable_task() -> None:
    queued_under_the_old_path()
    MIGRATION.forward(apps, None)
    assert {row.task for row in DBTaskResult.objects.all()} == {
        work_item_overdue_notify,
        work_item_reminder_notify,
    }


def test_the_migration_reverses() -> None:
    queued_under_the_old_path()
    MIGRATION.forward(apps, None)
    MIGRATION.backward(apps, None)
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "casework.core.tasks.work_item_overdue_notify",
        "casework.core.tasks.work_item_reminder_notify",
    ]
